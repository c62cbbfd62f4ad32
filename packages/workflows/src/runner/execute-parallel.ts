import type { AgentryError } from '@agentry/core';
import type { ParallelStep } from '../definitions/index.js';
import { executeStep, stepById } from './execute-run.js';
import { linkSignals } from './link-signals.js';
import type { RunContext } from './run-context.js';
import { append, flushGrouped, stage } from './run-journal.js';
import type { RunnerCore } from './runner-core.js';
import { RunInterrupted, RunSuspended, StepFailed } from './runner-signals.js';

type BranchOutcome =
  | { status: 'completed' }
  | { status: 'failed'; error: AgentryError }
  | { status: 'waiting' }
  | { status: 'cancelled' };

/**
 * Runs the branches of a parallel step, at most `concurrency` at a time, and joins them by its
 * `onBranchFailure` rule. Each branch's steps are journaled like any other, so a recovered run
 * keeps the branches that finished.
 *
 * @internal
 */
export async function executeParallel(
  core: RunnerCore,
  ctx: RunContext,
  step: ParallelStep,
  signal: AbortSignal,
): Promise<unknown> {
  if (!ctx.state.steps.get(step.id)?.started) {
    await append(core, ctx, { type: 'step-start', stepId: step.id, stepType: step.type });
  }
  const { branches, concurrency, onBranchFailure } = step.configuration;
  const cancelBranches = new AbortController();
  const branchLink = linkSignals(signal, cancelBranches.signal);
  const branchSignal = branchLink.signal;
  const outcomes: BranchOutcome[] = new Array<BranchOutcome>(branches.length);
  let nextBranch = 0;
  const worker = async () => {
    while (nextBranch < branches.length) {
      const index = nextBranch;
      nextBranch += 1;
      if (branchSignal.aborted) {
        outcomes[index] = { status: 'cancelled' };
        continue;
      }
      try {
        for (const stepId of branches[index]!.steps) {
          await executeStep(core, ctx, stepById(ctx, stepId), branchSignal);
        }
        outcomes[index] = { status: 'completed' };
      } catch (error) {
        if (error instanceof StepFailed) {
          outcomes[index] = { status: 'failed', error: error.error };
          if (onBranchFailure === 'fail-fast') cancelBranches.abort();
        } else if (error instanceof RunSuspended) {
          outcomes[index] = { status: 'waiting' };
        } else if (error instanceof RunInterrupted && !signal.aborted) {
          outcomes[index] = { status: 'cancelled' };
        } else {
          throw error;
        }
      }
      // The branch's last step end may be staged: other branches may wait on it in the journal.
      await flushGrouped(core, ctx);
    }
  };
  // While the branches run, their journal writes are grouped (see flushGrouped).
  ctx.branching += 1;
  let settled: PromiseSettledResult<void>[];
  try {
    const workers = Array.from(
      { length: Math.min(concurrency ?? branches.length, branches.length) },
      worker,
    );
    settled = await Promise.allSettled(workers);
  } finally {
    ctx.branching -= 1;
  }
  branchLink.dispose();
  if (signal.aborted) throw new RunInterrupted();
  const crashed = settled.find((result) => result.status === 'rejected');
  if (crashed) throw crashed.reason;
  const failure = outcomes.find((outcome) => outcome.status === 'failed');
  if (failure && onBranchFailure !== 'ignore') {
    await append(core, ctx, {
      type: 'step-error',
      stepId: step.id,
      attempt: 1,
      error: failure.error.toJSON(),
      final: true,
    });
    throw new StepFailed(step.id, failure.error);
  }
  if (outcomes.some((outcome) => outcome.status === 'waiting')) throw new RunSuspended();
  const output = {
    branches: outcomes.map((outcome, index) => ({
      ...(branches[index]!.name === undefined ? {} : { name: branches[index]!.name }),
      status: outcome.status,
      ...(outcome.status === 'failed' ? { error: outcome.error.toJSON() } : {}),
    })),
  };
  // Written with the run's next entries, before the run does anything further (see stage).
  stage(core, ctx, { type: 'step-end', stepId: step.id, output });
  ctx.outputs[step.id] = output;
  return output;
}
