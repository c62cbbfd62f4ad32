import { positiveIntegerSchema } from '@agentry/core';
import { z } from 'zod';

// One message for every way a limit can be wrong (missing, fractional, NaN, zero, negative).
/**
 * How many requests a caller may make: a steady rate per minute, a burst allowance on top of it,
 * and what happens to a request over the limit.
 *
 * Both limits must be positive integers: `0`, negative numbers, fractions, `NaN` and `Infinity`
 * are rejected, because a limit that cannot be counted in whole requests is a mistake rather than
 * a setting. The limits are checked even while `enabled` is `false`, so switching rate limiting on
 * never reveals a broken value.
 *
 * @example
 * ```ts
 * rateLimitConfigSchema.parse({
 *   enabled: true,
 *   requestsPerMinute: 600,
 *   burstLimit: 50,
 *   penaltyStrategy: 'queue',
 * });
 * ```
 */
export const rateLimitConfigSchema = z.strictObject({
  /** Whether requests are rate limited. */
  enabled: z.boolean(),
  /** The steady number of requests allowed per minute; a positive integer. */
  requestsPerMinute: positiveIntegerSchema(
    'requestsPerMinute must be a positive integer (1 or more requests per minute).',
  ),
  /** How many requests may arrive at once above the steady rate; a positive integer (1 or more). */
  burstLimit: positiveIntegerSchema('burstLimit must be a positive integer (at least 1 request).'),
  /**
   * What happens to a request over the limit: `reject` fails it with `rate_limited`, `queue` holds
   * it until it fits, `throttle` slows the caller down.
   */
  penaltyStrategy: z.literal(['reject', 'queue', 'throttle']),
});

/**
 * How many requests a caller may make; see {@link rateLimitConfigSchema}.
 *
 * @example
 * ```ts
 * import type { RateLimitConfig } from '@agentry/security';
 *
 * // 120 requests a minute with bursts of 20; requests over the limit wait their turn.
 * const rateLimiting: RateLimitConfig = {
 *   enabled: true,
 *   requestsPerMinute: 120,
 *   burstLimit: 20,
 *   penaltyStrategy: 'queue',
 * };
 * ```
 */
export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;
