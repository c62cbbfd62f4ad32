/**
 * `@agentry/monitoring`: the `monitoring` configuration section of Agentry, which also switches the
 * SOC 2 and GDPR baselines on, and the compliance controls that check it.
 *
 * @packageDocumentation
 */
export { monitoringControls, type MonitoringControlId } from './compliance/index.js';
export {
  alertConfigSchema,
  complianceConfigSchema,
  loggingConfigSchema,
  metricsConfigSchema,
  monitoringConfigSchema,
  notificationChannelSchema,
  performanceThresholdsSchema,
  type AlertConfig,
  type ComplianceConfig,
  type LoggingConfig,
  type MetricsConfig,
  type MonitoringConfig,
  type NotificationChannel,
  type PerformanceThresholds,
} from './config/index.js';
export { monitoring } from './monitoring.js';
export {
  createOtelContextPropagator,
  installTracing,
  type ContextPropagator,
  type InstallTracingOptions,
  type TracingInstallation,
} from './otel/index.js';
export {
  genAiSemconvVersion,
  telemetryAttributeClasses,
  type TelemetryAttributeClass,
} from './semconv/index.js';
export { VERSION } from './version.js';
