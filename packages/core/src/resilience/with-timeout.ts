import { AgentryError } from '../errors/agentry-error.js';
import { checkDelay } from './check-delay.js';
import { systemClock, type Clock } from './clock.js';
import { createAbortedError } from './create-aborted-error.js';

/**
 * Options of {@link withTimeout}.
 *
 * @example
 * ```ts
 * import { withTimeout, type WithTimeoutOptions } from '@agentry/core';
 *
 * const options: WithTimeoutOptions = { message: 'The weather service did not answer within 5 s.' };
 * // The operation gets a signal that aborts when the time is up.
 * const response = await withTimeout((signal) => fetch('https://weather.example.com/lisbon', { signal }), 5_000, options);
 * ```
 */
export interface WithTimeoutOptions {
  /** The clock that measures the timeout; defaults to {@link systemClock}. */
  clock?: Clock;
  /** A signal of the caller's: its abort aborts the operation and rejects with `aborted`. */
  signal?: AbortSignal;
  /** Replaces the timeout error's message, to name what took too long. */
  message?: string;
}

/**
 * Runs `operation` with a deadline of `ms` milliseconds.
 *
 * The operation receives a child signal that aborts when the deadline passes (its reason is the
 * `timeout` error) or when `options.signal` aborts; pass it on to the work it starts so that the
 * work actually stops. The returned promise settles as soon as one of the three happens: a result
 * that arrives later is discarded. The timer and the listener on `options.signal` are removed in
 * every case, so a long-lived parent signal collects no listeners.
 *
 * @param ms - the deadline, from 0 to 2^31 - 1 milliseconds
 * @throws AgentryError `timeout` (recoverable) with `details.timeoutMs` when the deadline passes.
 * @throws AgentryError `aborted` when `options.signal` is or becomes aborted first.
 * @throws AgentryError `validation_failed` when `ms` is negative, not finite or too long for a timer.
 * @throws Whatever `operation` throws before the deadline, unchanged.
 * @example
 * ```ts
 * const reply = await withTimeout((signal) => fetch(url, { signal }), 30_000, {
 *   signal: run.signal,
 *   message: 'The model did not answer within 30000 ms.',
 * });
 * ```
 */
export function withTimeout<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  ms: number,
  options: WithTimeoutOptions = {},
): Promise<T> {
  const { clock = systemClock, signal: parent, message } = options;
  return new Promise<T>((resolve, reject) => {
    checkDelay(ms, 'ms');
    if (parent?.aborted) {
      reject(createAbortedError(parent, 'The operation'));
      return;
    }
    const controller = new AbortController();
    let settled = false;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(handle);
      parent?.removeEventListener('abort', onParentAbort);
      settle();
    };
    const stop = (error: AgentryError): void => {
      finish(() => reject(error));
      controller.abort(error);
    };
    const onParentAbort = (): void => stop(createAbortedError(parent, 'The operation'));
    const handle = clock.setTimeout(() => {
      stop(
        new AgentryError({
          code: 'timeout',
          recoverable: true,
          message: message ?? `The operation did not finish within ${ms} ms.`,
          details: { timeoutMs: ms },
          suggestions: ['Raise the timeout, or make the operation do less per call.'],
        }),
      );
    }, ms);
    parent?.addEventListener('abort', onParentAbort, { once: true });
    // What the operation throws is passed on unchanged, whatever its type.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    const fail = (error: unknown): void => finish(() => reject(error));
    try {
      operation(controller.signal).then((value) => finish(() => resolve(value)), fail);
    } catch (error) {
      fail(error);
    }
  });
}
