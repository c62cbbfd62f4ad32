import { AgentryError } from '@agentry/core';
import type { TimeRing } from './time-ring.js';

/**
 * One time series of a metric: its label values, its value since the process started (what
 * Prometheus and the JSON exporter read) and its cell in the ring's open bucket (what window
 * queries read). Handles are made once per label set and kept by the caller, so recording a value
 * is a few field writes: no label lookup and no string work per event.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 10_000, retentionPeriod: 1 });
 * const requests = registry.counter({ name: 'app_requests_total', help: 'Requests served.', labelNames: ['route'] });
 * const home = requests.series(['/']); // keep the handle
 * home.add(1);
 * console.log(home.value); // 1
 * ```
 */
export abstract class MetricSeries {
  /** The series' number in its registry, unique there. */
  readonly id: number;
  /** The label values, in the order of the metric's `labelNames`. */
  readonly labelValues: readonly string[];
  /** @internal */
  protected readonly ring: TimeRing;
  /** @internal The epoch of the cell, or -1 before the first write. */
  protected cellEpoch = -1;

  /** @internal */
  constructor(id: number, labelValues: readonly string[], ring: TimeRing) {
    this.id = id;
    this.labelValues = labelValues;
    this.ring = ring;
  }

  /** @internal Makes the cell current: a new epoch starts it from zero and lists the series. */
  protected currentCell(): boolean {
    const epoch = this.ring.epoch();
    if (this.cellEpoch === epoch) return false;
    this.cellEpoch = epoch;
    this.ring.touch(this);
    return true;
  }

  /** @internal */
  abstract encode(out: number[]): void;
}

/**
 * A counter's series: a value that only goes up.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry, type CounterSeries } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
 * const errors: CounterSeries = registry
 *   .counter({ name: 'app_errors_total', help: 'Errors.', labelNames: ['code'] })
 *   .series(['timeout']);
 * errors.add(1);
 * ```
 */
export class CounterSeries extends MetricSeries {
  /** The total since the series was made. */
  value = 0;
  #cell = 0;

  /**
   * Adds to the counter.
   *
   * @throws AgentryError `validation_failed` when `amount` is negative or not a finite number
   */
  add(amount: number): void {
    if (!(amount >= 0 && amount !== Number.POSITIVE_INFINITY)) throw negativeAmount(amount);
    this.value += amount;
    if (this.currentCell()) this.#cell = 0;
    this.#cell += amount;
  }

  /** @internal */
  encode(out: number[]): void {
    out.push(this.id, this.#cell);
  }
}

/**
 * A gauge's series: a value that is set, such as memory in use.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry, type GaugeSeries } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
 * const queue: GaugeSeries = registry.gauge({ name: 'app_queue_length', help: 'Jobs waiting.' }).series([]);
 * queue.set(12);
 * ```
 */
export class GaugeSeries extends MetricSeries {
  /** The last value set. */
  value = 0;
  #last = 0;

  /**
   * Sets the gauge.
   *
   * @throws AgentryError `validation_failed` when `value` is not a finite number
   */
  set(value: number): void {
    if (!Number.isFinite(value)) throw notFinite(value);
    this.value = value;
    this.currentCell();
    this.#last = value;
  }

  /** @internal */
  encode(out: number[]): void {
    out.push(this.id, this.#last);
  }
}

/**
 * A histogram's series: observations counted in fixed buckets, with their sum.
 *
 * @example
 * ```ts
 * import { createMetricsRegistry, type HistogramSeries } from '@agentry/monitoring';
 *
 * const registry = createMetricsRegistry({ collectionInterval: 1_000, retentionPeriod: 1 });
 * const latency: HistogramSeries = registry
 *   .histogram({ name: 'app_latency_seconds', help: 'Latency.', buckets: [0.1, 0.5, 1] })
 *   .series([]);
 * latency.observe(0.25);
 * console.log(latency.count, latency.sum); // 1 0.25
 * ```
 */
export class HistogramSeries extends MetricSeries {
  /** The buckets' upper bounds, ascending; `+Inf` is implied after the last. */
  readonly bounds: Float64Array;
  /** Observations per bucket (not cumulative); the last entry counts those above every bound. */
  readonly counts: Float64Array;
  /** The number of observations. */
  count = 0;
  /** The sum of the observations. */
  sum = 0;
  #sum = 0;
  #max = 0;
  /** Pairs of (bucket index, observations) seen in the open epoch. */
  readonly #hits: number[] = [];

  /** @internal */
  constructor(id: number, labelValues: readonly string[], ring: TimeRing, bounds: Float64Array) {
    super(id, labelValues, ring);
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /**
   * Records one observation.
   *
   * @throws AgentryError `validation_failed` when `value` is not a finite number
   */
  observe(value: number): void {
    if (!Number.isFinite(value)) throw notFinite(value);
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index += 1;
    this.counts[index]! += 1;
    this.count += 1;
    this.sum += value;
    const hits = this.#hits;
    if (this.currentCell()) {
      hits.length = 0;
      this.#sum = 0;
      this.#max = value;
    } else if (value > this.#max) this.#max = value;
    this.#sum += value;
    for (let pair = 0; pair < hits.length; pair += 2) {
      if (hits[pair] === index) {
        hits[pair + 1]! += 1;
        return;
      }
    }
    hits.push(index, 1);
  }

  /** @internal Layout: `id, sum, max, pairs, (bucket index, observations) x pairs`. */
  encode(out: number[]): void {
    const hits = this.#hits;
    out.push(this.id, this.#sum, this.#max, hits.length / 2, ...hits);
  }
}

/**
 * Any series a {@link MetricsRegistry} makes: tell them apart with `instanceof`.
 *
 * @example
 * ```ts
 * import { HistogramSeries, type AnyMetricSeries } from '@agentry/monitoring';
 *
 * const describe = (series: AnyMetricSeries) =>
 *   series instanceof HistogramSeries ? `${series.count} observations` : `value ${series.value}`;
 * ```
 */
export type AnyMetricSeries = CounterSeries | GaugeSeries | HistogramSeries;

function negativeAmount(amount: number): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `A counter can only go up: add(${String(amount)}) needs a finite number of 0 or more.`,
    details: { received: String(amount) },
    suggestions: ['Use a gauge for a value that goes down.'],
  });
}

function notFinite(value: number): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `A metric value must be a finite number, got ${String(value)}.`,
    details: { received: String(value) },
    suggestions: ['Check the value before recording it; NaN usually means a missing start time.'],
  });
}
