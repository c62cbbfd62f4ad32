import { z } from 'zod';

/**
 * How an agent performs, kept live: `responseTime` is the moving latency to first output in
 * milliseconds, `errorRate` the share of failed requests from 0 to 1, `uptime` milliseconds since
 * the agent started.
 *
 * @example
 * ```ts
 * performanceMetricsSchema.parse({ responseTime: 120, tokensUsed: 5400, requestsCompleted: 12, errorRate: 0, uptime: 60_000 });
 * ```
 */
export const performanceMetricsSchema = z.strictObject({
  /** Moving latency to first output, in milliseconds. */
  responseTime: z.number().nonnegative().finite(),
  /** Tokens used so far. */
  tokensUsed: z.int().nonnegative(),
  /** Requests completed so far. */
  requestsCompleted: z.int().nonnegative(),
  /** Share of requests that failed, from 0 to 1. */
  errorRate: z.number().min(0).max(1),
  /** Milliseconds since the agent started. */
  uptime: z.number().nonnegative().finite(),
});

/**
 * How an agent performs.
 *
 * @example
 * ```ts
 * import type { Agent, PerformanceMetrics } from '@agentry/core';
 *
 * declare const agent: Agent;
 * const metrics: PerformanceMetrics = agent.performance;
 * console.log(`${metrics.requestsCompleted} turns, ${metrics.tokensUsed} tokens, ${(metrics.errorRate * 100).toFixed(1)} % failed`);
 * ```
 */
export type PerformanceMetrics = z.infer<typeof performanceMetricsSchema>;
