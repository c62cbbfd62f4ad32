import { AgentryError } from '../errors/agentry-error.js';
import type { BackoffStrategy } from './backoff-strategy.js';

/**
 * Options of {@link computeBackoffDelay}.
 *
 * @example
 * ```ts
 * import { computeBackoffDelay, type BackoffDelayOptions } from '@agentry/core';
 *
 * // 250 ms, 500 ms, 1 s, … capped at 5 s; jitter off so the waits are predictable.
 * const options: BackoffDelayOptions = { strategy: 'exponential', baseDelay: 250, maxDelay: 5_000, jitter: false };
 * const waits = [1, 2, 3, 4, 5, 6].map((attempt) => computeBackoffDelay(attempt, options));
 * // [250, 500, 1000, 2000, 4000, 5000]
 * ```
 */
export interface BackoffDelayOptions {
  /** How the wait grows from one attempt to the next. */
  strategy: BackoffStrategy;
  /** The wait after the first failed attempt, in milliseconds. */
  baseDelay: number;
  /** The cap on the computed wait, in milliseconds (applied before jitter). */
  maxDelay: number;
  /** Whether to draw the wait at random between 0 and the computed delay ("full jitter"). */
  jitter: boolean;
  /** Returns a number in [0, 1); defaults to `Math.random`. Inject it to make jitter repeatable. */
  random?: () => number;
}

/**
 * Computes how long to wait after failed attempt number `attempt` (1 for the first attempt) before
 * the next one.
 *
 * Without jitter the delay is `baseDelay * 2^(attempt - 1)` (`exponential`), `baseDelay * attempt`
 * (`linear`) or `baseDelay` (`fixed`), capped at `maxDelay`. With jitter it is "full jitter": a
 * whole number of milliseconds drawn uniformly from [0, delay]. Full jitter spreads clients that
 * failed together (for example after a provider outage) the most and so does the least total work;
 * the price is that a single wait may be very short, which the growing upper bound makes up for.
 * A provider's `retryAfterMs` is not applied here: {@link retry} combines the two.
 *
 * @param attempt - the number of the attempt that just failed, from 1
 * @throws AgentryError `validation_failed` when `attempt` is not a positive integer.
 * @example
 * ```ts
 * computeBackoffDelay(3, { strategy: 'exponential', baseDelay: 100, maxDelay: 10_000, jitter: false }); // 400
 * ```
 */
export function computeBackoffDelay(attempt: number, options: BackoffDelayOptions): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `attempt must be a positive integer (the attempt that just failed), got ${String(attempt)}.`,
      details: { path: ['attempt'], value: attempt },
      suggestions: ['Number attempts from 1, the first attempt included.'],
    });
  }
  const { strategy, baseDelay, maxDelay, jitter, random = Math.random } = options;
  const delay = Math.min(maxDelay, uncappedDelay(strategy, baseDelay, attempt));
  if (!jitter) return delay;
  // floor(random * (delay + 1)) is uniform over the whole milliseconds 0..delay; the min guards
  // against a random source that returns 1.
  return Math.min(delay, Math.floor(random() * (Math.floor(delay) + 1)));
}

function uncappedDelay(strategy: BackoffStrategy, baseDelay: number, attempt: number): number {
  switch (strategy) {
    case 'exponential':
      // The exponent is bounded so that 2^n stays finite: 0 * Infinity would be NaN.
      return baseDelay * 2 ** Math.min(attempt - 1, 1000);
    case 'linear':
      return baseDelay * attempt;
    case 'fixed':
      return baseDelay;
  }
}
