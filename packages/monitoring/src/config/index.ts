export { alertConfigSchema, type AlertConfig } from './alert-config.js';
export { complianceConfigSchema, type ComplianceConfig } from './compliance-config.js';
export { loggingConfigSchema, type LoggingConfig } from './logging-config.js';
export { metricsConfigSchema, type MetricsConfig } from './metrics-config.js';
export { monitoringConfigSchema, type MonitoringConfig } from './monitoring-config.js';
export {
  notificationChannelSchema,
  type ChannelConfiguration,
  type NotificationChannel,
} from './notification-channel.js';
export {
  performanceThresholdsSchema,
  type PerformanceThresholds,
} from './performance-thresholds.js';
