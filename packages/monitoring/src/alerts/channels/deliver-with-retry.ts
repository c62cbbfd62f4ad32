import { retry, type Clock } from '@agentry/core';

/** @internal How deliveries are attempted: the `delivery` options of `installAlerts`. */
export interface DeliveryPolicy {
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A longer Retry-After is not waited for: the delivery fails at once. */
  readonly maxRetryAfterMs: number;
  readonly clock: Clock;
  readonly random: () => number;
}

/**
 * Runs one delivery attempt after another with core's {@link retry}: exponential backoff with
 * full jitter, a server's Retry-After honoured up to `maxRetryAfterMs`, and only recoverable
 * failures retried (network errors, timeouts, 429 and 5xx answers; not a refused request).
 *
 * @internal
 */
export function deliverWithRetry(
  attempt: (signal: AbortSignal) => Promise<void>,
  policy: DeliveryPolicy,
  onRetry: () => void,
): Promise<void> {
  return retry((_attempt, signal) => attempt(signal), {
    policy: {
      maxAttempts: policy.maxAttempts,
      baseDelay: policy.baseDelayMs,
      maxDelay: policy.maxDelayMs,
      jitter: true,
      strategy: 'exponential',
    },
    clock: policy.clock,
    random: policy.random,
    maxInlineWait: policy.maxRetryAfterMs,
    onRetry,
  });
}
