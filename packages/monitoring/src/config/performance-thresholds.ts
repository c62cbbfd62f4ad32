import { z } from 'zod';

// zod 4 numbers already refuse NaN and ±Infinity; one message covers every failure.
const nonNegative = (message: string) =>
  z.number({ error: message }).nonnegative({ error: message });
const percentage = (message: string) =>
  z.number({ error: message }).min(0, { error: message }).max(100, { error: message });

/**
 * The limits beyond which performance counts as degraded: slowest acceptable response, highest
 * error rate, lowest throughput and highest memory use.
 *
 * Every threshold is a finite number, 0 or more; the two percentages are at most 100.
 *
 * @example
 * ```ts
 * performanceThresholdsSchema.parse({
 *   maxResponseTime: 2_000,
 *   maxErrorRate: 5,
 *   minThroughput: 1,
 *   maxMemoryUsage: 80,
 * });
 * ```
 */
export const performanceThresholdsSchema = z.strictObject({
  /** The slowest acceptable response, in milliseconds; finite, 0 or more. */
  maxResponseTime: nonNegative(
    'maxResponseTime must be a finite number of milliseconds, 0 or more.',
  ),
  /** The highest acceptable share of failed requests, as a percentage from 0 to 100. */
  maxErrorRate: percentage('maxErrorRate must be a percentage from 0 to 100.'),
  /** The lowest acceptable throughput, in requests per second; finite, 0 or more. */
  minThroughput: nonNegative(
    'minThroughput must be a finite number of requests per second, 0 or more.',
  ),
  /** The highest acceptable memory use, as a percentage of the memory available from 0 to 100. */
  maxMemoryUsage: percentage('maxMemoryUsage must be a percentage from 0 to 100.'),
});

/**
 * The limits beyond which performance counts as degraded; see {@link performanceThresholdsSchema}.
 *
 * @example
 * ```ts
 * import type { PerformanceThresholds } from '@agentry/monitoring';
 *
 * // Degraded above 2 s per response, 5 % errors or 80 % memory, or below 1 request a second.
 * const thresholds: PerformanceThresholds = {
 *   maxResponseTime: 2_000,
 *   maxErrorRate: 5,
 *   minThroughput: 1,
 *   maxMemoryUsage: 80,
 * };
 * ```
 */
export type PerformanceThresholds = z.infer<typeof performanceThresholdsSchema>;
