import type { AgentryError } from '../errors/index.js';
import type { FinishReason, Usage } from './model-response.js';

/**
 * A piece of a streamed model response. Text and reasoning come as start, deltas, end; a tool call
 * as `tool-call-start`, `tool-call-delta` (pieces of the JSON arguments) and `tool-call-end` (the
 * whole arguments text); the stream closes with one `response-end` carrying usage, or with an
 * `error`. Parts of different ids may interleave.
 */
export type ModelStreamPart =
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | {
      type: 'reasoning-end';
      id: string;
      providerMetadata?: Record<string, Record<string, unknown>>;
    }
  | { type: 'tool-call-start'; toolCallId: string; toolName: string }
  | { type: 'tool-call-delta'; toolCallId: string; delta: string }
  | { type: 'tool-call-end'; toolCallId: string; toolName: string; input: string }
  | {
      type: 'response-end';
      finishReason: FinishReason;
      usage: Usage;
      response?: { id?: string; modelId?: string };
      providerMetadata?: Record<string, Record<string, unknown>>;
    }
  | { type: 'error'; error: AgentryError };
