/**
 * Agentry's own TypeScript types for the AG-UI 1.0 events and messages it emits. They follow the
 * schemas of the official `@ag-ui/core` 1.0 package field for field (the tests validate every
 * event Agentry produces against them), without depending on it at run time.
 */

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

/**
 * One AG-UI 1.0 event, as Agentry emits it: the run lifecycle, streamed text, reasoning and tool
 * calls, tool results, state and message snapshots, and `CUSTOM` events for what only Agentry
 * knows (names start with `agentry.`: usage and metrics, model errors and retries, status
 * changes, workflow step retries and errors). Every event may carry a `timestamp` (epoch
 * milliseconds) and `metadata` (Agentry's under the `agentry` key).
 *
 * @example
 * ```ts
 * import type { AgUiEvent } from '@agentry/realtime';
 *
 * const render = (event: AgUiEvent): string => {
 *   switch (event.type) {
 *     case 'TEXT_MESSAGE_CONTENT':
 *       return event.delta;
 *     case 'TOOL_CALL_START':
 *       return `\n[${event.toolCallName}]`;
 *     case 'RUN_ERROR':
 *       return `\nfailed: ${event.message}`;
 *     default:
 *       return '';
 *   }
 * };
 * console.log(render({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'Hello' }));
 * ```
 */
export type AgUiEvent =
  /** A run (or a resumed segment of a suspended workflow run) has begun. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'RUN_STARTED';
      /** The conversation: the agent's session id, else the agent id; a workflow run's id. */
      threadId: string;
      /** The run's id. */
      runId: string;
      /** The parent run, for a child workflow run. */
      parentRunId?: string;
    })
  /** A run ended without failing: completed, waiting for a person, or cancelled. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'RUN_FINISHED';
      /** The conversation. */
      threadId: string;
      /** The run's id. */
      runId: string;
      /** The run's result (a workflow run's output), when it has one. */
      result?: unknown;
      /** Why the run ended. */
      outcome?:
        | {
            /** The run completed. */
            type: 'success';
          }
        | {
            /** The run waits for something outside it. */
            type: 'interrupt';
            /** What it waits for (at least one). */
            interrupts: AgUiInterrupt[];
          }
        | {
            /** The run was stopped before it completed and did not fail. */
            type: 'cancelled';
          };
      /** The tokens the run used. */
      usage?: AgUiTokenUsage[];
    })
  /** A run failed. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'RUN_ERROR';
      /** What happened. */
      message: string;
      /** The `AgentryError` code. */
      code?: string;
    })
  /** A step has begun: `step-<n>` for an agent's step, the step id for a workflow's. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'STEP_STARTED';
      /** The step's name. */
      stepName: string;
    })
  /** A step has ended. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'STEP_FINISHED';
      /** The step's name. */
      stepName: string;
    })
  /** A streamed text message opens. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'TEXT_MESSAGE_START';
      /** The message's id. */
      messageId: string;
      /** Who speaks. */
      role: 'assistant' | 'user' | 'system' | 'developer';
    })
  /** A piece of a streamed text message. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'TEXT_MESSAGE_CONTENT';
      /** The message's id. */
      messageId: string;
      /** The text added (never empty). */
      delta: string;
    })
  /** A streamed text message closes. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'TEXT_MESSAGE_END';
      /** The message's id. */
      messageId: string;
    })
  /** A tool call opens. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'TOOL_CALL_START';
      /** The call's id. */
      toolCallId: string;
      /** The tool's name. */
      toolCallName: string;
      /** The assistant message the call belongs to. */
      parentMessageId?: string;
    })
  /** A piece of a tool call's JSON arguments. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'TOOL_CALL_ARGS';
      /** The call's id. */
      toolCallId: string;
      /** The JSON text added (never empty). */
      delta: string;
    })
  /** A tool call's arguments are complete. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'TOOL_CALL_END';
      /** The call's id. */
      toolCallId: string;
    })
  /** What a tool returned: a new `tool` message. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'TOOL_CALL_RESULT';
      /** The tool message's id. */
      messageId: string;
      /** The call answered. */
      toolCallId: string;
      /** The result as text (JSON text for a structured result). */
      content: string;
      /** Always `tool`. */
      role?: 'tool';
    })
  /** The state, whole. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'STATE_SNAPSHOT';
      /** Any JSON value. */
      snapshot: unknown;
    })
  /** A change of the state, as a JSON Patch. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'STATE_DELTA';
      /** The operations, applied in order. */
      delta: AgUiJsonPatchOperation[];
    })
  /** The conversation's messages, whole. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'MESSAGES_SNAPSHOT';
      /** The messages, in order. */
      messages: AgUiMessage[];
    })
  /** A span of reasoning opens. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'REASONING_START';
      /** The span's id. */
      messageId: string;
    })
  /** A streamed reasoning message opens. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'REASONING_MESSAGE_START';
      /** The message's id. */
      messageId: string;
      /** Always `reasoning`. */
      role: 'reasoning';
    })
  /** A piece of a streamed reasoning message. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'REASONING_MESSAGE_CONTENT';
      /** The message's id. */
      messageId: string;
      /** The text added (never empty). */
      delta: string;
    })
  /** A streamed reasoning message closes. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'REASONING_MESSAGE_END';
      /** The message's id. */
      messageId: string;
    })
  /** A span of reasoning closes. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'REASONING_END';
      /** The span's id. */
      messageId: string;
    })
  /** An application's own event; Agentry's names start with `agentry.`. */
  | (AgUiEventBase & {
      /** Discriminant. */
      type: 'CUSTOM';
      /** The event's name, such as `agentry.usage` or `agentry.model-error`. */
      name: string;
      /** Its JSON value. */
      value: unknown;
    });

/**
 * The fields every AG-UI event may carry.
 *
 * @example
 * ```ts
 * import type { AgUiEventBase } from '@agentry/realtime';
 *
 * const base: AgUiEventBase = { timestamp: Date.now(), metadata: { agentry: { workflowId: 'order-review' } } };
 * console.log(base.timestamp);
 * ```
 */
export interface AgUiEventBase {
  /** When, in epoch milliseconds (an integer). */
  timestamp?: number;
  /** Extra information; Agentry's is under the `agentry` key (`ag-ui` is reserved). */
  metadata?: Record<string, unknown>;
}

/**
 * The `type` of an {@link AgUiEvent}.
 *
 * @example
 * ```ts
 * import type { AgUiEventType } from '@agentry/realtime';
 *
 * const terminal: AgUiEventType[] = ['RUN_FINISHED', 'RUN_ERROR'];
 * console.log(terminal);
 * ```
 */
export type AgUiEventType = AgUiEvent['type'];

/**
 * The {@link AgUiEvent} of one type.
 *
 * @example
 * ```ts
 * import type { AgUiEventOf } from '@agentry/realtime';
 *
 * const start: AgUiEventOf<'RUN_STARTED'> = { type: 'RUN_STARTED', threadId: 'session-1', runId: 'run-1' };
 * console.log(start.runId);
 * ```
 */
export type AgUiEventOf<TType extends AgUiEventType> = Extract<AgUiEvent, { type: TType }>;
