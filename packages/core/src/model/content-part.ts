/**
 * Text in a message.
 *
 * @example
 * ```ts
 * import type { TextPart } from '@agentry/core';
 *
 * const greeting: TextPart = { type: 'text', text: 'Hello!' };
 * ```
 */
export interface TextPart {
  /** Discriminant. */
  type: 'text';
  /** The text. */
  text: string;
}

/**
 * An image in a user message: by URL, or as bytes (a `Uint8Array`, or base64 text) with its media type.
 *
 * @example
 * ```ts
 * import type { ImagePart } from '@agentry/core';
 *
 * // A URL or base64 data as a string, or the bytes.
 * const byUrl: ImagePart = { type: 'image', image: 'https://example.com/cat.png' };
 * const byBytes: ImagePart = { type: 'image', image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mediaType: 'image/png' };
 * ```
 */
export interface ImagePart {
  /** Discriminant. */
  type: 'image';
  /** An `https:` or `data:` URL, a `Uint8Array`, or base64 text. */
  image: string | Uint8Array;
  /** The media type (`image/png`, …); required for bytes. */
  mediaType?: string;
}

/**
 * A model's reasoning, kept so that providers that need it back (signed or encrypted) get it.
 *
 * @example
 * ```ts
 * import type { ModelResponse, ReasoningPart } from '@agentry/core';
 *
 * declare const response: ModelResponse;
 * // The reasoning a model exposes; keep whole parts (with providerMetadata) to send them back.
 * const reasoning = response.content.filter((part): part is ReasoningPart => part.type === 'reasoning');
 * console.log(reasoning.map((part) => part.text).join('\n'));
 * ```
 */
export interface ReasoningPart {
  /** Discriminant. */
  type: 'reasoning';
  /** The reasoning text (may be empty when the provider only returns it encrypted). */
  text: string;
  /** Provider-specific data to send back with the reasoning, such as a signature. */
  providerMetadata?: Record<string, Record<string, unknown>>;
}

/**
 * A tool call the model made. `input` is the arguments as the model wrote them: JSON text.
 *
 * @example
 * ```ts
 * import type { ModelResponse, ToolCallPart } from '@agentry/core';
 *
 * declare const response: ModelResponse;
 * const calls = response.content.filter((part): part is ToolCallPart => part.type === 'tool-call');
 * for (const call of calls) console.log(call.toolName, JSON.parse(call.input));
 * ```
 */
export interface ToolCallPart {
  /** Discriminant. */
  type: 'tool-call';
  /** The provider's id for the call; tool results refer to it. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments as JSON text, exactly as the model produced them (possibly malformed). */
  input: string;
}

/**
 * The result of a tool call, sent back to the model.
 *
 * @example
 * ```ts
 * import type { ToolResultPart } from '@agentry/core';
 *
 * // A tool that failed: the model is told, and may try again or answer without it.
 * const failed: ToolResultPart = {
 *   type: 'tool-result',
 *   toolCallId: 'call_1',
 *   toolName: 'get_weather',
 *   output: { error: 'The weather service is down.' },
 *   isError: true,
 * };
 * ```
 */
export interface ToolResultPart {
  /** Discriminant. */
  type: 'tool-result';
  /** The id of the call this answers. */
  toolCallId: string;
  /** The tool's name. */
  toolName: string;
  /** The result: any JSON value. */
  output: unknown;
  /** Set when the tool failed or its input was refused; `output` then explains why. */
  isError?: boolean;
}

/**
 * Anything a model message may hold.
 *
 * @example
 * ```ts
 * import type { ContentPart } from '@agentry/core';
 *
 * function describe(part: ContentPart): string {
 *   switch (part.type) {
 *     case 'text':
 *     case 'reasoning':
 *       return part.text;
 *     case 'image':
 *       return typeof part.image === 'string' ? part.image : `${part.image.byteLength} bytes`;
 *     case 'tool-call':
 *       return `${part.toolName}(${part.input})`;
 *     case 'tool-result':
 *       return `${part.toolName} → ${JSON.stringify(part.output)}`;
 *   }
 * }
 * ```
 */
export type ContentPart = TextPart | ImagePart | ReasoningPart | ToolCallPart | ToolResultPart;
