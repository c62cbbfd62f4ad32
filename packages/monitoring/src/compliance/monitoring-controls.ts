import {
  describeConfigValue,
  readConfigValue,
  requireEnabled,
  GDPR_MAX_RETENTION_DAYS,
  SOC2_MIN_RETENTION_DAYS,
  type ComplianceCheck,
  type ComplianceFinding,
} from '@agentry/core';
import type { ComplianceRuntimePlan } from './runtime/index.js';

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
 * These check the configuration only; they are exported so a configuration can be checked
 * without creating an Agentry instance. An instance registers {@link createMonitoringControls},
 * which also require the runtime behind each setting to be installed.
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

/**
 * What of monitoring's runtime an Agentry instance installs, for the controls to check: whether
 * logging is installed (`installLogging`), and the plan the compliance runtime runs with
 * (`installCompliance`), or `undefined` when it is not installed.
 *
 * @example
 * ```ts
 * import type { MonitoringRuntime } from '@agentry/monitoring';
 *
 * const runtime: MonitoringRuntime = {
 *   logging: true,
 *   compliance: { auditTrail: { file: 'audit.jsonl' } },
 * };
 * console.log(runtime.logging);
 * ```
 */
export interface MonitoringRuntime {
  /** Whether monitoring's logging is installed. */
  readonly logging: boolean;
  /** The compliance runtime's plan, or `undefined` when it is not installed. */
  readonly compliance: ComplianceRuntimePlan | undefined;
}

const notRunning = (
  path: readonly string[],
  received: unknown,
  message: string,
  suggestion: string,
): ComplianceFinding[] => [{ path: [...path], received, message, suggestion }];

/**
 * The checks of {@link monitoringControls}, each also requiring that the runtime behind its
 * setting is installed, so that switching SOC 2 or GDPR on makes the controls run, not only pass
 * a check of the configuration: the audit trail needs the compliance runtime and a destination,
 * data retention needs the retention schedule, structured logging needs logging installed. A
 * setting that already fails on its own is reported once, as {@link monitoringControls} does.
 *
 * The `monitoring()` plug-in registers these with what it installs.
 *
 * @example
 * ```ts
 * import { createMonitoringControls } from '@agentry/monitoring';
 *
 * const controls = createMonitoringControls({ logging: true, compliance: { retention: false } });
 * const findings = controls['soc2.data-retention']({
 *   monitoring: { logging: { compliance: { dataRetention: 365 } } },
 * });
 * // [{ message: 'monitoring.logging.compliance.dataRetention is 365 days, but no retention schedule runs, …' }]
 * ```
 */
export function createMonitoringControls(
  runtime: MonitoringRuntime,
): Readonly<Record<MonitoringControlId, ComplianceCheck>> {
  const auditTrailRuns: ComplianceCheck = (config) => {
    const received = readConfigValue(config, auditTrailPath);
    const name = auditTrailPath.join('.');
    if (runtime.compliance === undefined) {
      return notRunning(
        auditTrailPath,
        received,
        `${name} is true, but monitoring's compliance runtime is not installed, so no audit entry is recorded.`,
        'Install the compliance runtime (installCompliance) with an audit trail destination.',
      );
    }
    if (runtime.compliance.auditTrail === undefined) {
      return notRunning(
        auditTrailPath,
        received,
        `${name} is true, but the compliance runtime has no audit trail destination, so no audit entry is recorded.`,
        "Give the compliance runtime auditTrail: { file: 'audit.jsonl' } or { store }.",
      );
    }
    return [];
  };
  const retentionRuns: ComplianceCheck = (config) => {
    if (runtime.compliance !== undefined && runtime.compliance.retention !== false) return [];
    const received = readConfigValue(config, retentionPath);
    return notRunning(
      retentionPath,
      received,
      `${retentionName} is ${describeConfigValue(received)} days, but no retention schedule runs, so nothing older is purged.`,
      runtime.compliance === undefined
        ? 'Install the compliance runtime (installCompliance), which runs the retention schedule.'
        : 'Leave the retention schedule on (do not pass retention: false).',
    );
  };
  const loggingRuns: ComplianceCheck = (config) =>
    runtime.logging
      ? []
      : notRunning(
          ['monitoring', 'logging', 'structured'],
          readConfigValue(config, ['monitoring', 'logging', 'structured']),
          "monitoring.logging.structured is true, but monitoring's logging is not installed, so no log line is written.",
          'Install monitoring’s logging (installLogging).',
        );
  const both =
    (configured: ComplianceCheck, running: ComplianceCheck): ComplianceCheck =>
    (config) => {
      const findings = configured(config);
      return findings.length > 0 ? findings : running(config);
    };
  return {
    'soc2.audit-trail': both(monitoringControls['soc2.audit-trail'], auditTrailRuns),
    'soc2.data-retention': both(monitoringControls['soc2.data-retention'], retentionRuns),
    'soc2.structured-logging': both(monitoringControls['soc2.structured-logging'], loggingRuns),
    'gdpr.audit-trail': both(monitoringControls['gdpr.audit-trail'], auditTrailRuns),
    'gdpr.storage-limitation': both(monitoringControls['gdpr.storage-limitation'], retentionRuns),
  };
}
