import {
  describeConfigValue,
  readConfigValue,
  requireEnabled,
  type ComplianceCheck,
  type ComplianceFinding,
} from '@agentry/core';

/**
 * The ids of the baseline controls that `@agentry/security` implements.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import type { SecurityControlId } from '@agentry/security';
 *
 * declare const agentry: Agentry;
 * // Whether one of this package's controls passed when Agentry started.
 * const id: SecurityControlId = 'soc2.encryption-at-rest';
 * const atRest = agentry.compliance.controls.find((control) => control.id === id);
 * console.log(atRest?.passed);
 * ```
 */
export type SecurityControlId =
  | 'soc2.encryption-at-rest'
  | 'soc2.encryption-in-transit'
  | 'soc2.key-rotation'
  | 'soc2.audit-logging'
  | 'soc2.access-control'
  | 'soc2.rate-limiting'
  | 'gdpr.data-masking'
  | 'gdpr.encryption-at-rest';

const atRestPath = ['security', 'encryption', 'atRest'] as const;
const rbacPath = ['security', 'accessControl', 'rbac'] as const;
const permissionsPath = ['security', 'accessControl', 'permissions'] as const;

const checkAccessControl: ComplianceCheck = (config) => {
  const findings: ComplianceFinding[] = requireEnabled(config, {
    path: rbacPath,
    problem: 'Role-based access control is off',
    suggestion: 'Set security.accessControl.rbac to true and grant each role only what it needs.',
  });
  const permissions = readConfigValue(config, permissionsPath);
  if (!Array.isArray(permissions) || permissions.length === 0) {
    findings.push({
      path: [...permissionsPath],
      message: `No access-control permission is granted: ${permissionsPath.join('.')} is ${describeConfigValue(permissions)}.`,
      suggestion:
        "Add a permission per resource in use, such as { resource: 'agents', actions: ['read'] }; everything not granted is denied.",
      received: permissions,
    });
  }
  return findings;
};

/**
 * The checks behind the SOC 2 and GDPR baseline controls that read the `security` section, by
 * control id. Each takes the whole configuration, reads `security` defensively (a missing or
 * malformed section fails rather than throws) and returns one finding per failing setting, with
 * its path, the value found, what is wrong and what to change; an empty array means the control
 * passes.
 *
 * The `security()` plug-in registers these; they are exported so a configuration can be checked
 * without creating an Agentry instance.
 *
 * @example
 * ```ts
 * import { securityControls } from '@agentry/security';
 *
 * const findings = securityControls['soc2.encryption-at-rest']({
 *   security: { encryption: { atRest: false } },
 * });
 * // [{ path: ['security', 'encryption', 'atRest'], received: false, message: '…', suggestion: '…' }]
 * ```
 */
export const securityControls: Readonly<Record<SecurityControlId, ComplianceCheck>> = {
  'soc2.encryption-at-rest': (config) =>
    requireEnabled(config, {
      path: atRestPath,
      problem: 'Stored data is not encrypted',
      suggestion: 'Set security.encryption.atRest to true so that stored data is encrypted.',
    }),
  'soc2.encryption-in-transit': (config) =>
    requireEnabled(config, {
      path: ['security', 'encryption', 'inTransit'],
      problem: 'Data is not encrypted in transit',
      suggestion: 'Set security.encryption.inTransit to true and serve only over TLS.',
    }),
  'soc2.key-rotation': (config) =>
    requireEnabled(config, {
      path: ['security', 'encryption', 'keyRotation'],
      problem: 'Encryption keys do not rotate',
      suggestion: 'Set security.encryption.keyRotation to true.',
    }),
  'soc2.audit-logging': (config) =>
    requireEnabled(config, {
      path: ['security', 'auditLogging'],
      problem: 'Security-relevant actions are not logged',
      suggestion: 'Set security.auditLogging to true.',
    }),
  'soc2.access-control': checkAccessControl,
  'soc2.rate-limiting': (config) =>
    requireEnabled(config, {
      path: ['security', 'accessControl', 'rateLimiting', 'enabled'],
      problem: 'Requests are not rate limited',
      suggestion: 'Set security.accessControl.rateLimiting.enabled to true.',
    }),
  'gdpr.data-masking': (config) =>
    requireEnabled(config, {
      path: ['security', 'dataMasking'],
      problem: 'Personal data is not masked in logs, events and the audit log',
      suggestion: 'Set security.dataMasking to true.',
    }),
  'gdpr.encryption-at-rest': (config) =>
    requireEnabled(config, {
      path: atRestPath,
      problem: 'Stored personal data is not encrypted, as GDPR article 32 expects',
      suggestion:
        'Set security.encryption.atRest to true so that stored personal data is encrypted.',
    }),
};
