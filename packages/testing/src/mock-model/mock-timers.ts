/**
 * The timer functions a mock model waits with: `setTimeout` and `clearTimeout`, so a test can pass
 * its own clock. Without one the mock uses the global functions, looked up on every wait, so
 * `vi.useFakeTimers()` works even when it is called after the model was created.
 *
 * @example
 * ```ts
 * import { createMockModel, mockText, type MockTimers } from '@agentry/testing';
 *
 * const timers: MockTimers = {
 *   setTimeout: (callback, ms) => setTimeout(callback, ms),
 *   clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
 * };
 * const model = createMockModel({ script: [mockText('hi', { delayMs: 50 })], timers });
 * ```
 */
export interface MockTimers {
  /** Calls `callback` after `ms` milliseconds and returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer by the handle `setTimeout` returned. */
  clearTimeout(handle: unknown): void;
}

/**
 * The global timers, looked up at each call rather than captured, so fake timers installed after
 * a model was created still apply.
 *
 * @internal
 */
export const globalTimers: MockTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
};

/** How a piece of interruptible work settles. @internal */
export interface Settle<T> {
  /** Settles with a value. */
  readonly resolve: (value: T) => void;
  /** Settles with an error. */
  readonly reject: (error: Error) => void;
}

/**
 * Runs `work` until it settles or one of `signals` aborts, whichever comes first. Either way the
 * abort listeners are removed and the work's disposer (such as `clearTimeout`) runs, so nothing is
 * left behind.
 *
 * @internal
 */
export function interruptible<T>(
  signals: readonly (AbortSignal | undefined)[],
  abortError: () => Error,
  work: (settle: Settle<T>) => (() => void) | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    if (active.some((signal) => signal.aborted)) {
      reject(abortError());
      return;
    }
    let settled = false;
    let dispose: (() => void) | undefined = undefined;
    const onAbort = (): void => {
      finish();
      reject(abortError());
    };
    const finish = (): void => {
      settled = true;
      dispose?.();
      for (const signal of active) signal.removeEventListener('abort', onAbort);
    };
    for (const signal of active) signal.addEventListener('abort', onAbort, { once: true });
    dispose = work({
      resolve: (value) => {
        if (settled) return;
        finish();
        resolve(value);
      },
      reject: (error) => {
        if (settled) return;
        finish();
        reject(error);
      },
    });
    // Work that settled synchronously ran `finish` before its disposer existed.
    if (settled) dispose?.();
  });
}

/**
 * Waits `ms` milliseconds on `timers` unless a signal aborts first; clears the timer either way.
 *
 * @internal
 */
export function interruptibleDelay(
  ms: number,
  timers: MockTimers,
  signals: readonly (AbortSignal | undefined)[],
  abortError: () => Error,
): Promise<void> {
  return interruptible<void>(signals, abortError, ({ resolve }) => {
    const handle = timers.setTimeout(() => resolve(), ms);
    return () => timers.clearTimeout(handle);
  });
}
