import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, type MetricsRegistry } from './metrics-registry.js';
import { queryMetric } from './query-metric.js';

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;

function registryAt(start = 0, maxSeriesPerMetric?: number) {
  const clock = { now: start };
  const registry = createMetricsRegistry({
    collectionInterval: SECOND,
    retentionPeriod: 1,
    now: () => clock.now,
    ...(maxSeriesPerMetric !== undefined ? { maxSeriesPerMetric } : {}),
  });
  return { clock, registry };
}

const total = (registry: MetricsRegistry, window = HOUR, labels?: Record<string, string>) =>
  queryMetric(registry, { name: 'jobs_total', window, ...(labels ? { labels } : {}) }).value;

describe('createMetricsRegistry', () => {
  it('rejects intervals and retentions that are not positive integers, naming each', () => {
    const attempt = () =>
      createMetricsRegistry({
        collectionInterval: 0,
        retentionPeriod: 1.5,
        maxSeriesPerMetric: 100_001,
      });
    expect(attempt).toThrow(AgentryError);
    expect(attempt).toThrow(
      /collectionInterval .* got 0; retentionPeriod .* got 1\.5; maxSeriesPerMetric .* got 100001/,
    );
    expect(() =>
      createMetricsRegistry({ collectionInterval: 2 * HOUR, retentionPeriod: 1 }),
    ).toThrow(/longer than retentionPeriod/);
  });

  it('sizes the ring from the retention and the interval', () => {
    const registry = createMetricsRegistry({
      collectionInterval: 10 * SECOND,
      retentionPeriod: 24,
    });
    expect(registry.ring.length).toBe(8_640);
  });
});

