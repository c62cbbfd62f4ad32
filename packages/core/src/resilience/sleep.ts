import { checkDelay } from './check-delay.js';
import { systemClock, type Clock } from './clock.js';
import { createAbortedError } from './create-aborted-error.js';

/**
 * Options of {@link sleep}.
 *
 * @example
 * ```ts
 * import { sleep, type SleepOptions } from '@agentry/core';
 *
 * // Wait two seconds unless the caller gives up first (sleep then rejects with `aborted`).
 * const controller = new AbortController();
 * const options: SleepOptions = { signal: controller.signal };
 * await sleep(2_000, options);
 * ```
 */
export interface SleepOptions {
  /** The clock that schedules the wake-up; defaults to {@link systemClock}. */
  clock?: Clock;
  /** Cuts the wait short: the promise rejects with `aborted` as soon as the signal aborts. */
  signal?: AbortSignal;
}

/**
 * Waits `ms` milliseconds on the given clock, or until `signal` aborts.
 *
 * Whichever comes first, the other is cleaned up: the timer is cleared on abort and the abort
 * listener is removed when the timer fires, so a long-lived signal collects no listeners.
 *
 * @param ms - how long to wait, from 0 to 2^31 - 1 milliseconds
 * @throws AgentryError `aborted` when `signal` is or becomes aborted (its reason is the `cause`).
 * @throws AgentryError `validation_failed` when `ms` is negative, not finite or too long for a timer.
 * @example
 * ```ts
 * const controller = new AbortController();
 * await sleep(1_000, { signal: controller.signal });
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { clock = systemClock, signal } = options;
  return new Promise<void>((resolve, reject) => {
    checkDelay(ms, 'ms');
    if (signal?.aborted) {
      reject(createAbortedError(signal, 'The wait'));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(createAbortedError(signal, 'The wait'));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
