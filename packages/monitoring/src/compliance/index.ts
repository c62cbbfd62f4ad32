export { enabledFrameworks } from './enabled-frameworks.js';
export {
  createMonitoringControls,
  monitoringControls,
  type MonitoringControlId,
  type MonitoringRuntime,
} from './monitoring-controls.js';
export {
  installCompliance,
  type AuditTrail,
  type AuditTrailDestination,
  type ComplianceInstallation,
  type ComplianceRuntimePlan,
  type InstallComplianceOptions,
  type RetentionRun,
  type RetentionScheduleOptions,
} from './runtime/index.js';
