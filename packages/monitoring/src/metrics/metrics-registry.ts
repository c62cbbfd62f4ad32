import { performance } from 'node:perf_hooks';
import { AgentryError } from '@agentry/core';
import { MetricFamily, type MetricDefinition, type HistogramDefinition } from './metric-family.js';
import {
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  type AnyMetricSeries,
} from './metric-series.js';
import { TimeRing } from './time-ring.js';

const MAX_SERIES_PER_METRIC_LIMIT = 100_000;

/** The series a registry holds per metric unless told otherwise. */
export const DEFAULT_MAX_SERIES_PER_METRIC = 2_000;

/**
 * What {@link createMetricsRegistry} needs: the `metrics` section's interval and retention, plus
 * the cardinality cap and a clock.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry, type MetricsRegistryOptions } from '@agentry/monitoring';
 *
 * const options: MetricsRegistryOptions = { collectionInterval: 10_000, retentionPeriod: 24, maxSeriesPerMetric: 500 };
 * const registry = createMetricsRegistry(options);
 * ```
 */
export interface MetricsRegistryOptions {
  /** The width of one time bucket, in milliseconds (the section's `collectionInterval`). */
  readonly collectionInterval: number;
  /** How long buckets are kept, in hours (the section's `retentionPeriod`). */
  readonly retentionPeriod: number;
  /**
   * The most label sets a metric holds; further ones are counted into one overflow series (every
   * label `_overflow`) and `agentry_metrics_series_dropped_total`. Default 2,000; at most 100,000.
   */
  readonly maxSeriesPerMetric?: number;
  /** The clock, in milliseconds since the epoch. Default: `performance.timeOrigin + performance.now()`. */
  readonly now?: () => number;
}

/**
 * Metrics with bounded memory: counters, gauges and histograms with fixed buckets, each series
 * keeping its value since start (for Prometheus) and a ring of time buckets of
 * `collectionInterval` covering `retentionPeriod` (for window queries). Made by
 * {@link createMetricsRegistry}.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry, queryMetric } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 1 });
 * registry.counter({ name: 'app_jobs_total', help: 'Jobs run.', labelNames: ['queue'] }).series(['mail']).add(1);
 * console.log(queryMetric(registry, { name: 'app_jobs_total', window: 60_000 }).value); // 1
 * ```
 */
export class MetricsRegistry {
  /** @internal */
  readonly ring: TimeRing;
  /** The cap on label sets per metric. */
  readonly maxSeriesPerMetric: number;
  readonly #families = new Map<string, MetricFamily<AnyMetricSeries>>();
  readonly #byId: AnyMetricSeries[] = [];
  readonly #dropped: MetricFamily<CounterSeries>;

