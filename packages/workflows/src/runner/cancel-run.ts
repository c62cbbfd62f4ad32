import { AgentryError } from '@agentry/core';
import { disarmDeadlines } from './arm-deadlines.js';
import { bareContext } from './execute-run.js';
import { append, loadState } from './run-journal.js';
import { readRunRecord, readRunRecords, runNotFound } from './run-store.js';
import { assertOpen, type RunnerCore } from './runner-core.js';
import type { RunRecord } from './runner-types.js';
import { syncRecord } from './sync-run-record.js';

/**
 * `WorkflowRunner.cancel`: stops the run's execution, cancels its unfinished child runs and
 * journals the cancellation (an `aborted` run error) unless the run already ended.
 *
 * @internal
 * @throws AgentryError `not_found` for an unknown run; `invalid_transition` once the runner closed
 */
export async function cancelRun(core: RunnerCore, runId: string): Promise<RunRecord> {
  assertOpen(core);
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  core.runControllers.get(runId)?.abort();
  const running = core.executions.get(runId);
  if (running) await running.catch(() => undefined);
  for (const child of await readRunRecords(core.store)) {
    if (
      child.parent?.runId === runId &&
      (child.status === 'running' || child.status === 'waiting-for-person')
    ) {
      await cancelRun(core, child.runId);
    }
  }
  const state = await loadState(core, runId);
  if (!state.ended) {
    disarmDeadlines(core, runId);
    const error = new AgentryError({
      code: 'aborted',
      message: `The run "${runId}" was cancelled.`,
      details: { runId },
    });
    await append(core, bareContext(core, found.record, state), {
      type: 'run-error',
      error: error.toJSON(),
      cancelled: true,
    });
  }
  return syncRecord(core, runId, state);
}
