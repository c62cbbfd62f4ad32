import {
  describeConfigValue,
  readConfigValue,
  requireEnabled,
  GDPR_MAX_RETENTION_DAYS,
  SOC2_MIN_RETENTION_DAYS,
  type ComplianceCheck,
  type ComplianceFinding,
} from '@agentry/core';

/**
 * The ids of the baseline controls that `@agentry/monitoring` implements.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import type { MonitoringControlId } from '@agentry/monitoring';
 *
 * declare const agentry: Agentry;
 * // Whether one of this package's controls passed when Agentry started.
 * const id: MonitoringControlId = 'soc2.data-retention';
 * const retention = agentry.compliance.controls.find((control) => control.id === id);
 * console.log(retention?.passed);
 * ```
 */
export type MonitoringControlId =
  | 'soc2.audit-trail'
  | 'soc2.data-retention'
  | 'soc2.structured-logging'
  | 'gdpr.audit-trail'
  | 'gdpr.storage-limitation';

const auditTrailPath = ['monitoring', 'logging', 'compliance', 'auditTrail'] as const;
const retentionPath = ['monitoring', 'logging', 'compliance', 'dataRetention'] as const;
const retentionName = retentionPath.join('.');

/** One finding about `dataRetention`, with the value found there. */
function retentionFinding(
  received: unknown,
  problem: string,
  suggestion: string,
): ComplianceFinding {
  return {
    path: [...retentionPath],
    message: `${problem}: ${retentionName} is ${describeConfigValue(received)}.`,
    suggestion,
    received,
  };
}

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

/**
 * The checks behind the SOC 2 and GDPR baseline controls that read the `monitoring` section, by
 * control id. Each takes the whole configuration, reads `monitoring` defensively (a missing or
 * malformed section fails rather than throws) and returns one finding per failing setting, with
 * its path, the value found, what is wrong and what to change; an empty array means the control
 * passes.
 *
 * The `monitoring()` plug-in registers these; they are exported so a configuration can be checked
 * without creating an Agentry instance.
 *
 * @example
 * ```ts
 * import { monitoringControls } from '@agentry/monitoring';
 *
 * const findings = monitoringControls['soc2.data-retention']({
 *   monitoring: { logging: { compliance: { dataRetention: 30 } } },
 * });
 * // [{ path: ['monitoring', 'logging', 'compliance', 'dataRetention'], received: 30, … }]
 * ```
 */
export const monitoringControls: Readonly<Record<MonitoringControlId, ComplianceCheck>> = {
  'soc2.audit-trail': (config) =>
    requireEnabled(config, {
      path: auditTrailPath,
      problem: 'The compliance audit trail is not kept',
      suggestion: 'Set monitoring.logging.compliance.auditTrail to true.',
    }),
  'soc2.data-retention': (config) => {
    const received = readConfigValue(config, retentionPath);
    if (typeof received === 'number' && received >= SOC2_MIN_RETENTION_DAYS) return [];
    return [
      retentionFinding(
        received,
        `Audit data is kept for less than the ${SOC2_MIN_RETENTION_DAYS} days a SOC 2 audit looks back over`,
        `Set ${retentionName} to ${SOC2_MIN_RETENTION_DAYS} or more.`,
      ),
    ];
  },
  'soc2.structured-logging': (config) =>
    requireEnabled(config, {
      path: ['monitoring', 'logging', 'structured'],
      problem: 'Logs are not structured',
      suggestion: 'Set monitoring.logging.structured to true (and format to "json" for log tools).',
    }),
  'gdpr.audit-trail': (config) =>
    requireEnabled(config, {
      path: auditTrailPath,
      problem: 'Processing of personal data is not recorded in an audit trail (GDPR article 30)',
      suggestion: 'Set monitoring.logging.compliance.auditTrail to true.',
    }),
  'gdpr.storage-limitation': (config) => {
    const received = readConfigValue(config, retentionPath);
    if (!isPositiveInteger(received)) {
      return [
        retentionFinding(
          received,
          'No data retention period is set, so personal data may be kept indefinitely',
          `Set ${retentionName} to a whole number of days, at most ${GDPR_MAX_RETENTION_DAYS}.`,
        ),
      ];
    }
    if (received <= GDPR_MAX_RETENTION_DAYS) return [];
    return [
      retentionFinding(
        received,
        `Data is kept longer than the ${GDPR_MAX_RETENTION_DAYS} days the GDPR baseline accepts (storage limitation, article 5(1)(e))`,
        `Set ${retentionName} to at most ${GDPR_MAX_RETENTION_DAYS}, the shortest period the data is needed for.`,
      ),
    ];
  },
};
