/** The parts of AG-UI 1.0 events: messages, tool calls, JSON Patch operations, interrupts, usage. */

/**
 * One operation of an RFC 6902 JSON Patch, as carried by `STATE_DELTA`.
 *
 * @example
 * ```ts
 * import type { AgUiJsonPatchOperation } from '@agentry/realtime';
 *
 * const patch: AgUiJsonPatchOperation[] = [
 *   { op: 'add', path: '/steps/review', value: 'running' },
 *   { op: 'replace', path: '/status', value: 'suspended' },
 * ];
 * console.log(patch.length);
 * ```
 */
export type AgUiJsonPatchOperation =
  | {
      /** Inserts `value` at `path` (replaces an object member that is there). */
      op: 'add';
      /** An RFC 6901 JSON Pointer. */
      path: string;
      /** The JSON value. */
      value: unknown;
    }
  | {
      /** Removes the value at `path`. */
      op: 'remove';
      /** An RFC 6901 JSON Pointer. */
      path: string;
    }
  | {
      /** Replaces the value at `path`, which must exist. */
      op: 'replace';
      /** An RFC 6901 JSON Pointer. */
      path: string;
      /** The JSON value. */
      value: unknown;
    }
  | {
      /** Moves the value at `from` to `path`. */
      op: 'move';
      /** Where the value is taken from. */
      from: string;
      /** An RFC 6901 JSON Pointer. */
      path: string;
    }
  | {
      /** Copies the value at `from` to `path`. */
      op: 'copy';
      /** Where the value is copied from. */
      from: string;
      /** An RFC 6901 JSON Pointer. */
      path: string;
    }
  | {
      /** Fails the patch unless the value at `path` equals `value`. */
      op: 'test';
      /** An RFC 6901 JSON Pointer. */
      path: string;
      /** The JSON value expected. */
      value: unknown;
    };

/**
 * A tool call held by an assistant message in a `MESSAGES_SNAPSHOT`.
 *
 * @example
 * ```ts
 * import type { AgUiToolCall } from '@agentry/realtime';
 *
 * const call: AgUiToolCall = { id: 'call-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' } };
 * console.log(call.function.name);
 * ```
 */
export interface AgUiToolCall {
  /** The call's id. */
  id: string;
  /** Always `function`. */
  type: 'function';
  /** The tool and its arguments. */
  function: {
    /** The tool's name. */
    name: string;
    /** The arguments as JSON text (possibly incomplete while the call streams). */
    arguments: string;
  };
}

/**
 * A message of the conversation, as `MESSAGES_SNAPSHOT` carries it (the AG-UI `Message` roles
 * Agentry produces).
 *
 * @example
 * ```ts
 * import type { AgUiMessage } from '@agentry/realtime';
 *
 * const messages: AgUiMessage[] = [
 *   { id: 'm-1', role: 'user', content: 'Weather in Lisbon?' },
 *   { id: 'run-1:1.1:0', role: 'assistant', toolCalls: [{ id: 'c-1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
 *   { id: 'run-1:tool:c-1', role: 'tool', toolCallId: 'c-1', content: '{"temperature":21}' },
 * ];
 * console.log(messages.map((message) => message.role).join(' → '));
 * ```
 */
export type AgUiMessage =
  | {
      /** The message's id. */
      id: string;
      /** What the person using the application wrote. */
      role: 'user';
      /** The text. */
      content: string;
    }
  | {
      /** The message's id. */
      id: string;
      /** Instructions from the system or the developer. */
      role: 'system' | 'developer';
      /** The text. */
      content: string;
    }
  | {
      /** The message's id. */
      id: string;
      /** A message from the agent. */
      role: 'assistant';
      /** The text, absent for a message made only of tool calls. */
      content?: string;
      /** The tool calls the message made. */
      toolCalls?: AgUiToolCall[];
    }
  | {
      /** The message's id. */
      id: string;
      /** What a tool returned. */
      role: 'tool';
      /** The result, as text (JSON text for a structured result). */
      content: string;
      /** The call answered. */
      toolCallId: string;
      /** Why the call failed, when it did. */
      error?: string;
    }
  | {
      /** The message's id. */
      id: string;
      /** A span of the model's reasoning. */
      role: 'reasoning';
      /** The reasoning text. */
      content: string;
    };

/**
 * Something a run needs from outside before it can go on: the AG-UI interrupt carried by a
 * `RUN_FINISHED` whose outcome is `interrupt` (a workflow step waiting for a person).
 *
 * @example
 * ```ts
 * import type { AgUiInterrupt } from '@agentry/realtime';
 *
 * const interrupt: AgUiInterrupt = { id: 'run-1:review', reason: 'human_intervention', message: 'The reviewer failed three times.' };
 * console.log(interrupt.reason);
 * ```
 */
export interface AgUiInterrupt {
  /** The interrupt's id: `<runId>:<stepId>` for a waiting workflow step. */
  id: string;
  /** Why the run waits: `human_intervention`, or `child_run` for a waiting child run. */
  reason: string;
  /** What happened, for a person to read. */
  message?: string;
  /** When the wait ends on its own, as an ISO 8601 date. */
  expiresAt?: string;
  /** Agentry's details under the `agentry` key (step, decision taken at the deadline, child run). */
  metadata?: Record<string, unknown>;
}

/**
 * Token counts of a run, in AG-UI's accounting (`RUN_FINISHED.usage`).
 *
 * @example
 * ```ts
 * import type { AgUiTokenUsage } from '@agentry/realtime';
 *
 * const usage: AgUiTokenUsage = { inputTokens: 120, outputTokens: 40, totalTokens: 160 };
 * console.log(usage.totalTokens);
 * ```
 */
export interface AgUiTokenUsage {
  /** The model, as `provider:modelId`, when the counts are for one model. */
  model?: string;
  /** Input tokens, cached ones included. */
  inputTokens?: number;
  /** Output tokens, reasoning included. */
  outputTokens?: number;
  /** Input plus output. */
  totalTokens?: number;
  /** The part of the output spent on reasoning. */
  reasoningTokens?: number;
  /** The part of the input served from the provider's cache. */
  cachedInputTokens?: number;
  /** The part of the input written to the provider's cache. */
  cacheWriteInputTokens?: number;
}
