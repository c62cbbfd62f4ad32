import { append, loadState } from './run-journal.js';
import type { RunContext } from './run-context.js';
import type { RunState } from './run-state.js';
import type { RunnerCore } from './runner-core.js';

/**
 * The steps of a waiting run that wait on a child run which has ended (its journal, the truth,
 * says so even when its record lags). A child that settles on its own tells its parent (see
 * `notifyParent`); this is how a parent finds out when that notice was lost (the process stopped
 * first), and how the notice is delivered at all: the parent's next execution reads it here.
 *
 * @internal
 */
export async function findSettledChildren(core: RunnerCore, state: RunState): Promise<string[]> {
  const settled: string[] = [];
  for (const stepId of state.waiting) {
    const childRunId = state.steps.get(stepId)?.suspended?.childRunId;
    if (childRunId === undefined) continue;
    if ((await loadState(core, childRunId)).ended) settled.push(stepId);
  }
  return settled;
}

/**
 * Journals a `child-settled` resume for each step of the run that waits on a child run which has
 * ended, under the run's lease (`ctx`), so that the run goes on once none waits any more.
 *
 * @internal
 */
export async function journalSettledChildren(core: RunnerCore, ctx: RunContext): Promise<void> {
  for (const stepId of await findSettledChildren(core, ctx.state)) {
    await append(core, ctx, { type: 'run-resume', stepId, decision: 'child-settled' });
  }
}
