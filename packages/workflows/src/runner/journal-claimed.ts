import { createRunContext, type RunContext } from './run-context.js';
import { openRun } from './run-journal.js';
import { claimLease, isHeld, releaseLease, renewLease, type LeaseHeld } from './run-lease.js';
import { findWorkflow, type RunnerCore } from './runner-core.js';
import { JournalMoved } from './runner-signals.js';
import type { RunRecord } from './runner-types.js';

/**
 * Journals a decision on a run that is not executing here (a cancel, a person's decision, a child
 * run settling): claims the run's lease (`force` takes it from a live owner, which stops at its
 * next renewal), folds the journal, calls `work` with a context whose writes carry the lease's
 * token, and releases the lease. `work` is called again on a fresh fold when a late write of a
 * runner that lost the run got in its way. Resolves to who holds the lease when it is not free.
 *
 * @internal
 * @throws whatever `work` or the store throws; `lease_lost` when another runner claims the run
 *   meanwhile
 */
export async function journalClaimed<T>(
  core: RunnerCore,
  record: RunRecord,
  options: { force?: boolean },
  work: (ctx: RunContext) => Promise<T>,
): Promise<T | LeaseHeld> {
  const lease = await claimLease(core, record.runId, options);
  if (isHeld(lease)) return lease;
  try {
    const workflow = findWorkflow(core, record.workflowId);
    for (let tries = 0; ; tries += 1) {
      const state = await openRun(core, record, lease);
      try {
        return await work(createRunContext(record, workflow, state, core.closing.signal, lease));
      } catch (error) {
        if (!(error instanceof JournalMoved) || tries >= 4) throw error;
        await renewLease(core, lease);
      }
    }
  } finally {
    await releaseLease(core, lease);
  }
}
