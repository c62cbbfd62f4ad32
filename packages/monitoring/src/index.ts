/**
 * `@agentry/monitoring`: the `monitoring` configuration section of Agentry, which also switches the
 * SOC 2 and GDPR baselines on, and the compliance controls that check it.
 *
 * @packageDocumentation
 */
export {
  installAlerts,
  type AlertConditionKind,
  type AlertEvaluation,
  type AlertNotification,
  type AlertsHandle,
  type AlertSignals,
  type AlertsOptions,
  type AlertState,
  type ChannelDeliveryStats,
  type DeliveryFailure,
  type InstallAlertsInput,
  type SignalSummary,
} from './alerts/index.js';
export {
  createMonitoringControls,
  installCompliance,
  monitoringControls,
  type AuditTrail,
  type AuditTrailDestination,
  type ComplianceInstallation,
  type ComplianceRuntimePlan,
  type InstallComplianceOptions,
  type MonitoringControlId,
  type MonitoringRuntime,
  type RetentionRun,
  type RetentionScheduleOptions,
} from './compliance/index.js';
export {
  alertConfigSchema,
  complianceConfigSchema,
  loggingConfigSchema,
  metricsConfigSchema,
  monitoringConfigSchema,
  notificationChannelSchema,
  performanceThresholdsSchema,
  type AlertConfig,
  type ChannelConfiguration,
  type ComplianceConfig,
  type LoggingConfig,
  type MetricsConfig,
  type MonitoringConfig,
  type NotificationChannel,
  type PerformanceThresholds,
} from './config/index.js';
export {
  createPrometheusHandler,
  PROMETHEUS_CONTENT_TYPE,
  renderPrometheusText,
  startJsonLinesExporter,
  startPrometheusServer,
  type JsonLinesDestination,
  type JsonLinesExporter,
  type JsonLinesExporterOptions,
  type MetricSample,
  type PrometheusHandler,
  type PrometheusServer,
  type PrometheusServerOptions,
} from './exporters/index.js';
export {
  CounterSeries,
  createMetricsRegistry,
  DEFAULT_MAX_SERIES_PER_METRIC,
  GaugeSeries,
  HistogramSeries,
  installMetrics,
  LATENCY_BUCKETS_SECONDS,
  MetricFamily,
  MetricSeries,
  MetricsRegistry,
  OVERFLOW_LABEL_VALUE,
  queryMetric,
  STEP_BUCKETS_SECONDS,
  summarizeMetrics,
  type AnyMetricSeries,
  type HistogramDefinition,
  type MetricDefinition,
  type MetricQuery,
  type MetricsHandle,
  type MetricsOptions,
  type MetricsRegistryOptions,
  type MetricsSummary,
  type MetricsSummaryQuery,
  type MetricWindow,
} from './metrics/index.js';
export {
  installLogging,
  type ComplianceHost,
  type InstallLoggingOptions,
  type LoggingHost,
  type LoggingInstallation,
} from './logging/index.js';
export {
  DEFAULT_PROMETHEUS_PORT,
  monitoring,
  type MonitoringHandle,
  type MonitoringOptions,
  type MonitoringPlugin,
} from './monitoring.js';
export {
  genAiSemconvVersion,
  telemetryAttributeClasses,
  type TelemetryAttributeClass,
} from './semconv/index.js';
export { VERSION } from './version.js';
