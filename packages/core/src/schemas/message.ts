import { z } from 'zod';
import { errorDetailSchema } from './error-detail.js';
import { isoDateSchema } from './iso-date.js';
import { jsonRecordSchema } from './json-record.js';

/** The fields every message has. */
const messageFields = {
  /** Unique id of the message in its conversation. */
  id: z.string().min(1),
  /** The message's text. */
  content: z.string(),
  /** When the message was created. */
  timestamp: isoDateSchema,
  /** Extra typed data (tool calls, content parts, …); JSON values only. */
  metadata: jsonRecordSchema.optional(),
  /** Set while the message is still being streamed. */
  streaming: z.boolean().optional(),
};

/**
 * A message a person (or the application on their behalf) sent.
 *
 * @example
 * ```ts
 * userMessageSchema.parse({ id: 'm1', type: 'user', content: 'Hi', timestamp: '2026-01-01T00:00:00Z', userId: 'u1', sessionId: 's1' });
 * ```
 */
export const userMessageSchema = z.strictObject({
  ...messageFields,
  /** Discriminant. */
  type: z.literal('user'),
  /** Who sent it. */
  userId: z.string().min(1),
  /** The session it belongs to. */
  sessionId: z.string().min(1),
});

/**
 * A message an agent produced.
 *
 * @example
 * ```ts
 * agentMessageSchema.parse({ id: 'm2', type: 'agent', content: 'Hello', timestamp: '2026-01-01T00:00:01Z', agentId: 'a1', model: 'openai:gpt-4o' });
 * ```
 */
export const agentMessageSchema = z.strictObject({
  ...messageFields,
  /** Discriminant. */
  type: z.literal('agent'),
  /** The agent that produced it. */
  agentId: z.string().min(1),
  /** The model that produced it, as `provider:model`. */
  model: z.string().min(1),
  /** The agent's confidence in the answer, from 0 to 1. */
  confidence: z.number().min(0).max(1).optional(),
});

/**
 * A message from the system: instructions, notices and warnings.
 *
 * @example
 * ```ts
 * systemMessageSchema.parse({ id: 'm0', type: 'system', content: 'Be brief.', timestamp: '2026-01-01T00:00:00Z', level: 'info' });
 * ```
 */
export const systemMessageSchema = z.strictObject({
  ...messageFields,
  /** Discriminant. */
  type: z.literal('system'),
  /** How serious it is. */
  level: z.literal(['info', 'warn', 'error']),
  /** A stable code for notices a program reacts to. */
  code: z.string().min(1).optional(),
});

/**
 * A failure recorded in the conversation.
 *
 * @example
 * ```ts
 * errorMessageSchema.parse({
 *   id: 'm3', type: 'error', content: 'The provider is down.', timestamp: '2026-01-01T00:00:02Z',
 *   error: { code: 'provider_unavailable', message: 'The provider is down.' }, recoverable: true,
 * });
 * ```
 */
export const errorMessageSchema = z.strictObject({
  ...messageFields,
  /** Discriminant. */
  type: z.literal('error'),
  /** What went wrong. */
  error: errorDetailSchema,
  /** Whether retrying can succeed. */
  recoverable: z.boolean(),
});

/**
 * Any message of a conversation, told apart by `type`.
 *
 * @example
 * ```ts
 * const message = messageSchema.parse(json);
 * if (message.type === 'agent') console.log(message.model);
 * ```
 */
export const messageSchema = z.discriminatedUnion('type', [
  userMessageSchema,
  agentMessageSchema,
  systemMessageSchema,
  errorMessageSchema,
]);

/**
 * A message a person sent.
 *
 * @example
 * ```ts
 * import type { Agent, UserMessage } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // What users said in this conversation.
 * const fromUsers = agent.state.messages.filter((message): message is UserMessage => message.type === 'user');
 * console.log(fromUsers.map((message) => `${message.userId}: ${message.content}`));
 * ```
 */
export type UserMessage = z.infer<typeof userMessageSchema>;
/**
 * A message an agent produced.
 *
 * @example
 * ```ts
 * import type { Agent, AgentMessage } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // Which model wrote each answer (after fallback, it may not be the primary).
 * const answers = agent.state.messages.filter((message): message is AgentMessage => message.type === 'agent');
 * for (const answer of answers) console.log(answer.model, answer.content.slice(0, 40));
 * ```
 */
export type AgentMessage = z.infer<typeof agentMessageSchema>;
/**
 * A message from the system.
 *
 * @example
 * ```ts
 * import type { SystemMessage } from '@agentry/core';
 *
 * const notice: SystemMessage = {
 *   id: 'm0',
 *   type: 'system',
 *   content: 'The conversation was restored from a backup.',
 *   timestamp: new Date(),
 *   level: 'warn',
 * };
 * ```
 */
export type SystemMessage = z.infer<typeof systemMessageSchema>;
/**
 * A failure recorded in the conversation.
 *
 * @example
 * ```ts
 * import type { Agent, ErrorMessage } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // Failures recorded in the conversation, and whether retrying could help.
 * const errors = agent.state.messages.filter((message): message is ErrorMessage => message.type === 'error');
 * for (const message of errors) console.log(message.error.code, message.recoverable);
 * ```
 */
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
/**
 * Any message of a conversation.
 *
 * @example
 * ```ts
 * import { messageSchema, type Message } from '@agentry/core';
 *
 * declare const json: unknown;
 * const message: Message = messageSchema.parse(json);
 * switch (message.type) {
 *   case 'user':
 *     console.log(`${message.userId}: ${message.content}`);
 *     break;
 *   case 'agent':
 *     console.log(`${message.model}: ${message.content}`);
 *     break;
 *   default:
 *     console.log(`[${message.type}] ${message.content}`);
 * }
 * ```
 */
export type Message = z.infer<typeof messageSchema>;
/**
 * The kinds of message.
 *
 * @example
 * ```ts
 * import type { Agent, MessageType } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // How many messages of each kind the conversation holds.
 * const counts = new Map<MessageType, number>();
 * for (const message of agent.state.messages) counts.set(message.type, (counts.get(message.type) ?? 0) + 1);
 * ```
 */
export type MessageType = Message['type'];
