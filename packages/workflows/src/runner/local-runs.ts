import type { RunLease } from './run-lease.js';
import type { RunnerCore } from './runner-core.js';
import type { RunRecord } from './runner-types.js';

/**
 * What one runner holds in memory about runs, and the only functions that change it. The store
 * is the truth about runs (journal, record, lease, see `run-lease.ts`); these maps only say what
 * this process is doing with them right now, and all of them are empty after `close()`.
 *
 * - `executions`, by run id: the run's execution here, queued or running, a promise settling with
 *   its record. Created by `launch` ({@link beginExecution}); removed when that promise settles.
 * - `controllers`, by run id: the AbortController that stops that execution (a cancel; a lost
 *   lease). Created by `launch`, or by `executeRun` for a child run executing inside its parent
 *   ({@link registerController}); removed when the execution that created it ends
 *   ({@link unregisterController}).
 * - `queues`, by workflow id: the tail of a `parallel: false` workflow's queue of runs. Set by
 *   {@link enqueue}; replaced by the next run, never removed (a settled tail costs nothing).
 * - `deadlineTimers`, by `<runId>\0<stepId>`: the timer of a step waiting for a person with a
 *   deadline. Set by `armDeadlines` ({@link setDeadlineTimer}); removed when it fires, when the
 *   step is resumed or the run cancelled ({@link clearDeadlineTimers}), or on close.
 * - `takeoverTimers`, by run id: a timer at the expiry of a lease another runner holds. Set when a
 *   claim finds the run held ({@link armTakeover}); removed when it fires (launching the run
 *   again) or on close.
 * - `leases`, by run id: the lease this runner holds on the run, renewing itself on a timer. Set by
 *   `claimLease` ({@link holdLease}); removed when released or found lost ({@link dropLease}), which
 *   also wakes the work chained after it ({@link leaseReleased}); `close()` releases those left
 *   once every execution stopped.
 *
 * Invariants:
 * - A run has at most one entry in `executions`: `launch` returns the existing execution.
 * - A run has at most one lease in `leases`: a claim of a run this runner already holds is refused
 *   as held (a forced claim, by a cancel, replaces it; the replaced holder stops at its next
 *   write or renewal).
 * - An execution holds the run's lease from its first journal read to its end. A queued execution
 *   holds none (unless recovery claimed the run before launching it), and a cancel aborts it
 *   without running anything (a lease it held is released).
 * - `controllers.get(id)` aborts exactly the execution in `executions.get(id)` (or the child
 *   execution running inside its parent's).
 * - The circuit breakers (`core.breakers`) are not run state: they are created lazily per handler
 *   by `attempt-step.ts` and live as long as the runner.
 *
 * @internal
 */
export interface LocalRuns {
  executions: Map<string, Promise<RunRecord>>;
  controllers: Map<string, AbortController>;
  queues: Map<string, Promise<unknown>>;
  deadlineTimers: Map<string, unknown>;
  takeoverTimers: Map<string, unknown>;
  leases: Map<string, RunLease>;
}

/** Empty maps for a new runner. @internal */
export function createLocalRuns(): LocalRuns {
  return {
    executions: new Map(),
    controllers: new Map(),
    queues: new Map(),
    deadlineTimers: new Map(),
    takeoverTimers: new Map(),
    leases: new Map(),
  };
}

/** Records a launched execution; it is removed once it settles. @internal */
export function beginExecution(
  core: RunnerCore,
  runId: string,
  execution: Promise<RunRecord>,
): Promise<RunRecord> {
  const { executions } = core.local;
  const tracked = execution.finally(() => {
    if (executions.get(runId) === tracked) executions.delete(runId);
  });
  executions.set(runId, tracked);
  return tracked;
}

/** The execution of a run in this process, queued or running, if any. @internal */
export function executionOf(core: RunnerCore, runId: string): Promise<RunRecord> | undefined {
  return core.local.executions.get(runId);
}

/** Registers the controller that stops a run's execution here. @internal */
export function registerController(
  core: RunnerCore,
  runId: string,
  controller: AbortController,
): void {
  core.local.controllers.set(runId, controller);
}

/** Removes a controller registered by {@link registerController}, if still the current one. @internal */
export function unregisterController(
  core: RunnerCore,
  runId: string,
  controller: AbortController,
): void {
  if (core.local.controllers.get(runId) === controller) core.local.controllers.delete(runId);
}

