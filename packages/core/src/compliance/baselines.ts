import type { ComplianceFramework } from './compliance-types.js';

/**
 * One control of a compliance baseline, and the package whose plug-in checks it.
 *
 * @example
 * ```ts
 * import { complianceBaselines, type BaselineControl } from '@agentry/core';
 *
 * // Which package must be installed to pass each GDPR control.
 * const gdpr: readonly BaselineControl[] = complianceBaselines.gdpr;
 * for (const control of gdpr) console.log(`${control.id}: ${control.title} (${control.providedBy})`);
 * ```
 */
export interface BaselineControl {
  /** Stable id, `framework.name`. */
  readonly id: string;
  /** What the control requires, in one line. */
  readonly title: string;
  /** The package that implements the check; without it installed the control fails. */
  readonly providedBy: string;
}

/**
 * The minimum audit-log retention, in days, that the SOC 2 baseline accepts: one year, the usual
 * period a SOC 2 Type II audit looks back over.
 */
export const SOC2_MIN_RETENTION_DAYS = 365;

/** The longest API-key age, in hours, that the SOC 2 baseline accepts: 90 days. */
export const SOC2_MAX_API_KEY_AGE_HOURS = 90 * 24;

/**
 * The longest data retention, in days, that the GDPR baseline accepts without a documented reason:
 * personal data is kept no longer than needed (storage limitation, GDPR article 5(1)(e)).
 */
export const GDPR_MAX_RETENTION_DAYS = 3 * 365;

/**
 * The controls each framework requires. Core owns the list (so that a missing plug-in cannot make a
 * control vanish); each plug-in implements the controls of its own section. Every control listed
 * here must be implemented by its `providedBy` package and pass.
 *
 * @example
 * ```ts
 * complianceBaselines.soc2.map((control) => control.id);
 * ```
 */
export const complianceBaselines: Readonly<
  Record<ComplianceFramework, readonly BaselineControl[]>
> = {
  soc2: [
    {
      id: 'soc2.encryption-at-rest',
      title: 'Data is encrypted at rest (security.encryption.atRest).',
      providedBy: '@agentry/security',
    },
    {
      id: 'soc2.encryption-in-transit',
      title: 'Data is encrypted in transit (security.encryption.inTransit).',
      providedBy: '@agentry/security',
    },
    {
      id: 'soc2.key-rotation',
      title: 'Encryption keys rotate (security.encryption.keyRotation).',
      providedBy: '@agentry/security',
    },
    {
      id: 'soc2.audit-logging',
      title: 'Security-relevant actions are logged (security.auditLogging).',
      providedBy: '@agentry/security',
    },
    {
      id: 'soc2.access-control',
      title:
        'Role-based access control is on with at least one permission (security.accessControl).',
      providedBy: '@agentry/security',
    },
    {
      id: 'soc2.rate-limiting',
      title: 'Rate limiting is on (security.accessControl.rateLimiting.enabled).',
      providedBy: '@agentry/security',
    },
    {
      id: 'soc2.audit-trail',
      title: 'The compliance audit trail is kept (monitoring.logging.compliance.auditTrail).',
      providedBy: '@agentry/monitoring',
    },
    {
      id: 'soc2.data-retention',
      title: `Audit data is kept at least ${SOC2_MIN_RETENTION_DAYS} days (monitoring.logging.compliance.dataRetention).`,
      providedBy: '@agentry/monitoring',
    },
    {
      id: 'soc2.structured-logging',
      title: 'Logs are structured (monitoring.logging.structured).',
      providedBy: '@agentry/monitoring',
    },
    {
      id: 'soc2.api-key-rotation',
      title: `API keys rotate and are never older than ${SOC2_MAX_API_KEY_AGE_HOURS} hours (authentication.apiKeyRotation).`,
      providedBy: '@agentry/core',
    },
    {
      id: 'soc2.no-inline-secrets',
      title:
        'No secret is written inline in the configuration; each is a ${env:…} or ${secret:…} reference.',
      providedBy: '@agentry/core',
    },
  ],
  gdpr: [
    {
      id: 'gdpr.data-masking',
      title: 'Personal data is masked in logs, events and audit (security.dataMasking).',
      providedBy: '@agentry/security',
    },
    {
      id: 'gdpr.encryption-at-rest',
      title: 'Personal data is encrypted at rest (security.encryption.atRest).',
      providedBy: '@agentry/security',
    },
    {
      id: 'gdpr.audit-trail',
      title:
        'Processing is recorded in the audit trail (monitoring.logging.compliance.auditTrail).',
      providedBy: '@agentry/monitoring',
    },
    {
      id: 'gdpr.storage-limitation',
      title: `Data retention is set and at most ${GDPR_MAX_RETENTION_DAYS} days (monitoring.logging.compliance.dataRetention).`,
      providedBy: '@agentry/monitoring',
    },
  ],
};
