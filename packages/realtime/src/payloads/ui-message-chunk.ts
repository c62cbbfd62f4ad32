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
  /** The header's name. */
  name: 'x-vercel-ai-ui-message-stream',
  /** The stream protocol version. */
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
  | {
      /** The message starts. */
      type: 'start';
      /** The id of the assistant message the stream builds. */
      messageId?: string;
    }
  | {
      /** The message is complete. */
      type: 'finish';
      /** Why: `stop` (normally), `error` (the run failed), `other` (the run waits for a person). */
      finishReason?: 'stop' | 'error' | 'other';
    }
  | {
      /** The run was cancelled: the message ends here. */
      type: 'abort';
      /** Why it was cancelled. */
      reason?: string;
    }
  | {
      /** An error ended the stream. */
      type: 'error';
      /** The error's text, shown to the user. */
      errorText: string;
    }
  | {
      /** A step (one model call and its tool calls) starts. */
      type: 'start-step';
    }
  | {
      /** The current step ends. */
      type: 'finish-step';
    }
  | {
      /** A text part starts. */
      type: 'text-start';
      /** The text part's id; its deltas and end carry the same id. */
      id: string;
      /** Agentry's metadata for the part. */
      providerMetadata?: AgentryProviderMetadata;
    }
  | {
      /** More text for a text part. */
      type: 'text-delta';
      /** The text part's id. */
      id: string;
      /** The text to append. */
      delta: string;
    }
  | {
      /** A text part ends. */
      type: 'text-end';
      /** The text part's id. */
      id: string;
    }
  | {
      /** A reasoning part starts. */
      type: 'reasoning-start';
      /** The reasoning part's id; its deltas and end carry the same id. */
      id: string;
      /** Agentry's metadata for the part. */
      providerMetadata?: AgentryProviderMetadata;
    }
  | {
      /** More text for a reasoning part. */
      type: 'reasoning-delta';
      /** The reasoning part's id. */
      id: string;
      /** The reasoning text to append. */
      delta: string;
    }
  | {
      /** A reasoning part ends. */
      type: 'reasoning-end';
      /** The reasoning part's id. */
      id: string;
    }
  | {
      /** The model starts streaming a tool call's input. */
      type: 'tool-input-start';
      /** The tool call's id. */
      toolCallId: string;
      /** The name of the tool called. */
      toolName: string;
    }
  | {
      /** More of a tool call's input, as JSON text. */
      type: 'tool-input-delta';
      /** The tool call's id. */
      toolCallId: string;
      /** The input JSON text to append. */
      inputTextDelta: string;
    }
  | {
      /** A tool call's input is complete. */
      type: 'tool-input-available';
      /** The tool call's id. */
      toolCallId: string;
      /** The name of the tool called. */
      toolName: string;
      /** The parsed input. */
      input: unknown;
    }
  | {
      /** A tool call returned. */
      type: 'tool-output-available';
      /** The tool call's id. */
      toolCallId: string;
      /** The tool's output. */
      output: unknown;
    }
  | {
      /** A tool call failed. */
      type: 'tool-output-error';
      /** The tool call's id. */
      toolCallId: string;
      /** The error's text. */
      errorText: string;
    }
  | {
      /** A custom data part, `data-` followed by its name (e.g. `data-agentry.status`). */
      type: `data-${string}`;
      /** The part's id: a later part with the same type and id replaces it. */
      id?: string;
      /** The part's payload. */
      data: unknown;
      /** `true` when the part is delivered to `onData` only, never added to the message. */
      transient?: boolean;
    };

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
