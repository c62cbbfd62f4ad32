import { AgentryError } from '@agentry/core';
import type { AnyMetricSeries } from './metric-series.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The label value every label of a metric's overflow series has. */
export const OVERFLOW_LABEL_VALUE = '_overflow';

/**
 * What defines a metric: its name (Prometheus rules: `[a-zA-Z_:][a-zA-Z0-9_:]*`, with the unit
 * and `_total` for counters), a help text and the names of its labels.
 *
 * @example
 * ```ts
 * import type { MetricDefinition } from '@agentry/monitoring';
 *
 * const definition: MetricDefinition = {
 *   name: 'app_requests_total',
 *   help: 'Requests served.',
 *   labelNames: ['route'],
 * };
 * ```
 */
export interface MetricDefinition {
  /** The metric's name. */
  readonly name: string;
  /** One line saying what is measured, in which unit. */
  readonly help: string;
  /** The labels' names; none by default. Never a run, user or session id (unbounded). */
  readonly labelNames?: readonly string[];
}

/**
 * A histogram's definition: a {@link MetricDefinition} plus its buckets' upper bounds.
 *
 * @example
 * ```ts
 * import type { HistogramDefinition } from '@agentry/monitoring';
 *
 * const latency: HistogramDefinition = {
 *   name: 'app_request_duration_seconds',
 *   help: 'Time to answer a request, in seconds.',
 *   buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5],
 * };
 * ```
 */
export interface HistogramDefinition extends MetricDefinition {
  /** The buckets' upper bounds, finite and strictly ascending; `+Inf` is implied. */
  readonly buckets: readonly number[];
}

/** @internal How a family makes series and reports a refused label set. */
export interface FamilyRuntime<TSeries> {
  readonly maxSeries: number;
  readonly make: (labelValues: readonly string[]) => TSeries;
  readonly onDropped: () => void;
}

/**
 * A metric and its series, one per label set, made by a {@link MetricsRegistry}. Get a series
 * handle once with {@link MetricFamily.series} and keep it.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
 * const family = registry.counter({ name: 'app_calls_total', help: 'Calls.', labelNames: ['tool'] });
 * const search = family.series(['search']);
 * search.add(1);
 * console.log(family.name, family.size); // app_calls_total 1
 * ```
 */
export class MetricFamily<TSeries extends AnyMetricSeries = AnyMetricSeries> {
  /** The metric's name. */
  readonly name: string;
  /** Its help text. */
  readonly help: string;
  /** Its kind. */
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** The labels' names. */
  readonly labelNames: readonly string[];
  /** A histogram's bucket bounds. */
  readonly buckets: readonly number[] | undefined;
  readonly #series = new Map<string, TSeries>();
  readonly #runtime: FamilyRuntime<TSeries>;
  #overflow: TSeries | undefined;

  /** @internal Made by a registry. */
  constructor(
    definition: MetricDefinition,
    type: 'counter' | 'gauge' | 'histogram',
    buckets: readonly number[] | undefined,
    runtime: FamilyRuntime<TSeries>,
  ) {
    const labelNames = [...(definition.labelNames ?? [])];
    const badLabel = labelNames.find((label) => !LABEL_NAME.test(label) || label.startsWith('__'));
    if (
      !METRIC_NAME.test(definition.name) ||
      badLabel !== undefined ||
      new Set(labelNames).size !== labelNames.length
    ) {
      throw new AgentryError({
        code: 'validation_failed',
        message: !METRIC_NAME.test(definition.name)
          ? `${JSON.stringify(definition.name)} is not a valid metric name.`
          : `Metric ${definition.name} has an invalid or repeated label name: ${JSON.stringify(badLabel ?? labelNames)}.`,
        details: { name: definition.name, labelNames },
        suggestions: [
          'Use letters, digits and underscores (metric names may also hold colons); start with a letter; do not start a label with __.',
        ],
      });
    }
    this.name = definition.name;
    this.help = definition.help;
    this.type = type;
    this.labelNames = labelNames;
    this.buckets = buckets === undefined ? undefined : [...buckets];
    this.#runtime = runtime;
  }

  /** How many series the metric holds, its overflow series included. */
  get size(): number {
    return this.#series.size + (this.#overflow === undefined ? 0 : 1);
  }

  /**
   * The series of a label set, made on first use. Once the metric holds `maxSeriesPerMetric`
   * series, a new label set gets the overflow series (every label `_overflow`) and is counted in
   * `agentry_metrics_series_dropped_total`.
   *
   * @throws AgentryError `validation_failed` when the number of values differs from `labelNames`
   */
  series(labelValues: readonly string[]): TSeries {
    if (labelValues.length !== this.labelNames.length) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `Metric ${this.name} has labels [${this.labelNames.join(', ')}], but ${labelValues.length} values were given.`,
        details: {
          name: this.name,
          labelNames: [...this.labelNames],
          received: labelValues.length,
        },
        suggestions: ['Give one value per label name, in the same order.'],
      });
    }
    return this.seriesOfKey(labelValues.join('\u0000'), labelValues);
  }

  /**
   * @internal {@link MetricFamily.series} with the key (the values joined by `\u0000`) made by
   * the caller, who shares it between metrics with the same labels; values are not checked.
   */
  seriesOfKey(key: string, labelValues: readonly string[]): TSeries {
    const found = this.#series.get(key);
    if (found !== undefined) return found;
    if (this.#series.size >= this.#runtime.maxSeries) {
      this.#runtime.onDropped();
      this.#overflow ??= this.#runtime.make(this.labelNames.map(() => OVERFLOW_LABEL_VALUE));
      return this.#overflow;
    }
    const made = this.#runtime.make([...labelValues]);
    this.#series.set(key, made);
    return made;
  }

  /** Every series, the overflow series last. */
  *all(): IterableIterator<TSeries> {
    yield* this.#series.values();
    if (this.#overflow !== undefined) yield this.#overflow;
  }
}
