import { AgentryError, type Logger, services } from '@agentry/core';
import { complianceConfigSchema, type ComplianceConfig } from '../../config/index.js';
import type { ComplianceHost } from '../../logging/core-interfaces.js';
import { createAuditTrail, type AuditTrail, type AuditTrailDestination } from './audit-trail.js';
import {
  createRetentionSchedule,
  type RetentionRun,
  type RetentionScheduleOptions,
} from './retention-schedule.js';

/**
 * What the compliance runtime is given to run with: where the audit trail is kept and how the
 * retention schedule runs. The compliance controls read it too (see `createMonitoringControls`),
 * so a control passes only when the runtime it stands for will run.
 *
 * @example
 * ```ts
 * import type { ComplianceRuntimePlan } from '@agentry/monitoring';
 *
 * const plan: ComplianceRuntimePlan = {
 *   auditTrail: { file: '/var/log/agentry/audit.jsonl' },
 *   retention: { intervalMs: 6 * 60 * 60 * 1000 },
 * };
 * console.log(plan.auditTrail);
 * ```
 */
export interface ComplianceRuntimePlan {
  /** Where the audit trail is kept; needed when `auditTrail` is true. */
  readonly auditTrail?: AuditTrailDestination;
  /** How the retention schedule runs (default: daily, and once at start); `false` switches it off. */
  readonly retention?: RetentionScheduleOptions | false;
}

/**
 * Options of {@link installCompliance}.
 *
 * @example
 * ```ts
 * import type { Logger } from '@agentry/core';
 * import type { InstallComplianceOptions } from '@agentry/monitoring';
 *
 * declare const logger: Logger;
 * const options: InstallComplianceOptions = { logger, auditTrail: { file: 'audit.jsonl' } };
 * console.log(options.auditTrail);
 * ```
 */
export interface InstallComplianceOptions extends ComplianceRuntimePlan {
  /** Where the runtime logs what it does and what fails (monitoring's logger). */
  readonly logger: Logger;
}

/**
 * The installed compliance runtime.
 *
 * @example
 * ```ts
 * import type { ComplianceInstallation } from '@agentry/monitoring';
 *
 * declare const compliance: ComplianceInstallation;
 * const run = await compliance.purgeNow();
 * console.log(run.removed, (await compliance.auditTrail?.readAuditTrail())?.length);
 * ```
 */
export interface ComplianceInstallation {
  /** The audit trail provided as the audit sink, when `auditTrail` is true. */
  readonly auditTrail: AuditTrail | undefined;
  /**
   * Purges now what is older than `dataRetention` days, as the schedule does.
   *
   * @throws AgentryError `invalid_transition` when the retention schedule is switched off or stopped
   */
  purgeNow(): Promise<RetentionRun>;
  /** How many purges failed. */
  failedPurges(): number;
  /** Stops the schedule; also registered with `host.onShutdown`. */
  stop(): Promise<void>;
}

/**
 * Installs the compliance runtime in a plug-in's `setup`, so that the settings of
 * `monitoring.logging.compliance` run rather than only pass a check:
 *
 * - `auditTrail: true` provides the audit sink: an append-only trail (JSON lines in a file, or a
 *   store's numbered keys, created and never overwritten) of configuration changes, plug-in
 *   set-up, alerts and data operations. Each entry is masked like a log line and logged too, so
 *   each erasure and purge report core appends becomes a log line. A failed append is logged,
 *   counted and rejected, never dropped silently.
 * - `dataRetention` runs a schedule (daily by default, unref'd, stopped at shutdown) that calls
 *   `host.purgeExpired` with the limit, then `onPurge` (for kept metrics), and logs and audits
 *   the counts removed per store.
 *
 * @throws AgentryError `config_invalid` when the section is not valid, or `auditTrail` is true
 *   and no destination is given
 * @throws AgentryError `plugin_duplicate` when another plug-in already provides the audit sink
 * @example
 * ```ts
 * import { definePlugin, type Logger } from '@agentry/core';
 * import { installCompliance, type ComplianceHost } from '@agentry/monitoring';
 *
 * declare const logger: Logger;
 * export const compliance = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-compliance',
 *     version: '1.0.0',
 *     setup(host) {
 *       installCompliance(
 *         host as typeof host & ComplianceHost,
 *         { soc2: true, gdpr: true, auditTrail: true, dataRetention: 365 },
 *         { logger, auditTrail: { file: 'audit.jsonl' } },
 *       );
 *     },
 *   });
 * ```
 */
