export {
  complianceBaselines,
  GDPR_MAX_RETENTION_DAYS,
  SOC2_MAX_API_KEY_AGE_HOURS,
  SOC2_MIN_RETENTION_DAYS,
  type BaselineControl,
} from './baselines.js';
export type {
  ComplianceCheck,
  ComplianceFinding,
  ComplianceFramework,
} from './compliance-types.js';
export type { ComplianceControlResult, ComplianceReport } from './run-compliance.js';
export { describeConfigValue, readConfigValue } from './read-config-value.js';
export { requireEnabled, type RequiredSwitch } from './require-enabled.js';
