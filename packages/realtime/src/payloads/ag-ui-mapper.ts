import { AgentryError, type AgentEvent, type InstanceEvent } from '@agentry/core';
import type { AgUiEvent } from './ag-ui-types.js';
import {
  createAgentRunState,
  isAgentRunEvent,
  mapAgentRunEvent,
  type AgentRunState,
} from './agent-run-mapping.js';
import {
  createWorkflowRunState,
  isSegmentEvent,
  mapWorkflowRunEvent,
  type WorkflowRunState,
} from './workflow-run-mapping.js';

/**
 * Options of {@link createAgUiMapper}.
 *
 * @example
 * ```ts
 * import { createAgUiMapper, type AgUiMapperOptions } from '@agentry/realtime';
 *
 * const options: AgUiMapperOptions = { maxRuns: 1_000 };
 * const mapper = createAgUiMapper(options);
 * console.log(mapper.activeRuns);
 * ```
 */
export interface AgUiMapperOptions {
  /**
   * The most runs followed at once (default 10,000). A run's state is dropped when it ends or
   * fails; past this bound the oldest run still followed is dropped too (a run whose end never
   * comes cannot hold memory forever), and a later event of it is mapped as if the mapper had
   * just started.
   */
  readonly maxRuns?: number;
}

/**
 * Turns an Agentry instance's events into AG-UI 1.0 events. See {@link createAgUiMapper}.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import { createAgUiMapper, type AgUiMapper } from '@agentry/realtime';
 *
 * declare const agentry: Agentry;
 * const mapper: AgUiMapper = createAgUiMapper();
 * agentry.events$.subscribe((event) => {
 *   for (const agUi of mapper.map(event)) console.log(agUi.type);
 * });
 * ```
 */
export interface AgUiMapper {
  /** The AG-UI events one instance event stands for, in order (often none or one). */
  map(event: InstanceEvent): readonly AgUiEvent[];
  /** How many runs are followed now (runs started and not yet ended, failed or dropped). */
  readonly activeRuns: number;
}

type RunState =
  | { readonly kind: 'agent'; readonly state: AgentRunState }
  | { readonly kind: 'workflow'; readonly state: WorkflowRunState };

/**
 * Creates a mapper from `host.events$` (an `InstanceEvent`) to AG-UI 1.0 events. It follows each
 * run (a few ids and flags per run, dropped at its end) to put AG-UI's sequence around core's
 * parts:
 *
 * - **Agent runs.** `run-start` → `RUN_STARTED` (`threadId` = the agent's session id, else its
 *   id) plus the user's message as a `user` text message; `step-start`/`step-end` →
 *   `STEP_STARTED`/`STEP_FINISHED` (`step-<n>`) and a `CUSTOM agentry.usage`; text deltas → one
 *   assistant text message per stretch of text (`TEXT_MESSAGE_START` before the first delta,
 *   `TEXT_MESSAGE_END` before a tool call, the step's end or the run's end); reasoning deltas →
 *   `REASONING_START`/`REASONING_MESSAGE_*`/`REASONING_END`; tool calls → `TOOL_CALL_START`
 *   (its `parentMessageId` the step's assistant message), `TOOL_CALL_ARGS`, `TOOL_CALL_END`;
 *   tool responses → `TOOL_CALL_RESULT`; a failed model attempt → `CUSTOM agentry.model-error`
 *   naming the messages it streamed (`discardedMessageIds`: never part of the answer) and, when
 *   retried, `CUSTOM agentry.model-request` for each later attempt; `run-end` → `RUN_FINISHED`
 *   with the run's token usage; `run-error` → `RUN_ERROR`, or `RUN_FINISHED` with the
 *   `cancelled` outcome for an abort. Status changes, metrics, model warnings and real-time
 *   errors → `CUSTOM agentry.status`, `agentry.metrics`, `agentry.model-warning`,
 *   `agentry.realtime-error`.
 * - **Workflow runs** (`threadId` = the run id). `run-start` → `RUN_STARTED` plus a
 *   `STATE_SNAPSHOT` `{ workflowId, status, steps }` kept up to date with `STATE_DELTA`; steps →
 *   `STEP_STARTED`/`STEP_FINISHED`; retries and failures → `CUSTOM agentry.workflow.step-retry`
 *   and `agentry.workflow.step-error`; a step waiting for a person (`run-suspend`) →
 *   `RUN_FINISHED` with the `interrupt` outcome (interrupt id `<runId>:<stepId>`); its
 *   `run-resume` → a new `RUN_STARTED` of the same run; `run-end` → `RUN_FINISHED` with the
 *   output as `result`; `run-error` → `RUN_ERROR` (or the `cancelled` outcome).
 * - Plug-in events are not run events: they map to nothing.
 *
 * Message ids derive from the run's own events (`<runId>:<step>.<request>:<n>`,
 * `<runId>:tool:<toolCallId>`), never from a random source, so the same events always map to the
 * same ids, in this process or a restarted one. A run first seen after its start (a mapper
 * created mid-run) gets a `RUN_STARTED` before its first event.
 *
 * @throws AgentryError `validation_failed` when `maxRuns` is not a positive integer
 *
 * @example
 * ```ts
 * import { createAgUiMapper } from '@agentry/realtime';
 *
 * const mapper = createAgUiMapper();
 * const source = { kind: 'agent', agentId: 'agent-1', sessionId: 'session-1' } as const;
 * mapper.map({ source, event: { type: 'run-start', runId: 'run-1', message: undefined } });
 * mapper.map({ source, event: { type: 'step-start', runId: 'run-1', step: 1 } });
 * const events = mapper.map({ source, event: { type: 'text-delta', runId: 'run-1', step: 1, delta: 'Hi' } });
 * console.log(events.map((event) => event.type)); // ['TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT']
 * ```
 */
