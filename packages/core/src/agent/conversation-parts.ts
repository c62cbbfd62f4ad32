import { z } from 'zod';

const providerMetadata = z.record(z.string(), z.record(z.string(), z.unknown()));

/**
 * The typed parts Agentry keeps in `message.metadata.parts` so that a conversation survives
 * persistence and replays exactly to any provider: text, images (URL or base64 bytes), reasoning,
 * tool calls (arguments as the model wrote them) and tool results.
 *
 * @example
 * ```ts
 * conversationPartSchema.parse({ type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: '{"q":"x"}' });
 * ```
 */
export const conversationPartSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** Discriminant. */
    type: z.literal('text'),
    /** The text. */
    text: z.string(),
  }),
  z.strictObject({
    /** Discriminant. */
    type: z.literal('image'),
    /** An `https:` or `data:` URL, or base64 bytes. */
    image: z.string(),
    /** Whether `image` is base64 bytes rather than a URL. */
    encoding: z.literal(['url', 'base64']),
    /** The media type, required for bytes. */
    mediaType: z.string().optional(),
  }),
  z.strictObject({
    /** Discriminant. */
    type: z.literal('reasoning'),
    /** The reasoning text. */
    text: z.string(),
    /** Provider data to send back with it. */
    providerMetadata: providerMetadata.optional(),
  }),
  z.strictObject({
    /** Discriminant. */
    type: z.literal('tool-call'),
    /** The provider's id for the call. */
    toolCallId: z.string().min(1),
    /** The tool's name. */
    toolName: z.string().min(1),
    /** The arguments as JSON text. */
    input: z.string(),
  }),
  z.strictObject({
    /** Discriminant. */
    type: z.literal('tool-result'),
    /** The call answered. */
    toolCallId: z.string().min(1),
    /** The tool's name. */
    toolName: z.string().min(1),
    /** The result (JSON). */
    output: z.unknown(),
    /** Whether the tool failed or its input was refused. */
    isError: z.boolean().optional(),
  }),
]);

/**
 * A typed part of a stored message.
 *
 * @example
 * ```ts
 * import { type Agent, type ConversationPart, conversationMetadataSchema } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // The typed parts of the last stored message, as Agentry persists them.
 * const last = agent.state.messages.at(-1);
 * const parts: ConversationPart[] = conversationMetadataSchema.parse(last?.metadata ?? {}).parts ?? [];
 * for (const part of parts) if (part.type === 'tool-call') console.log(part.toolName, part.input);
 * ```
 */
export type ConversationPart = z.infer<typeof conversationPartSchema>;

/**
 * The shape of `metadata` on messages Agentry writes: `role` says which model-contract role the
 * message replays as (an agent message holding tool results replays as `tool`).
 */
export const conversationMetadataSchema = z.looseObject({
  /** The model-contract role the message replays as. */
  role: z.literal(['user', 'assistant', 'tool']).optional(),
  /** The message's parts, in order. */
  parts: z.array(conversationPartSchema).optional(),
});

/**
 * The `metadata` Agentry writes on messages.
 *
 * @example
 * ```ts
 * import { conversationMetadataSchema, type Agent, type ConversationMetadata } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // Which model-contract role each stored message replays as.
 * for (const message of agent.state.messages) {
 *   const metadata: ConversationMetadata = conversationMetadataSchema.parse(message.metadata ?? {});
 *   console.log(message.type, metadata.role, metadata.parts?.length ?? 0);
 * }
 * ```
 */
export type ConversationMetadata = z.infer<typeof conversationMetadataSchema>;
