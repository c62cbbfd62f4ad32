import { z } from 'zod';
import { positiveIntegerSchema } from '../schemas/positive-integer.js';

/**
 * When a circuit breaker opens and how it recovers: it opens after `failureThreshold` consecutive
 * failures, refuses calls for `recoveryTimeout` milliseconds, then lets up to `halfOpenMaxCalls`
 * probe calls through; that many successes close it again, one failure reopens it. All three are
 * positive integers.
 *
 * @example
 * ```ts
 * circuitBreakerConfigSchema.parse({ failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 });
 * ```
 */
export const circuitBreakerConfigSchema = z.strictObject({
  /** Consecutive failures that open the breaker. */
  failureThreshold: positiveIntegerSchema(
    'failureThreshold must be a positive integer (consecutive failures).',
  ),
  /** How long an open breaker refuses calls before it tries a probe, in milliseconds. */
  recoveryTimeout: positiveIntegerSchema(
    'recoveryTimeout must be a positive integer number of milliseconds.',
  ),
  /** Probe calls a half-open breaker lets through; as many successes close it. */
  halfOpenMaxCalls: positiveIntegerSchema(
    'halfOpenMaxCalls must be a positive integer (probe calls).',
  ),
});

/**
 * When a circuit breaker opens and how it recovers.
 *
 * @example
 * ```ts
 * import { type CircuitBreakerConfig } from '@agentry/core';
 *
 * const config: CircuitBreakerConfig = { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 2 };
 * ```
 */
export type CircuitBreakerConfig = z.infer<typeof circuitBreakerConfigSchema>;
