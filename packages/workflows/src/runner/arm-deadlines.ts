import {
  clearDeadlineTimers,
  forgetDeadlineTimer,
  hasDeadlineTimer,
  setDeadlineTimer,
} from './local-runs.js';
import { resumeRun } from './resume-run.js';
import type { RunState } from './run-state.js';
import type { RunnerCore } from './runner-core.js';

/** The longest delay a timer takes (about 24.8 days); longer waits are armed again. */
const maxTimer = 2 ** 31 - 1;

/**
 * Arms a timer for each step of the run that waits for a person with a deadline; at the deadline
 * its `onDeadline` decision is taken as if the actor `deadline` had resumed the run. Due times are
 * journaled, so a restarted runner arms the same deadlines.
 *
 * @internal
 */
export function armDeadlines(core: RunnerCore, runId: string, state: RunState): void {
  const { clock } = core;
  for (const stepId of state.waiting) {
    const suspended = state.steps.get(stepId)?.suspended;
    if (!suspended || suspended.deadlineAt === undefined || suspended.childRunId !== undefined)
      continue;
    const key = `${runId}\u0000${stepId}`;
    if (hasDeadlineTimer(core, key)) continue;
    const deadlineAt = suspended.deadlineAt;
    const decision = suspended.onDeadline ?? 'abort';
    const arm = () => {
      const remaining = Math.max(0, deadlineAt - clock.now());
      setDeadlineTimer(
        core,
        key,
        clock.setTimeout(
          () => {
            forgetDeadlineTimer(core, key);
            if (core.closed) return;
            if (deadlineAt - clock.now() > 0) {
              arm();
              return;
            }
            resumeRun(core, runId, { decision, stepId }, 'deadline').catch(() => undefined);
          },
          Math.min(remaining, maxTimer),
        ),
      );
    };
    arm();
  }
}

/** Clears the deadline timer of one waiting step, if armed. @internal */
export function disarmDeadline(core: RunnerCore, runId: string, stepId: string): void {
  const key = `${runId}\u0000${stepId}`;
  clearDeadlineTimers(core, (candidate) => candidate === key);
}

/** Clears every deadline timer of a run. @internal */
export function disarmDeadlines(core: RunnerCore, runId: string): void {
  const prefix = `${runId}\u0000`;
  clearDeadlineTimers(core, (key) => key.startsWith(prefix));
}
