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
  /**
   * What a limit is counted per: the principal a turn is sent for (`user`), the session, the agent,
   * the model, or a combination (each combination of values has its own limit). Default `['user']`.
   */
  keyBy: z
    .array(
      z.literal(['user', 'session', 'agent', 'model'], {
        error: "keyBy entries must be 'user', 'session', 'agent' or 'model'.",
      }),
    )
    .min(1, { error: "keyBy must name at least one of 'user', 'session', 'agent' or 'model'." })
    .refine((keys) => new Set(keys).size === keys.length, {
      error: 'keyBy must not name the same dimension twice.',
    })
    .optional(),
  /** How many calls may wait per key under `queue` or `throttle` (then `queue_full`). Default 1000. */
  maxQueue: positiveIntegerSchema(
    'maxQueue must be a positive integer (1 or more waiting calls).',
  ).optional(),
  /**
   * How many keys the limiter tracks at once; the least recently used is forgotten beyond it, so
   * that made-up ids cannot exhaust memory. Default 100000.
   */
  maxKeys: positiveIntegerSchema('maxKeys must be a positive integer (1 or more keys).').optional(),
  /**
   * Tokens (input plus output) per minute per key for model calls, reserved before each call and
   * reconciled with its actual usage. Absent: no token budget here (an agent's own
   * `resourceLimits.maxTokensPerMinute` is enforced by the agent).
   */
  tokensPerMinute: positiveIntegerSchema(
    'tokensPerMinute must be a positive integer (1 or more tokens per minute).',
  ).optional(),
  /**
   * Where the counts live: `memory` (this process only) or `redis` (shared exactly by every process
   * using the same Redis). Default: `redis` when a Redis client or `redis.url` is given, else `memory`.
   */
  store: z.literal(['memory', 'redis']).optional(),
  /** The Redis server; write the URL as a secret reference such as `${env:REDIS_URL}`. */
  redis: z
    .strictObject({
      /** The server's URL (`redis://…` or `rediss://…`). */
      url: z.string().regex(/^rediss?:\/\/./, {
        error: 'redis.url must be a redis:// or rediss:// URL, such as ${env:REDIS_URL}.',
      }),
    })
    .optional(),
  /**
   * What happens while Redis is unreachable: `insurance` (default) limits each process in memory to
   * its share (the limits divided by `expectedProcesses`); `fail-closed` refuses every call. Never
   * open.
   */
  onStoreUnavailable: z.literal(['insurance', 'fail-closed']).optional(),
  /** How many processes share the limits, for the insurance limiter's share. Default 1. */
  expectedProcesses: positiveIntegerSchema(
    'expectedProcesses must be a positive integer (1 or more processes).',
  ).optional(),
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