describe('MetricsRegistry', () => {
  describe('ring of time buckets', () => {
    it('drops exactly the buckets that fall out of the retention, when the ring moves past them', () => {
      const { clock, registry } = registryAt();
      const jobs = registry.counter({ name: 'jobs_total', help: 'Jobs.' }).series([]);
      jobs.add(1); // epoch 0
      clock.now = SECOND;
      jobs.add(2); // epoch 1
      clock.now = 3_599 * SECOND; // epoch 3599: the window of one hour still reaches epoch 0
      expect(total(registry)).toBe(3);
      expect(registry.ring.footprint().buckets).toBe(2);
      clock.now = 3_600 * SECOND; // epoch 0 is now out of the retention
      expect(total(registry)).toBe(2);
      expect(registry.ring.footprint().buckets).toBe(1);
      clock.now = 3_601 * SECOND;
      expect(total(registry)).toBe(0);
      expect(registry.ring.footprint()).toEqual({ buckets: 0, bytes: 0 });
      // The total since start is not a window: Prometheus still reads it.
      expect(jobs.value).toBe(3);
    });

    it('forgets everything after a jump longer than the retention', () => {
      const { clock, registry } = registryAt();
      const jobs = registry.counter({ name: 'jobs_total', help: 'Jobs.' }).series([]);
      jobs.add(5);
      clock.now = 10 * HOUR;
      jobs.add(1);
      expect(total(registry)).toBe(1);
      expect(registry.ring.footprint().buckets).toBe(0); // only the open bucket holds data
    });

    it('answers a window by the whole buckets it reaches into, the current one included', () => {
      const { clock, registry } = registryAt();
      const jobs = registry.counter({ name: 'jobs_total', help: 'Jobs.' }).series([]);
      for (let second = 0; second < 10; second += 1) {
        clock.now = second * SECOND + 500;
        jobs.add(1);
      }
      expect(total(registry, 3 * SECOND)).toBe(3);
      expect(total(registry, 2_500)).toBe(3);
      expect(queryMetric(registry, { name: 'jobs_total', window: 2_500 }).windowMs).toBe(
        3 * SECOND,
      );
    });

    it('rejects a window longer than the retention or not positive', () => {
      const { registry } = registryAt();
      registry.counter({ name: 'jobs_total', help: 'Jobs.' });
      expect(() => total(registry, HOUR + SECOND)).toThrow(/at most the retention/);
      expect(() => total(registry, 0)).toThrow(/must be positive/);
    });
  });

  describe('queries', () => {
    it('filters series by label and rejects an unknown label or metric', () => {
      const { registry } = registryAt();
      const family = registry.counter({
        name: 'jobs_total',
        help: 'Jobs.',
        labelNames: ['queue', 'kind'],
      });
      family.series(['mail', 'a']).add(1);
      family.series(['mail', 'b']).add(2);
      family.series(['sms', 'a']).add(4);
      expect(total(registry, HOUR, { queue: 'mail' })).toBe(3);
      expect(total(registry, HOUR, { queue: 'mail', kind: 'b' })).toBe(2);
      expect(total(registry)).toBe(7);
      expect(() => total(registry, HOUR, { user: 'u-1' })).toThrow(/has no label "user"/);
      expect(() => queryMetric(registry, { name: 'nope_total', window: SECOND })).toThrow(
        expect.objectContaining({ code: 'not_found' }),
      );
    });

    it('merges histogram buckets across time and series for quantiles, max and mean', () => {
      const { clock, registry } = registryAt();
      const family = registry.histogram({
        name: 'latency_seconds',
        help: 'Latency.',
        labelNames: ['model'],
        buckets: [0.1, 0.5, 1],
      });
      const fast = family.series(['fast']);
      const slow = family.series(['slow']);
      for (let index = 0; index < 90; index += 1) fast.observe(0.05);
      clock.now = 5 * SECOND;
      for (let index = 0; index < 10; index += 1) slow.observe(0.8);
      slow.observe(3);
      const window = queryMetric(registry, { name: 'latency_seconds', window: HOUR });
      expect(window.count).toBe(101);
      expect(window.value).toBeCloseTo(90 * 0.05 + 8 + 3, 4);
      expect(window.max).toBe(3);
      expect(window.quantile(0.5)).toBeCloseTo(0.1 * (50.5 / 90), 4);
      expect(window.quantile(0.95)).toBeCloseTo(0.5 + 0.5 * ((0.95 * 101 - 90) / 10), 4);
      expect(window.quantile(1)).toBe(3);
      const onlyFast = queryMetric(registry, {
        name: 'latency_seconds',
        window: HOUR,
        labels: { model: 'fast' },
      });
      expect(onlyFast.max).toBeCloseTo(0.05, 6);
      expect(onlyFast.quantile(0.99)).toBeCloseTo(0.05, 6); // never above the largest observation
      expect(
        queryMetric(registry, { name: 'latency_seconds', window: SECOND }).quantile(0.5),
      ).toBeCloseTo(0.5 + 0.5 * (5.5 / 10), 5);
    });

    it('reads a gauge as its latest value in the window', () => {
      const { clock, registry } = registryAt();
      const memory = registry.gauge({ name: 'memory_bytes', help: 'Memory.' }).series([]);
      memory.set(100);
      clock.now = 2 * SECOND;
      memory.set(300);
      memory.set(200);
      const window = queryMetric(registry, { name: 'memory_bytes', window: HOUR });
      expect(window.value).toBe(200);
      expect(window.max).toBe(200); // one sample per bucket: its last
      expect(window.count).toBe(2);
    });
  });

  describe('cardinality', () => {
    it('caps label sets per metric: the rest share one overflow series and are counted as dropped', () => {
      const { registry } = registryAt(0, 2);
      const family = registry.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['agent'] });
      const first = family.series(['a-1']);
      family.series(['a-2']).add(1);
      const third = family.series(['a-3']);
      const fourth = family.series(['a-4']);
      third.add(1);
      fourth.add(1);
      expect(third).toBe(fourth);
      expect(third.labelValues).toEqual(['_overflow']);
      expect(family.series(['a-1'])).toBe(first);
      expect(family.size).toBe(3);
      const dropped = registry.family('agentry_metrics_series_dropped_total');
      expect(
        [...(dropped?.all() ?? [])].map((series) => [
          series.labelValues,
          'value' in series ? series.value : -1,
        ]),
      ).toEqual([[['jobs_total'], 2]]);
      expect(total(registry, HOUR, { agent: '_overflow' })).toBe(2);
    });
  });

  describe('definitions', () => {
    it('rejects duplicate names, bad names, bad buckets and a wrong number of label values', () => {
      const { registry } = registryAt();
      registry.counter({ name: 'jobs_total', help: 'Jobs.', labelNames: ['queue'] });
      expect(() => registry.gauge({ name: 'jobs_total', help: 'Again.' })).toThrow(
        expect.objectContaining({ code: 'duplicate_id' }),
      );
      expect(() => registry.counter({ name: 'jobs-total', help: 'Bad.' })).toThrow(
        /not a valid metric name/,
      );
      expect(() =>
        registry.counter({ name: 'a_total', help: 'Bad.', labelNames: ['__x'] }),
      ).toThrow(/invalid or repeated label/);
      expect(() =>
        registry.histogram({ name: 'h_seconds', help: 'Bad.', buckets: [1, 0.5] }),
      ).toThrow(/strictly ascending/);
      expect(() =>
        registry.histogram({ name: 'h2_seconds', help: 'Bad.', labelNames: ['le'], buckets: [1] }),
      ).toThrow(/label named le/);
      expect(() => registry.family('jobs_total')?.series([])).toThrow(
        /has labels \[queue\], but 0 values/,
      );
    });

    it('refuses a counter decrease and values that are not finite', () => {
      const { registry } = registryAt();
      const counter = registry.counter({ name: 'jobs_total', help: 'Jobs.' }).series([]);
      const histogram = registry
        .histogram({ name: 'h_seconds', help: 'H.', buckets: [1] })
        .series([]);
      expect(() => counter.add(-1)).toThrow(/can only go up/);
      expect(() => counter.add(Number.NaN)).toThrow(/can only go up/);
      expect(() => histogram.observe(Number.POSITIVE_INFINITY)).toThrow(/finite number/);
      expect(counter.value).toBe(0);
      expect(histogram.count).toBe(0);
    });
  });
});
