import type {
  AgUiInterrupt,
  AgUiJsonPatchOperation,
  AgUiMessage,
  AgUiTokenUsage,
} from './ag-ui-parts.js';

/**
 * Agentry's own TypeScript types for the AG-UI 1.0 events and messages it emits. They follow the
 * schemas of the official `@ag-ui/core` 1.0 package field for field (the tests validate every
 * event Agentry produces against them), without depending on it at run time.
 */

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
export type AgUiEventOf<TType extends AgUiEventType> = Extract<
  AgUiEvent,
  {
    /** The event type to select. */
    type: TType;
  }
>;