/** Stops the run's execution in this process, queued or running (a cancel). @internal */
export function stopExecution(core: RunnerCore, runId: string, reason?: unknown): void {
  core.local.controllers.get(runId)?.abort(reason);
}

/**
 * Puts `work` behind the runs of a `parallel: false` workflow's queue. The returned promise settles
 * with the work, or at once (with `undefined`) when `signal` aborts first: the work is then never
 * called, and the runs behind it still wait for the runs ahead of it.
 *
 * @internal
 */
export function enqueue<T>(
  core: RunnerCore,
  queueId: string,
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const { queues } = core.local;
  const previous = queues.get(queueId) ?? Promise.resolve();
  const turn = previous.catch(() => undefined).then(() => (signal.aborted ? undefined : work()));
  queues.set(queueId, turn);
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    turn.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}

/** Whether a deadline timer is armed for the step. @internal */
export function hasDeadlineTimer(core: RunnerCore, key: string): boolean {
  return core.local.deadlineTimers.has(key);
}

/** Arms (or re-arms) a step's deadline timer. @internal */
export function setDeadlineTimer(core: RunnerCore, key: string, timer: unknown): void {
  core.local.deadlineTimers.set(key, timer);
}

/** Forgets a deadline timer that fired. @internal */
export function forgetDeadlineTimer(core: RunnerCore, key: string): void {
  core.local.deadlineTimers.delete(key);
}

/** Clears the deadline timers whose key passes `matches`. @internal */
export function clearDeadlineTimers(core: RunnerCore, matches: (key: string) => boolean): void {
  const { deadlineTimers } = core.local;
  for (const [key, timer] of [...deadlineTimers]) {
    if (!matches(key)) continue;
    core.clock.clearTimeout(timer);
    deadlineTimers.delete(key);
  }
}

/**
 * Arms a timer at `expiresAt` (on the runner's clock) that calls `retry`: the takeover of a run
 * whose lease another runner holds, should that runner stop renewing it.
 *
 * @internal
 */
export function armTakeover(
  core: RunnerCore,
  runId: string,
  expiresAt: number,
  retry: () => void,
): void {
  const { takeoverTimers } = core.local;
  if (core.closed || takeoverTimers.has(runId)) return;
  const delay = Math.min(Math.max(1, expiresAt - core.clock.now() + 1), 2 ** 31 - 1);
  takeoverTimers.set(
    runId,
    core.clock.setTimeout(() => {
      takeoverTimers.delete(runId);
      if (!core.closed) retry();
    }, delay),
  );
}

/** Clears every timer of the runner (on close). @internal */
export function clearAllTimers(core: RunnerCore): void {
  clearDeadlineTimers(core, () => true);
  for (const timer of core.local.takeoverTimers.values()) core.clock.clearTimeout(timer);
  core.local.takeoverTimers.clear();
}

/** Records a lease this runner claimed. @internal */
export function holdLease(core: RunnerCore, lease: RunLease): void {
  core.local.leases.set(lease.runId, lease);
}

/** The lease this runner holds on a run, if any. @internal */
export function leaseOf(core: RunnerCore, runId: string): RunLease | undefined {
  return core.local.leases.get(runId);
}

/** Forgets a lease that was released or lost, and wakes who waits for it ({@link leaseReleased}). @internal */
export function dropLease(core: RunnerCore, lease: RunLease): void {
  if (core.local.leases.get(lease.runId) === lease) core.local.leases.delete(lease.runId);
  const waiters = lease.waiters;
  lease.waiters = undefined;
  for (const wake of waiters ?? []) wake();
}

/**
 * Settles once the lease this runner holds on the run is released or lost, or once the runner
 * closes (which may release a lease left by failed work only after its executions stopped);
 * `undefined` when it holds none. A claim of a run this runner holds is refused as held, so work
 * that must follow this runner's own claim in flight (a sibling child's notice, a person's
 * decision) chains after it instead of waiting for the lease's expiry.
 *
 * @internal
 */
export function leaseReleased(core: RunnerCore, runId: string): Promise<void> | undefined {
  const lease = core.local.leases.get(runId);
  if (!lease) return undefined;
  const { signal } = core.closing;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    (lease.waiters ??= []).push(done);
  });
}

/** The leases this runner still holds (on close, after every execution stopped). @internal */
export function heldLeases(core: RunnerCore): RunLease[] {
  return [...core.local.leases.values()];
}
