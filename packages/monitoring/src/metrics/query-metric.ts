import { AgentryError } from '@agentry/core';
import type { MetricsRegistry } from './metrics-registry.js';
import { HistogramSeries, type AnyMetricSeries } from './metric-series.js';

/**
 * A window query: a metric, a window ending now, and optionally label values the series must
 * have (labels not named match anything).
 *
 * @example
 * ```ts
 * import type { MetricQuery } from '@agentry/monitoring';
 *
 * // Requests to one model over the last five minutes.
 * const query: MetricQuery = {
 *   name: 'agentry_model_requests_total',
 *   window: 5 * 60_000,
 *   labels: { model: 'openai:gpt-4o' },
 * };
 * ```
 */
export interface MetricQuery {
  /** The metric's name, such as `agentry_model_requests_total`. */
  readonly name: string;
  /**
   * The window, in milliseconds, ending now; at most the retention. It covers the buckets it
   * reaches into, so it is rounded up to whole `collectionInterval`s, the current one included.
   */
  readonly window: number;
  /** Label values the series must have, such as `{ agent: 'a-1' }`. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What a window query found, over every matching series.
 *
 * @example
 * ```ts
 * import { queryMetric, type MetricsRegistry, type MetricWindow } from '@agentry/monitoring';
 *
 * declare const registry: MetricsRegistry;
 * const latency: MetricWindow = queryMetric(registry, { name: 'agentry_model_request_duration_seconds', window: 60_000 });
 * console.log(latency.count, latency.quantile(0.95), latency.max);
 * ```
 */
export interface MetricWindow {
  /** The metric's name. */
  readonly name: string;
  /** Its kind. */
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** The time covered, in milliseconds: whole buckets. */
  readonly windowMs: number;
  /** How many matching series had data in the window. */
  readonly series: number;
  /**
   * A counter's increase; a histogram's sum of observations; a gauge's latest value (summed over
   * the matching series, each at its latest bucket in the window).
   */
  readonly value: number;
  /** A histogram's observations; a counter's increase; a gauge's sampled buckets. */
  readonly count: number;
  /** The largest observation (histogram) or sample (gauge); `undefined` for counters and when empty. */
  readonly max: number | undefined;
  /**
   * A histogram's quantile (0 to 1), interpolated within its bucket as Prometheus's
   * `histogram_quantile` does, and never above `max`; `undefined` for other kinds and when empty.
   */
  quantile(q: number): number | undefined;
}

/**
 * Answers a window query from a registry's ring of time buckets.
 *
 * @throws AgentryError `not_found` when no metric has the name; `validation_failed` when the
 *   window is not positive or longer than the retention, or a label is not one of the metric's
 * @example
 * ```ts
 * import { createMetricsRegistry, queryMetric } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
 * registry.histogram({ name: 'app_latency_seconds', help: 'Latency.', buckets: [0.1, 1] }).series([]).observe(0.2);
 * const window = queryMetric(registry, { name: 'app_latency_seconds', window: 60_000 });
 * console.log(window.count, window.quantile(0.5)); // 1 0.2
 * ```
 */
export function queryMetric(registry: MetricsRegistry, query: MetricQuery): MetricWindow {
  const family = registry.family(query.name);
  if (family === undefined) {
    throw new AgentryError({
      code: 'not_found',
      message: `No metric is named ${JSON.stringify(query.name)}.`,
      details: { name: query.name, known: [...registry.families()].map((known) => known.name) },
      suggestions: ['Use one of the names in details.known.'],
    });
  }
  const ring = registry.ring;
  const buckets = Math.ceil(query.window / ring.bucketMs);
  if (!(query.window > 0) || buckets > ring.length) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Query window ${String(query.window)} ms must be positive and at most the retention (${ring.length * ring.bucketMs} ms).`,
      details: { path: 'window', received: query.window, max: ring.length * ring.bucketMs },
      suggestions: ['Query a shorter window, or raise metrics.retentionPeriod.'],
    });
  }
  const wanted = matchingSeries(family.name, family.labelNames, family.all(), query.labels);
  const accumulator = new WindowAccumulator(family.type, family.buckets);
  const current = ring.epoch();
  for (let epoch = current - buckets + 1; epoch < current; epoch += 1) {
    const bucket = ring.closed(epoch);
    if (bucket === undefined) continue;
    const data = bucket.data;
    for (let index = 0; index < data.length;) {
      const id = data[index]!;
      const length =
        registry.seriesById(id) instanceof HistogramSeries ? 4 + 2 * data[index + 3]! : 2;
      if (wanted.has(id)) accumulator.add(id, epoch, data, index);
      index += length;
    }
  }
  const open: number[] = [];
  for (const writer of ring.openWriters()) {
    const series = writer as AnyMetricSeries;
    if (!wanted.has(series.id)) continue;
    open.length = 0;
    series.encode(open);
    accumulator.add(series.id, current, open, 0);
  }
  return accumulator.result(family.name, buckets * ring.bucketMs);
}

function matchingSeries(
  name: string,
  labelNames: readonly string[],
  all: Iterable<AnyMetricSeries>,
  labels: Readonly<Record<string, string>> | undefined,
): Set<number> {
  const filters: [number, string][] = [];
  for (const [label, value] of Object.entries(labels ?? {})) {
    const index = labelNames.indexOf(label);
    if (index < 0) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `Metric ${name} has no label ${JSON.stringify(label)}; its labels are [${labelNames.join(', ')}].`,
        details: { path: `labels.${label}`, labelNames: [...labelNames] },
        suggestions: ['Filter on one of the metric’s labels.'],
      });
    }
    filters.push([index, value]);
  }
  const wanted = new Set<number>();
  for (const series of all)
    if (filters.every(([index, value]) => series.labelValues[index] === value))
      wanted.add(series.id);
  return wanted;
}

class WindowAccumulator {
  readonly #type: 'counter' | 'gauge' | 'histogram';
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  readonly #latest = new Map<number, { epoch: number; value: number }>();
  readonly #seen = new Set<number>();
  #value = 0;
  #count = 0;
  #max: number | undefined;

  constructor(type: 'counter' | 'gauge' | 'histogram', bounds: readonly number[] | undefined) {
    this.#type = type;
    this.#bounds = bounds ?? [];
    this.#counts = new Array<number>(this.#bounds.length + 1).fill(0);
  }

  add(id: number, epoch: number, data: ArrayLike<number>, at: number): void {
    this.#seen.add(id);
    const value = data[at + 1]!;
    if (this.#type === 'counter') {
      this.#value += value;
      this.#count += value;
    } else if (this.#type === 'gauge') {
      this.#count += 1;
      this.#max = this.#max === undefined ? value : Math.max(this.#max, value);
      const latest = this.#latest.get(id);
      if (latest === undefined || latest.epoch <= epoch) this.#latest.set(id, { epoch, value });
    } else {
      this.#value += value;
      const max = data[at + 2]!;
      this.#max = this.#max === undefined ? max : Math.max(this.#max, max);
      const pairs = data[at + 3]!;
      for (let pair = 0; pair < pairs; pair += 1) {
        const observations = data[at + 5 + 2 * pair]!;
        this.#counts[data[at + 4 + 2 * pair]!]! += observations;
        this.#count += observations;
      }
    }
  }

  result(name: string, windowMs: number): MetricWindow {
    const type = this.#type;
    let value = this.#value;
    if (type === 'gauge') {
      value = 0;
      for (const latest of this.#latest.values()) value += latest.value;
    }
    const counts = this.#counts;
    const bounds = this.#bounds;
    const total = this.#count;
    const max = this.#max;
    return {
      name,
      type,
      windowMs,
      series: this.#seen.size,
      value,
      count: total,
      max,
      quantile(q: number): number | undefined {
        if (type !== 'histogram' || total === 0 || max === undefined) return undefined;
        const rank = Math.min(Math.max(q, 0), 1) * total;
        let below = 0;
        for (let index = 0; index < counts.length; index += 1) {
          const inBucket = counts[index]!;
          if (inBucket > 0 && below + inBucket >= rank) {
            const lower = index === 0 ? 0 : bounds[index - 1]!;
            const upper = index < bounds.length ? bounds[index]! : max;
            const estimate = lower + (upper - lower) * ((rank - below) / inBucket);
            return Math.min(estimate, max);
          }
          below += inBucket;
        }
        return max;
      },
    };
  }
}
