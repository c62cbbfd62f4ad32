/**
 * `@agentry/monitoring`: the `monitoring` configuration section of Agentry, which also switches the
 * SOC 2 and GDPR baselines on, and the compliance controls that check it.
 *
 * @packageDocumentation
 */
export {
  installAlerts,
  verifyWebhookSignature,
  type AlertAuditEntry,
  type AlertAuditSink,
  type AlertConditionKind,
  type AlertEvaluation,
  type AlertEventStream,
  type AlertLogger,
  type AlertNotification,
  type AlertsHandle,
  type AlertSignals,
  type AlertsOptions,
  type AlertState,
  type ChannelDeliveryStats,
  type DeliveryFailure,
  type InstallAlertsInput,
  type SecurityEvent,
  type SignalSummary,
  type TaggedEvent,
  type VerifyWebhookSignatureOptions,
  type WebhookVerification,
} from './alerts/index.js';
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
  type ChannelConfiguration,
  type ComplianceConfig,
  type LoggingConfig,
  type MetricsConfig,
  type MonitoringConfig,
  type NotificationChannel,
  type PerformanceThresholds,
} from './config/index.js';
export { monitoring } from './monitoring.js';
export { VERSION } from './version.js';
