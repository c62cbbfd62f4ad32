import { AgentryError, type Clock } from '@agentry/core';
import { linkSignals } from './link-signals.js';
import { RunInterrupted } from './runner-signals.js';
import { watchAbort } from './watch-abort.js';

/**
 * Runs one attempt under a timeout. The attempt's signal aborts when the timeout passes or
 * `outer` aborts; the promise settles at that moment, and whatever the work returns later is
 * dropped, so a late result is never taken for a success.
 *
 * @internal
 */
export function runAttempt<T>(
  work: (signal: AbortSignal) => T | Promise<T>,
  options: { timeoutMs?: number; outer: AbortSignal; clock: Clock; stepId: string },
): Promise<T> {
  const { timeoutMs, outer, clock, stepId } = options;
  if (outer.aborted) return Promise.reject(new RunInterrupted());
  if (timeoutMs === undefined) return runUntilAborted(work, outer);
  const link = linkSignals(outer);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      unwatch();
      link.dispose();
      settle();
    };
    const unwatch = watchAbort(outer, () => finish(() => reject(new RunInterrupted())));
    const timer = clock.setTimeout(() => {
      const error = new AgentryError({
        code: 'timeout',
        message: `The step "${stepId}" took longer than its timeout of ${timeoutMs} ms; its result, if it comes, is discarded.`,
        details: { stepId, timeoutMs },
        suggestions: ['Raise the step timeout, or make the handler honour ctx.signal.'],
      });
      link.controller.abort(error);
      finish(() => reject(error));
    }, timeoutMs);
    let result: T | Promise<T>;
    try {
      result = work(link.signal);
    } catch (error) {
      // Handlers may throw anything; it is passed on unchanged and wrapped by the caller.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      finish(() => reject(error));
      return;
    }
    Promise.resolve(result).then(
      (value) => finish(() => resolve(value)),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/**
 * An attempt without a timeout. Its signal would abort exactly when `outer` does, so the work gets
 * `outer` itself, and a result that is not a promise needs no watching at all: most steps cost no
 * signal, listener or timer.
 */
function runUntilAborted<T>(
  work: (signal: AbortSignal) => T | Promise<T>,
  outer: AbortSignal,
): Promise<T> {
  let result: T | Promise<T>;
  try {
    result = work(outer);
  } catch (error) {
    // Handlers may throw anything; it is passed on unchanged and wrapped by the caller.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(error);
  }
  return isPromiseLike(result) ? untilAborted(result, outer) : Promise.resolve(result);
}

/**
 * Settles as `pending` does, or rejects with `RunInterrupted` as soon as `signal` aborts (a late
 * result is then dropped).
 *
 * @internal
 */
export function untilAborted<T>(pending: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unwatch = watchAbort(signal, () => reject(new RunInterrupted()));
    pending.then(
      (value) => {
        unwatch();
        resolve(value);
      },
      (error: unknown) => {
        unwatch();
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error);
      },
    );
  });
}

/** Whether a handler returned something to wait for. @internal */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
