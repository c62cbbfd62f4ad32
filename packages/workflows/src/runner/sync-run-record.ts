import { toAgentryError, type AgentryErrorJson } from '@agentry/core';
import type { RunState } from './run-state.js';
import { updateRunRecord } from './run-store.js';
import type { RunnerCore } from './runner-core.js';
import type { RunRecord } from './runner-types.js';

/**
 * The run record that matches a folded journal: status, output or error, and the steps waiting
 * for a person with their deadlines.
 *
 * @internal
 */
export function recordFromState(core: RunnerCore, record: RunRecord, state: RunState): RunRecord {
  const next: RunRecord = {
    ...record,
    definitionHash: state.definitionHash || record.definitionHash,
    updatedAt: core.clock.now(),
  };
  delete next.waiting;
  if (state.ended) {
    next.status = state.cancelled ? 'cancelled' : state.error ? 'failed' : 'completed';
    if (state.error) next.error = state.error;
    else next.output = state.output ?? null;
  } else if (state.waiting.size > 0) {
    next.status = 'waiting-for-person';
    next.waiting = [...state.waiting].map((stepId) => {
      const suspended = state.steps.get(stepId)?.suspended;
      return {
        stepId,
        ...(suspended?.deadlineAt === undefined ? {} : { deadlineAt: suspended.deadlineAt }),
        ...(suspended?.onDeadline === undefined ? {} : { onDeadline: suspended.onDeadline }),
        ...(suspended?.childRunId === undefined ? {} : { childRunId: suspended.childRunId }),
        error: suspended?.error ?? lastErrorOf(state, stepId),
      };
    });
  } else {
    next.status = 'running';
  }
  return next;
}

/** Brings a run's record in line with its journal. @internal */
export function syncRecord(core: RunnerCore, runId: string, state: RunState): Promise<RunRecord> {
  return updateRunRecord(core.store, runId, (record) => recordFromState(core, record, state));
}

function lastErrorOf(state: RunState, stepId: string): AgentryErrorJson {
  return (
    state.steps.get(stepId)?.failed ??
    toAgentryError(new Error(`The step "${stepId}" waits for a person.`)).toJSON()
  );
}
