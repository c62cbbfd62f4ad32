import type { Clock } from './clock.js';

/**
 * Options of {@link TokenBucket.waitUntilAvailable}.
 *
 * @example
 * ```ts
 * await bucket.waitUntilAvailable({ mode: 'refuse' });
 * ```
 */
export interface TokenBucketWaitOptions {
  /** Cuts the wait short: the promise rejects with `aborted`. */
  signal?: AbortSignal;
  /** `wait` (the default) waits for the refill; `refuse` rejects at once when the balance is spent. */
  mode?: 'wait' | 'refuse';
}

/**
 * Options of {@link createTokenBucket}.
 *
 * @example
 * ```ts
 * import { systemClock, type TokenBucketOptions } from '@agentry/core';
 *
 * const options: TokenBucketOptions = { clock: systemClock, limit: 'maxTokensPerMinute' };
 * ```
 */
export interface TokenBucketOptions {
  /** The clock that measures the refill; defaults to {@link systemClock}. */
  clock?: Clock;
  /** The name of the limit in `limit_exceeded` errors; defaults to `"maxTokensPerMinute"`. */
  limit?: string;
}

/**
 * A rate limit over measured usage, such as model tokens per minute. Made by
 * {@link createTokenBucket}.
 *
 * @example
 * ```ts
 * await bucket.waitUntilAvailable({ signal });
 * const reply = await model.generate(request);
 * bucket.consume(reply.usage.totalTokens);
 * ```
 */
export interface TokenBucket {
  /** The current balance after refill; negative while in debt, at most the capacity. */
  available(): number;
  /**
   * Takes `tokens` from the balance, which may go below zero: usage is known only after a call,
   * and the debt delays the next one. Returns the new balance.
   *
   * @throws AgentryError `validation_failed` when `tokens` is negative or not finite.
   */
  consume(tokens: number): number;
  /**
   * Resolves once the balance is positive: at once if it already is.
   *
   * @throws AgentryError `limit_exceeded` (recoverable) with `details.limit` and
   *   `details.retryAfterMs` in `refuse` mode while the balance is spent.
   * @throws AgentryError `aborted` when the signal is or becomes aborted.
   */
  waitUntilAvailable(options?: TokenBucketWaitOptions): Promise<void>;
}