  /** @internal Use {@link createMetricsRegistry}. */
  constructor(ring: TimeRing, maxSeriesPerMetric: number) {
    this.ring = ring;
    this.maxSeriesPerMetric = maxSeriesPerMetric;
    this.#dropped = this.counter({
      name: 'agentry_metrics_series_dropped_total',
      help: 'New label sets refused because their metric held maxSeriesPerMetric series; their values went to the _overflow series.',
      labelNames: ['metric'],
    });
  }

  /**
   * Defines a counter.
   *
   * @throws AgentryError `duplicate_id` when a metric of that name exists; `validation_failed`
   *   when a name is not a Prometheus metric or label name
   */
  counter(definition: MetricDefinition): MetricFamily<CounterSeries> {
    return this.#define(
      definition,
      'counter',
      (id, values) => new CounterSeries(id, values, this.ring),
    );
  }

  /**
   * Defines a gauge.
   *
   * @throws AgentryError `duplicate_id` or `validation_failed`, as for {@link MetricsRegistry.counter}
   */
  gauge(definition: MetricDefinition): MetricFamily<GaugeSeries> {
    return this.#define(
      definition,
      'gauge',
      (id, values) => new GaugeSeries(id, values, this.ring),
    );
  }

  /**
   * Defines a histogram with fixed buckets.
   *
   * @throws AgentryError `duplicate_id` or `validation_failed`, as for
   *   {@link MetricsRegistry.counter}; `validation_failed` when the buckets are not finite and
   *   strictly ascending, or a label is named `le`
   */
  histogram(definition: HistogramDefinition): MetricFamily<HistogramSeries> {
    const bounds = checkBuckets(definition);
    return this.#define(
      definition,
      'histogram',
      (id, values) => new HistogramSeries(id, values, this.ring, bounds),
      definition.buckets,
    );
  }

  /** The metric of a name, if defined. */
  family(name: string): MetricFamily<AnyMetricSeries> | undefined {
    return this.#families.get(name);
  }

  /** Every metric, in definition order. */
  families(): IterableIterator<MetricFamily<AnyMetricSeries>> {
    return this.#families.values();
  }

  /** @internal The series of an id (ids are dense, from 0). */
  seriesById(id: number): AnyMetricSeries | undefined {
    return this.#byId[id];
  }

  #define<TSeries extends AnyMetricSeries>(
    definition: MetricDefinition,
    type: 'counter' | 'gauge' | 'histogram',
    make: (id: number, labelValues: readonly string[]) => TSeries,
    buckets?: readonly number[],
  ): MetricFamily<TSeries> {
    if (this.#families.has(definition.name)) {
      throw new AgentryError({
        code: 'duplicate_id',
        message: `A metric named ${definition.name} is already defined in this registry.`,
        details: { name: definition.name },
        suggestions: ['Keep the family returned by the first definition and make series from it.'],
      });
    }
    let dropped: CounterSeries | undefined;
    const family = new MetricFamily<TSeries>(definition, type, buckets, {
      maxSeries: this.maxSeriesPerMetric,
      make: (labelValues) => {
        const series = make(this.#byId.length, labelValues);
        this.#byId.push(series);
        return series;
      },
      onDropped: () => (dropped ??= this.#dropped.series([definition.name])).add(1),
    });
    this.#families.set(definition.name, family);
    return family;
  }
}

/**
 * Creates a {@link MetricsRegistry}: `retentionPeriod` hours of buckets `collectionInterval`
 * milliseconds wide (24 h at 10 s is a ring of 8,640 buckets).
 *
 * @throws AgentryError `config_invalid` when the interval or retention is not a positive
 *   integer, the interval is longer than the retention, or `maxSeriesPerMetric` is not a
 *   positive integer
 * @example
 * ```ts
 * import { createMetricsRegistry } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 24 });
 * const tokens = registry.counter({ name: 'app_tokens_total', help: 'Tokens.', labelNames: ['type'] });
 * tokens.series(['input']).add(1_200);
 * ```
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): MetricsRegistry {
  const { collectionInterval, retentionPeriod } = options;
  const maxSeries = options.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC;
  const problems: string[] = [];
  if (!Number.isSafeInteger(collectionInterval) || collectionInterval <= 0)
    problems.push(
      `collectionInterval must be a positive integer of milliseconds, got ${String(collectionInterval)}`,
    );
  if (!Number.isSafeInteger(retentionPeriod) || retentionPeriod <= 0)
    problems.push(
      `retentionPeriod must be a positive integer of hours, got ${String(retentionPeriod)}`,
    );
  // Closed buckets store series ids as 32-bit floats, exact below 2^24: 100,000 per metric keeps
  // well below it for any realistic number of metrics.
  if (!Number.isSafeInteger(maxSeries) || maxSeries <= 0 || maxSeries > MAX_SERIES_PER_METRIC_LIMIT)
    problems.push(
      `maxSeriesPerMetric must be a positive integer of at most ${MAX_SERIES_PER_METRIC_LIMIT}, got ${String(maxSeries)}`,
    );
  const retentionMs = retentionPeriod * 3_600_000;
  if (problems.length === 0 && collectionInterval > retentionMs)
    problems.push(
      `collectionInterval (${collectionInterval} ms) is longer than retentionPeriod (${retentionPeriod} h)`,
    );
  if (problems.length > 0) {
    throw new AgentryError({
      code: 'config_invalid',
      message: `Invalid metrics settings: ${problems.join('; ')}.`,
      details: { problems },
      suggestions: [
        'Set collectionInterval (ms) and retentionPeriod (h) to positive integers, the interval shorter than the retention.',
      ],
    });
  }
  // `performance.timeOrigin` is a getter costing about 90 ns a read on Node 20: read it once. The
  // imported `performance` skips the global's lazy getter on every call (about 15 ns a read).
  const origin = performance.timeOrigin;
  const now = options.now ?? (() => origin + performance.now());
  const ring = new TimeRing(collectionInterval, Math.ceil(retentionMs / collectionInterval), now);
  return new MetricsRegistry(ring, maxSeries);
}

function checkBuckets(definition: HistogramDefinition): Float64Array {
  const { buckets, name } = definition;
  const ascending =
    buckets.length > 0 &&
    buckets.every(
      (bound, index) => Number.isFinite(bound) && (index === 0 || bound > buckets[index - 1]!),
    );
  if (!ascending || (definition.labelNames ?? []).includes('le')) {
    throw new AgentryError({
      code: 'validation_failed',
      message: ascending
        ? `Histogram ${name} cannot have a label named le: Prometheus uses it for bucket bounds.`
        : `Histogram ${name} needs finite, strictly ascending bucket bounds, got [${buckets.join(', ')}].`,
      details: { name, buckets: [...buckets] },
      suggestions: [
        'List the upper bounds in ascending order without +Inf (it is implied), and rename any le label.',
      ],
    });
  }
  return Float64Array.from(buckets);
}