export function createAgUiMapper(options: AgUiMapperOptions = {}): AgUiMapper {
  const maxRuns = options.maxRuns ?? 10_000;
  if (!Number.isSafeInteger(maxRuns) || maxRuns < 1) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `AG-UI mapper option maxRuns is ${String(maxRuns)}; it must be a positive integer.`,
      details: { path: 'maxRuns', value: maxRuns },
      suggestions: ['Set maxRuns to a positive integer, or leave it out for 10,000.'],
    });
  }
  // Runs followed now, by `agent:<runId>` or `workflow:<runId>`, oldest first: an entry is made at
  // a run's first event and removed at its end, its error, a workflow's suspension, or eviction.
  const runs = new Map<string, RunState>();

  const remember = (key: string, run: RunState) => {
    runs.set(key, run);
    if (runs.size > maxRuns) {
      const oldest = runs.keys().next().value;
      if (oldest !== undefined) runs.delete(oldest);
    }
  };

  const mapAgentEvent = (tagged: Extract<InstanceEvent, { source: { kind: 'agent' } }>) => {
    const { source, event } = tagged;
    const out: AgUiEvent[] = [];
    if (!isAgentRunEvent(event)) {
      const custom = agentCustomEvent(source.agentId, event);
      if (custom !== undefined) out.push(custom);
      return out;
    }
    const key = `agent:${event.runId}`;
    let run = runs.get(key);
    if (run === undefined || run.kind !== 'agent' || event.type === 'run-start') {
      const state = createAgentRunState(source, event.runId);
      run = { kind: 'agent', state };
      remember(key, run);
      if (event.type !== 'run-start') {
        out.push({ type: 'RUN_STARTED', threadId: state.threadId, runId: state.runId });
      }
    }
    if (mapAgentRunEvent(run.state, event, out)) runs.delete(key);
    return out;
  };

  const mapWorkflowEvent = (
    tagged: Extract<InstanceEvent, { source: { kind: 'workflow-run' } }>,
  ) => {
    const { source, event } = tagged;
    const out: AgUiEvent[] = [];
    const key = `workflow:${source.runId}`;
    const run = runs.get(key);
    if (run?.kind === 'workflow' && event.type !== 'run-start') {
      if (mapWorkflowRunEvent(run.state, event, out, true)) runs.delete(key);
      return out;
    }
    const state = createWorkflowRunState(source);
    if (!isSegmentEvent(event)) {
      // Told on its own, without opening a run segment that is not there.
      mapWorkflowRunEvent(state, event, out, true);
      return out;
    }
    if (!mapWorkflowRunEvent(state, event, out, false)) remember(key, { kind: 'workflow', state });
    else runs.delete(key);
    return out;
  };

  return {
    map(tagged) {
      switch (tagged.source.kind) {
        case 'agent':
          return mapAgentEvent(tagged as Extract<InstanceEvent, { source: { kind: 'agent' } }>);
        case 'workflow-run':
          return mapWorkflowEvent(
            tagged as Extract<InstanceEvent, { source: { kind: 'workflow-run' } }>,
          );
        case 'plugin':
          return [];
      }
    },
    get activeRuns() {
      return runs.size;
    },
  };
}

function agentCustomEvent(
  agentId: string,
  event: Exclude<AgentEvent, { runId: string }>,
): AgUiEvent | undefined {
  switch (event.type) {
    case 'status-delta':
      return {
        type: 'CUSTOM',
        name: 'agentry.status',
        value: { agentId, from: event.from, event: event.event, to: event.to },
      };
    case 'metrics-delta':
      return {
        type: 'CUSTOM',
        name: 'agentry.metrics',
        value: { agentId, metrics: toJson(event.metrics) },
      };
    case 'model-warning':
      return {
        type: 'CUSTOM',
        name: 'agentry.model-warning',
        value: {
          agentId,
          model: event.model,
          code: event.code,
          message: event.message,
          ...(event.retiresAt === undefined ? {} : { retiresAt: event.retiresAt }),
        },
      };
    case 'realtime-error':
      return {
        type: 'CUSTOM',
        name: 'agentry.realtime-error',
        value: { agentId, responseTime: event.responseTime, threshold: event.threshold },
      };
  }
}

/** A JSON copy (dates as ISO strings), so what is logged is what a consumer parses. */
const toJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
