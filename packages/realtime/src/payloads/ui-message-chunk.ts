/**
 * The header (name and value) that tells an AI SDK client (`useChat`, `DefaultChatTransport`) a
 * response is a UI message stream, version 1.
 *
 * @example
 * ```ts
 * import { UI_MESSAGE_STREAM_HEADER } from '@agentry/realtime';
 *
 * console.log(`${UI_MESSAGE_STREAM_HEADER.name}: ${UI_MESSAGE_STREAM_HEADER.value}`); // x-vercel-ai-ui-message-stream: v1
 * ```
 */
export const UI_MESSAGE_STREAM_HEADER = {
  name: 'x-vercel-ai-ui-message-stream',
  value: 'v1',
} as const;

/**
 * The response headers of a UI message stream served over SSE.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { UI_MESSAGE_STREAM_HEADERS } from '@agentry/realtime';
 *
 * createServer((request, response) => {
 *   response.writeHead(200, UI_MESSAGE_STREAM_HEADERS);
 *   response.end('data: [DONE]\n\n');
 * });
 * ```
 */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  [UI_MESSAGE_STREAM_HEADER.name]: UI_MESSAGE_STREAM_HEADER.value,
};

/**
 * One chunk of an AI SDK UI message stream (v1), as the encoder writes it: the subset of the AI
 * SDK's `UIMessageChunk` that Agentry produces.
 *
 * @example
 * ```ts
 * import type { UiMessageChunk } from '@agentry/realtime';
 *
 * const chunks: UiMessageChunk[] = [
 *   { type: 'start', messageId: 'run-1' },
 *   { type: 'text-start', id: 'run-1:1.1:0' },
 *   { type: 'text-delta', id: 'run-1:1.1:0', delta: 'Hello' },
 *   { type: 'text-end', id: 'run-1:1.1:0' },
 *   { type: 'finish', finishReason: 'stop' },
 * ];
 * console.log(chunks.length);
 * ```
 */
export type UiMessageChunk =
  | { type: 'start'; messageId?: string }
  | { type: 'finish'; finishReason?: 'stop' | 'error' | 'other' }
  | { type: 'abort'; reason?: string }
  | { type: 'error'; errorText: string }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'text-start'; id: string; providerMetadata?: AgentryProviderMetadata }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string; providerMetadata?: AgentryProviderMetadata }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  | { type: 'tool-input-delta'; toolCallId: string; inputTextDelta: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: `data-${string}`; id?: string; data: unknown; transient?: boolean };

/**
 * The provider metadata Agentry puts on text and reasoning parts: the AG-UI message id, so a UI
 * can hide the parts a failed model attempt streamed (`data-agentry.model-error` names them).
 *
 * @example
 * ```ts
 * import type { AgentryProviderMetadata } from '@agentry/realtime';
 *
 * const metadata: AgentryProviderMetadata = { agentry: { messageId: 'run-1:2.1:0' } };
 * console.log(metadata.agentry.messageId);
 * ```
 */
export interface AgentryProviderMetadata {
  /** Agentry's keys. */
  agentry: {
    /** The AG-UI message the part streams. */
    messageId: string;
  };
}
