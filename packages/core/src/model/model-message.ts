import type {
  ImagePart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from './content-part.js';

/**
 * Instructions in the conversation (besides `ModelRequest.system`).
 *
 * @example
 * ```ts
 * import type { ModelMessage, ModelSystemMessage } from '@agentry/core';
 *
 * const system: ModelSystemMessage = { role: 'system', content: 'You are a terse assistant.' };
 * const messages: ModelMessage[] = [system, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }];
 * ```
 */
export interface ModelSystemMessage {
  /** Discriminant. */
  role: 'system';
  /** The instructions. */
  content: string;
}

/**
 * What the user said: text and images.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import type { ModelUserMessage } from '@agentry/core';
 *
 * // Text and an image, for a model whose capabilities include vision.
 * const question: ModelUserMessage = {
 *   role: 'user',
 *   content: [
 *     { type: 'text', text: 'What is in this picture?' },
 *     { type: 'image', image: readFileSync('photo.jpg'), mediaType: 'image/jpeg' },
 *   ],
 * };
 * ```
 */
export interface ModelUserMessage {
  /** Discriminant. */
  role: 'user';
  /** Text and images, in order. */
  content: (TextPart | ImagePart)[];
}

/**
 * What the model said earlier: text, reasoning and tool calls.
 *
 * @example
 * ```ts
 * import type { ModelAssistantMessage } from '@agentry/core';
 *
 * // A model's earlier turn that called a tool; `input` is the arguments as JSON text.
 * const answer: ModelAssistantMessage = {
 *   role: 'assistant',
 *   content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Lisbon"}' }],
 * };
 * ```
 */
export interface ModelAssistantMessage {
  /** Discriminant. */
  role: 'assistant';
  /** Text, reasoning and tool calls, in order. */
  content: (TextPart | ReasoningPart | ToolCallPart)[];
}

/**
 * The results of the tool calls of the assistant message before it.
 *
 * @example
 * ```ts
 * import type { ModelToolMessage } from '@agentry/core';
 *
 * // The result of the call above, sent back in the next request.
 * const result: ModelToolMessage = {
 *   role: 'tool',
 *   content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { celsius: 21 } }],
 * };
 * ```
 */
export interface ModelToolMessage {
  /** Discriminant. */
  role: 'tool';
  /** One result per call. */
  content: ToolResultPart[];
}

/**
 * A message as the model contract carries it; providers map these to their wire formats.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ModelMessage } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // A whole tool round trip, as the agent loop sends it.
 * const messages: ModelMessage[] = [
 *   { role: 'user', content: [{ type: 'text', text: 'Weather in Lisbon?' }] },
 *   { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: '{"city":"Lisbon"}' }] },
 *   { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'get_weather', output: { celsius: 21 } }] },
 * ];
 * const response = await model.generate({ messages });
 * ```
 */
export type ModelMessage =
  ModelSystemMessage | ModelUserMessage | ModelAssistantMessage | ModelToolMessage;
