import type { BackoffStrategy } from './backoff-strategy.js';
import type { Clock } from './clock.js';
import type { RetryPolicy } from './retry-policy.js';

/**
 * A {@link RetryPolicy} together with the {@link BackoffStrategy} that shapes its waits: what
 * {@link retry} needs. The agent loop builds it from its defaults, the workflow runner from a step's
 * `retryPolicy` and the workflow's `errorHandling.backoffStrategy`.
 *
 * @example
 * ```ts
 * import { type RetryPolicyWithBackoff } from '@agentry/core';
 *
 * const policy: RetryPolicyWithBackoff = {
 *   maxAttempts: 4,
 *   baseDelay: 500,
 *   maxDelay: 8_000,
 *   jitter: true,
 *   strategy: 'exponential',
 * };
 * ```
 */
export interface RetryPolicyWithBackoff extends RetryPolicy {
  /** How the wait grows from one attempt to the next. */
  strategy: BackoffStrategy;
}

/**
 * What {@link RetryOptions.onRetry} is told before each wait.
 *
 * @example
 * ```ts
 * import { type RetryInfo } from '@agentry/core';
 *
 * const onRetry = ({ attempt, delayMs, error }: RetryInfo) => console.warn({ attempt, delayMs, error });
 * ```
 */
export interface RetryInfo {
  /** The number of the attempt that just failed, from 1. */
  attempt: number;
  /** How long {@link retry} now waits before the next attempt, in milliseconds. */
  delayMs: number;
  /** What the failed attempt threw. */
  error: unknown;
}

/**
 * Options of {@link retry}.
 *
 * @example
 * ```ts
 * import { type RetryOptions } from '@agentry/core';
 *
 * const controller = new AbortController();
 * const options: RetryOptions = {
 *   policy: { maxAttempts: 3, baseDelay: 200, maxDelay: 2_000, jitter: true, strategy: 'exponential' },
 *   signal: controller.signal,
 * };
 * ```
 */
export interface RetryOptions {
  /** How many attempts, and how long to wait between them. */
  policy: RetryPolicyWithBackoff;
  /** The clock that schedules the waits; defaults to {@link systemClock}. */
  clock?: Clock;
  /** The random source for jitter, returning numbers in [0, 1); defaults to `Math.random`. */
  random?: () => number;
  /** Stops the retries: no attempt starts and no wait continues once it aborts. */
  signal?: AbortSignal;
  /**
   * Decides whether an error is worth another attempt (called only while attempts remain). The
   * default retries recoverable {@link AgentryError}s and nothing else, obeying the provider's
   * `x-should-retry` (`details.retryable`) where it gave one (see {@link retry}).
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * The longest provider's retry-after (`details.retryAfterMs`), in milliseconds, slept between
   * attempts; default none. A longer one (an hour, say) is not slept: the error is thrown at once
   * with `details.retryAfterMs` set to the wait, for the caller to schedule. The policy's own
   * backoff is bounded by `maxDelay` and not by this cap, so `0` refuses every retry-after but
   * still retries an error without one after its backoff.
   */
  maxInlineWait?: number;
  /** Called before each wait, for logs and metrics. An exception thrown here ends the retries. */
  onRetry?: (info: RetryInfo) => void;
}
