import { AgentryError } from '@agentry/core';
import { disarmDeadlines } from './arm-deadlines.js';
import { journalClaimed } from './journal-claimed.js';
import { executionOf, stopExecution } from './local-runs.js';
import { append } from './run-journal.js';
import { isHeld } from './run-lease.js';
import { readRunRecord, readRunRecords, runNotFound } from './run-store.js';
import { assertOpen, type RunnerCore } from './runner-core.js';
import type { RunRecord } from './runner-types.js';
import { syncRecord } from './sync-run-record.js';

/**
 * `WorkflowRunner.cancel`: stops the run's execution here (a queued run never starts; a running
 * one is aborted), cancels its unfinished child runs, then claims the run, even from another
 * runner executing it (which stops at its next lease renewal, and whose later writes are void),
 * and journals the cancellation (an `aborted` run error) unless the run already ended.
 *
 * @internal
 * @throws AgentryError `not_found` for an unknown run; `invalid_transition` once the runner closed
 */
export async function cancelRun(core: RunnerCore, runId: string): Promise<RunRecord> {
  assertOpen(core);
  if (!(await readRunRecord(core.store, runId))) throw runNotFound(runId);
  stopExecution(core, runId);
  await executionOf(core, runId)?.catch(() => undefined);
  for (const child of await readRunRecords(core.store)) {
    if (
      child.parent?.runId === runId &&
      (child.status === 'running' || child.status === 'waiting-for-person')
    ) {
      await cancelRun(core, child.runId);
    }
  }
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  const cancelled = await journalClaimed(core, found.record, { force: true }, async (ctx) => {
    if (!ctx.state.ended) {
      disarmDeadlines(core, runId);
      const error = new AgentryError({
        code: 'aborted',
        message: `The run "${runId}" was cancelled.`,
        details: { runId },
      });
      await append(core, ctx, { type: 'run-error', error: error.toJSON(), cancelled: true });
    }
    return syncRecord(core, runId, ctx.state);
  });
  if (isHeld(cancelled)) {
    throw new AgentryError({
      code: 'internal',
      message: `The run "${runId}" could not be claimed to cancel it.`,
      details: { runId, owner: cancelled.owner },
    });
  }
  return cancelled;
}
