import type { WorkflowRunEvent, WorkflowRunEventSource } from '@agentry/core';
import type { AgUiEvent } from './ag-ui-types.js';
import type { AgUiInterrupt, AgUiJsonPatchOperation } from './ag-ui-parts.js';

/**
 * The state of one workflow run segment while it is mapped (from its start or resume to its end,
 * error or suspension). Owned by this module; the mapper drops it when `mapWorkflowRunEvent` says
 * the segment is over.
 *
 * The run's AG-UI state is `{ workflowId, status, steps: { [stepId]: stepStatus } }`: a
 * `STATE_SNAPSHOT` at the start, then `STATE_DELTA`s (JSON Patch `add`, which also replaces an
 * object member, so each delta applies whatever the consumer saw of the step before).
 *
 * @internal
 */
export interface WorkflowRunState {
  readonly threadId: string;
  readonly runId: string;
  readonly workflowId: string;
  /** Steps announced with STEP_STARTED and not yet finished, in order. */
  readonly openSteps: Set<string>;
}

/** @internal */
export function createWorkflowRunState(source: WorkflowRunEventSource): WorkflowRunState {
  return {
    threadId: source.runId,
    runId: source.runId,
    workflowId: source.workflowId,
    openSteps: new Set(),
  };
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields of `@agentry/workflows`' run events beyond core's `WorkflowRunEvent`, read safely. */
const entryOf = (event: WorkflowRunEvent): Json => {
  const entry = (event as { entry?: unknown }).entry;
  return isRecord(entry) ? entry : {};
};
const errorOf = (value: unknown): { code: string; message: string } => {
  if (!isRecord(value)) return { code: 'internal', message: 'The workflow run failed.' };
  return {
    code: typeof value.code === 'string' ? value.code : 'internal',
    message: typeof value.message === 'string' ? value.message : 'The workflow run failed.',
  };
};
const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const numberOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** RFC 6901: `~` is written `~0` and `/` is written `~1`. */
const pointerToken = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');

const timestampOf = (event: WorkflowRunEvent): { timestamp?: number } =>
  Number.isFinite(event.at) ? { timestamp: Math.trunc(event.at) } : {};

const segmentEvents = new Set([
  'run-start',
  'run-resume',
  'step-start',
  'step-attempt',
  'step-end',
  'step-error',
  'step-retry',
  'run-suspend',
  'run-end',
  'run-error',
]);

/**
 * Whether a workflow event belongs inside an AG-UI run segment (and so opens one when none is
 * open). A breaker change or an execution error can come after the run's segment ended: it is
 * told as a `CUSTOM` event on its own, never by re-opening the run.
 *
 * @internal
 */
export const isSegmentEvent = (event: WorkflowRunEvent): boolean => segmentEvents.has(event.type);

/**
 * Maps one event of a workflow run to AG-UI events. Returns whether the AG-UI run segment is over
 * (run end, error, or a suspension: the resume opens a new segment).
 *
 * @internal
 */
export function mapWorkflowRunEvent(
  state: WorkflowRunState,
  event: WorkflowRunEvent,
  out: AgUiEvent[],
  started: boolean,
): boolean {
  const at = timestampOf(event);
  const entry = entryOf(event);
  const stepId = event.stepId;
  const delta = (...operations: AgUiJsonPatchOperation[]) =>
    out.push({ type: 'STATE_DELTA', delta: operations, ...at });
  const stepStatus = (id: string, status: string): AgUiJsonPatchOperation => ({
    op: 'add',
    path: `/steps/${pointerToken(id)}`,
    value: status,
  });
  const runStatus = (status: string): AgUiJsonPatchOperation => ({
    op: 'add',
    path: '/status',
    value: status,
  });
  const custom = (name: string, value: Json) =>
    out.push({
      type: 'CUSTOM',
      name,
      value: { runId: state.runId, workflowId: state.workflowId, ...value },
      ...at,
    });
  const closeSteps = () => {
    for (const open of state.openSteps) out.push({ type: 'STEP_FINISHED', stepName: open, ...at });
    state.openSteps.clear();
  };
  const openStep = (id: string) => {
    if (state.openSteps.has(id)) return;
    state.openSteps.add(id);
    out.push({ type: 'STEP_STARTED', stepName: id, ...at });
  };
  const finishStep = (id: string) => {
    if (!state.openSteps.delete(id)) return;
    out.push({ type: 'STEP_FINISHED', stepName: id, ...at });
  };
  const parentRunId = stringOf((event as { parentRunId?: unknown }).parentRunId);

  if (!started) {
    out.push({
      type: 'RUN_STARTED',
      threadId: state.threadId,
      runId: state.runId,
      ...(parentRunId === undefined ? {} : { parentRunId }),
      ...at,
    });
    if (event.type === 'run-resume') delta(runStatus('running'));
    else {
      out.push({
        type: 'STATE_SNAPSHOT',
        snapshot: { workflowId: state.workflowId, status: 'running', steps: {} },
        ...at,
      });
    }
  }

  switch (event.type) {
    case 'run-start':
      return false;
    case 'run-resume': {
      const decision = stringOf(entry.decision);
      custom('agentry.workflow.run-resume', {
        ...(stepId === undefined ? {} : { stepId }),
        ...(decision === undefined ? {} : { decision }),
        ...(stringOf(entry.actor) === undefined ? {} : { actor: entry.actor }),
      });
      if (started) delta(runStatus('running'));
      if (stepId !== undefined && decision !== 'abort') {
        delta(stepStatus(stepId, 'running'));
        openStep(stepId);
      }
      return false;
    }
    case 'step-start':
      if (stepId === undefined) return false;
      openStep(stepId);
      delta(stepStatus(stepId, 'running'));
      return false;
    case 'step-end':
      if (stepId === undefined) return false;
      delta(stepStatus(stepId, entry.skipped === true ? 'skipped' : 'completed'));
      finishStep(stepId);
      return false;
    case 'step-error': {
      if (stepId === undefined) return false;
      const error = errorOf(entry.error);
      const final = entry.final === true;
      custom('agentry.workflow.step-error', {
        stepId,
        attempt: numberOf(entry.attempt) ?? null,
        code: error.code,
        message: error.message,
        final,
      });
      if (final) {
        delta(stepStatus(stepId, 'failed'));
        finishStep(stepId);
      }
      return false;
    }
    case 'step-retry':
      if (stepId === undefined) return false;
      custom('agentry.workflow.step-retry', {
        stepId,
        attempt: numberOf(entry.attempt) ?? null,
        dueAt: numberOf(entry.dueAt) ?? null,
      });
      delta(stepStatus(stepId, 'retrying'));
      return false;
    case 'step-attempt':
      // Attempts are told by step-retry and step-error; the first attempt is the step's start.
      return false;
    case 'run-suspend': {
      const error = errorOf(entry.error);
      const childRunId = stringOf(entry.childRunId);
      const deadlineAt = numberOf(entry.deadlineAt);
      const onDeadline = stringOf(entry.onDeadline);
      const waiting = stepId ?? 'run';
      delta(
        runStatus('suspended'),
        ...(stepId === undefined ? [] : [stepStatus(stepId, 'waiting')]),
      );
      closeSteps();
      const interrupt: AgUiInterrupt = {
        id: `${state.runId}:${waiting}`,
        reason: childRunId === undefined ? 'human_intervention' : 'child_run',
        message: error.message,
        ...(deadlineAt === undefined ? {} : { expiresAt: new Date(deadlineAt).toISOString() }),
        metadata: {
          agentry: {
            workflowId: state.workflowId,
            ...(stepId === undefined ? {} : { stepId }),
            code: error.code,
            ...(onDeadline === undefined ? {} : { onDeadline }),
            ...(childRunId === undefined ? {} : { childRunId }),
          },
        },
      };
      out.push({
        type: 'RUN_FINISHED',
        threadId: state.threadId,
        runId: state.runId,
        outcome: { type: 'interrupt', interrupts: [interrupt] },
        ...at,
      });
      return true;
    }
    case 'run-end': {
      delta(runStatus('completed'));
      closeSteps();
      const output = entry.output;
      out.push({
        type: 'RUN_FINISHED',
        threadId: state.threadId,
        runId: state.runId,
        ...(output === undefined || output === null ? {} : { result: output }),
        outcome: { type: 'success' },
        ...at,
      });
      return true;
    }
    case 'run-error': {
      const error = errorOf(entry.error);
      const cancelled = entry.cancelled === true;
      delta(runStatus(cancelled ? 'cancelled' : 'failed'));
      closeSteps();
      if (cancelled) {
        out.push({
          type: 'RUN_FINISHED',
          threadId: state.threadId,
          runId: state.runId,
          outcome: { type: 'cancelled' },
          metadata: { agentry: { reason: error.message } },
          ...at,
        });
      } else {
        out.push({ type: 'RUN_ERROR', message: error.message, code: error.code, ...at });
      }
      return true;
    }
    case 'breaker-state': {
      const breaker = (event as { breaker?: unknown }).breaker;
      custom('agentry.workflow.breaker-state', {
        ...(stepId === undefined ? {} : { stepId }),
        ...(isRecord(breaker)
          ? { name: breaker.name ?? null, from: breaker.from ?? null, to: breaker.to ?? null }
          : {}),
      });
      return false;
    }
    case 'execution-error': {
      const error = errorOf((event as { error?: unknown }).error);
      custom('agentry.workflow.execution-error', { code: error.code, message: error.message });
      return false;
    }
    default:
      custom('agentry.workflow.event', {
        event: event.type,
        ...(stepId === undefined ? {} : { stepId }),
      });
      return false;
  }
}
