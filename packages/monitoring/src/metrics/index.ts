export { LATENCY_BUCKETS_SECONDS, STEP_BUCKETS_SECONDS } from './agentry-metric-families.js';
export { installMetrics, type MetricsHandle } from './install-metrics.js';
export {
  MetricFamily,
  OVERFLOW_LABEL_VALUE,
  type HistogramDefinition,
  type MetricDefinition,
} from './metric-family.js';
export {
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  MetricSeries,
  type AnyMetricSeries,
} from './metric-series.js';
export type { MetricsOptions } from './metrics-options.js';
export {
  createMetricsRegistry,
  DEFAULT_MAX_SERIES_PER_METRIC,
  MetricsRegistry,
  type MetricsRegistryOptions,
} from './metrics-registry.js';
export {
  summarizeMetrics,
  type MetricsSummary,
  type MetricsSummaryQuery,
} from './metrics-summary.js';
export { queryMetric, type MetricQuery, type MetricWindow } from './query-metric.js';