export function installCompliance(
  host: ComplianceHost,
  config: ComplianceConfig,
  options: InstallComplianceOptions,
): ComplianceInstallation {
  const section = parseSection(config);
  const { logger } = options;
  let auditTrail: AuditTrail | undefined;
  if (section.auditTrail) {
    if (options.auditTrail === undefined) throw missingDestination();
    auditTrail = createAuditTrail({
      destination: checkDestination(options.auditTrail),
      logger,
      lookup: (key) => host.lookup(key),
    });
    // A fallback: a tamper-evident log another plug-in provides (security's) takes over from it.
    host.provide(services.auditSink, auditTrail, { fallback: true });
  }
  const schedule =
    options.retention === false
      ? undefined
      : createRetentionSchedule({
          ...options.retention,
          host,
          days: section.dataRetention,
          logger,
          // Whoever provides the sink (this trail, or security's later), looked up per purge.
          audit: () => host.lookup(services.auditSink),
        });
  let stopped = false;
  const stop = async () => {
    stopped = true;
    await schedule?.stop();
  };
  host.onShutdown(stop);
  return {
    auditTrail,
    purgeNow() {
      if (schedule === undefined || stopped) {
        return Promise.reject(
          new AgentryError({
            code: 'invalid_transition',
            message: schedule
              ? 'The retention schedule is stopped (Agentry shut down).'
              : 'The retention schedule is switched off (retention: false).',
            suggestions: [
              'Call agentry.purgeExpired({ before }) directly, or install the schedule.',
            ],
          }),
        );
      }
      return schedule.purgeNow();
    },
    failedPurges: () => schedule?.failedPurges() ?? 0,
    stop,
  };
}

function parseSection(config: ComplianceConfig): ComplianceConfig {
  const parsed = complianceConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `monitoring.logging.compliance.${issue.path.join('.')}: ${issue.message}`,
  );
  throw new AgentryError({
    code: 'config_invalid',
    message: `The compliance configuration is not valid: ${problems.join('; ')}`,
    details: { problems },
    suggestions: ['Fix monitoring.logging.compliance as each problem says.'],
  });
}

function missingDestination(): AgentryError {
  return new AgentryError({
    code: 'config_invalid',
    message:
      'monitoring.logging.compliance.auditTrail is true, but no audit trail destination is given, so nothing would be recorded.',
    details: { path: 'monitoring.logging.compliance.auditTrail' },
    suggestions: [
      "Pass auditTrail: { file: 'audit.jsonl' } or { store: agentry.store('sqlite') }-style store in the options, or set auditTrail to false.",
    ],
  });
}

function checkDestination(destination: AuditTrailDestination): AuditTrailDestination {
  if (typeof destination !== 'object' || destination === null)
    return invalidDestination(destination);
  if ('file' in destination) {
    if (typeof destination.file === 'string' && destination.file.trim().length > 0)
      return destination;
  } else if (
    typeof (destination as { store?: { put?: unknown } }).store?.put === 'function' &&
    typeof destination.store.list === 'function' &&
    (destination.prefix === undefined ||
      (typeof destination.prefix === 'string' && destination.prefix.length > 0))
  ) {
    return destination;
  }
  return invalidDestination(destination);
}

function invalidDestination(destination: unknown): never {
  throw new AgentryError({
    code: 'config_invalid',
    message:
      'The audit trail destination is neither { file: <non-empty path> } nor { store: <StateStore>, prefix?: <non-empty string> }.',
    details: { path: 'auditTrail', received: Object.keys(destination ?? {}) },
    suggestions: ["Pass auditTrail: { file: 'audit.jsonl' } or { store }."],
  });
}
