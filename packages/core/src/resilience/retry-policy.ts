import { z } from 'zod';
import { positiveIntegerSchema } from '../schemas/positive-integer.js';

const nonNegativeMilliseconds = (message: string) =>
  z.int({ error: message }).nonnegative({ error: message });

/**
 * How often and how patiently an operation is retried. `maxAttempts` counts every attempt, the
 * first one included (so `1` means no retry); `baseDelay` and `maxDelay` are milliseconds, with
 * `maxDelay` at least `baseDelay`; `jitter` randomises each wait (see {@link computeBackoffDelay}).
 * The growth of the wait comes from a {@link BackoffStrategy} kept beside the policy.
 *
 * @example
 * ```ts
 * retryPolicySchema.parse({ maxAttempts: 3, baseDelay: 500, maxDelay: 10_000, jitter: true });
 * ```
 */
export const retryPolicySchema = z
  .strictObject({
    /** Attempts in total, the first one included; at least 1. */
    maxAttempts: positiveIntegerSchema(
      'maxAttempts must be a positive integer (attempts in total, the first one included).',
    ),
    /** The wait after the first failed attempt, in milliseconds. */
    baseDelay: nonNegativeMilliseconds(
      'baseDelay must be a non-negative integer number of milliseconds.',
    ),
    /** The longest computed wait between attempts, in milliseconds. */
    maxDelay: nonNegativeMilliseconds(
      'maxDelay must be a non-negative integer number of milliseconds.',
    ),
    /** Whether each wait is drawn at random between 0 and the computed delay. */
    jitter: z.boolean({ error: 'jitter must be true or false.' }),
  })
  .refine((policy) => policy.maxDelay >= policy.baseDelay, {
    path: ['maxDelay'],
    message: 'maxDelay must be at least baseDelay, or no wait could ever reach baseDelay.',
  });

/**
 * How often and how patiently an operation is retried.
 *
 * @example
 * ```ts
 * import { type RetryPolicy } from '@agentry/core';
 *
 * const policy: RetryPolicy = { maxAttempts: 5, baseDelay: 250, maxDelay: 8_000, jitter: true };
 * ```
 */
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
