import { queryMetric } from './query-metric.js';
import type { MetricsRegistry } from './metrics-registry.js';

/**
 * What {@link summarizeMetrics} (and `MetricsHandle.summary`) is asked: a window, optionally
 * narrowed to one agent or one model.
 *
 * @example
 * ```ts
 * import type { MetricsSummaryQuery } from '@agentry/monitoring';
 *
 * const lastFiveMinutes: MetricsSummaryQuery = { windowMs: 5 * 60_000, model: 'openai:gpt-4o' };
 * ```
 */
export interface MetricsSummaryQuery {
  /** The window, in milliseconds, ending now; at most the retention. */
  readonly windowMs: number;
  /** Only this agent's model requests. */
  readonly agentId?: string;
  /** Only requests to this model (`provider:model`). */
  readonly model?: string;
}

/**
 * Agentry's health over a window, as alerts read it.
 *
 * @example
 * ```ts
 * import type { MetricsSummary } from '@agentry/monitoring';
 *
 * const breached = (summary: MetricsSummary) =>
 *   summary.errorRatePercent > 5 || (summary.latencyMs.p95 ?? 0) > 2_000;
 * ```
 */
export interface MetricsSummary {
  /** Model requests sent (every attempt). */
  readonly requests: number;
  /** Model requests that failed. */
  readonly errors: number;
  /** `errors / requests` in percent; 0 without requests. */
  readonly errorRatePercent: number;
  /**
   * Model request duration (request to end of response) of the steps answered, in milliseconds;
   * percentiles are interpolated within histogram buckets; `undefined` without a step.
   */
  readonly latencyMs: {
    /** The mean. */
    readonly mean: number | undefined;
    /** The median. */
    readonly p50: number | undefined;
    /** The 95th percentile. */
    readonly p95: number | undefined;
    /** The largest. */
    readonly max: number | undefined;
  };
  /** Model requests per second over the window. */
  readonly throughputPerSecond: number;
  /**
   * The process's resident memory as a percent of the memory available to it, at the last
   * sample; `undefined` before the first sample.
   */
  readonly memoryPercent: number | undefined;
  /** Tokens used. */
  readonly tokens: {
    /** Input tokens, cached ones included. */
    readonly input: number;
    /** Output tokens, reasoning included. */
    readonly output: number;
  };
  /** Cost of models priced in USD. */
  readonly costUsd: number;
}

/**
 * Summarises a registry holding Agentry's metrics over a window.
 *
 * @throws AgentryError `validation_failed` when the window is not positive or longer than the retention
 * @example
 * ```ts
 * import { summarizeMetrics, type MetricsRegistry } from '@agentry/monitoring';
 *
 * declare const registry: MetricsRegistry;
 * const { requests, errorRatePercent, latencyMs } = summarizeMetrics(registry, { windowMs: 60_000 });
 * console.log(requests, errorRatePercent, latencyMs.p95);
 * ```
 */
export function summarizeMetrics(
  registry: MetricsRegistry,
  query: MetricsSummaryQuery,
): MetricsSummary {
  const labels: Record<string, string> = {};
  if (query.agentId !== undefined) labels['agent'] = query.agentId;
  if (query.model !== undefined) labels['model'] = query.model;
  const window = query.windowMs;
  const read = (name: string, extra: Record<string, string> = {}) =>
    queryMetric(registry, { name, window, labels: { ...labels, ...extra } });
  const requests = read('agentry_model_requests_total');
  const errors = read('agentry_model_errors_total');
  const duration = read('agentry_model_request_duration_seconds');
  const toMs = (seconds: number | undefined) =>
    seconds === undefined ? undefined : seconds * 1000;
  const resident = registry.family('agentry_process_resident_memory_bytes');
  const limit = registry.family('agentry_process_memory_limit_bytes');
  const rss = resident === undefined ? undefined : first(resident.all());
  const total = limit === undefined ? undefined : first(limit.all());
  return {
    requests: requests.value,
    errors: errors.value,
    errorRatePercent: requests.value === 0 ? 0 : (errors.value / requests.value) * 100,
    latencyMs: {
      mean: duration.count === 0 ? undefined : (duration.value / duration.count) * 1000,
      p50: toMs(duration.quantile(0.5)),
      p95: toMs(duration.quantile(0.95)),
      max: toMs(duration.max),
    },
    throughputPerSecond: requests.value / (requests.windowMs / 1000),
    memoryPercent:
      rss === undefined ||
      total === undefined ||
      !('value' in rss) ||
      !('value' in total) ||
      total.value <= 0
        ? undefined
        : (rss.value / total.value) * 100,
    tokens: {
      input: read('agentry_model_tokens_total', { type: 'input' }).value,
      output: read('agentry_model_tokens_total', { type: 'output' }).value,
    },
    costUsd: read('agentry_model_cost_total', { currency: 'USD' }).value,
  };
}

function first<T>(items: Iterable<T>): T | undefined {
  for (const item of items) return item;
  return undefined;
}
