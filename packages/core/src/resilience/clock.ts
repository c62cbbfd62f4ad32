/**
 * The source of time for retries, breakers, timeouts and rate limits. Every resilience helper takes
 * one, so tests can drive time by hand (or with fake timers) instead of waiting.
 *
 * A clock must call a scheduled callback once, after at least `ms` milliseconds, unless the handle
 * is cleared first. `now()` need not be wall-clock time, only monotonic enough for durations.
 *
 * @example
 * ```ts
 * import { createCircuitBreaker, systemClock } from '@agentry/core';
 *
 * const config = { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 };
 * const breaker = createCircuitBreaker(config, { clock: systemClock });
 * ```
 */
export interface Clock {
  /** Milliseconds since some fixed origin; only differences between readings are used. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds and returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a callback scheduled by {@link Clock.setTimeout}; unknown or spent handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The {@link Clock} backed by `Date.now`, `setTimeout` and `clearTimeout`. It looks the globals up
 * on every call, so vitest's fake timers take effect even when they are installed after import.
 *
 * @example
 * ```ts
 * await sleep(250, { clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout> | undefined);
  },
};
