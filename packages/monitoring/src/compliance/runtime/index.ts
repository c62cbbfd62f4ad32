export type { AuditTrail, AuditTrailDestination } from './audit-trail.js';
export {
  installCompliance,
  type ComplianceInstallation,
  type ComplianceRuntimePlan,
  type InstallComplianceOptions,
} from './install-compliance.js';
export type { RetentionRun, RetentionScheduleOptions } from './retention-schedule.js';
