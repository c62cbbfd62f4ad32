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

const rateLimitingPath = ['security', 'accessControl', 'rateLimiting'] as const;

/** Whether an entry of `permissions` grants something: a resource and at least one action. */
function isPermission(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const { resource, actions } = entry as { resource?: unknown; actions?: unknown };
  return (
    typeof resource === 'string' &&
    resource.trim() !== '' &&
    Array.isArray(actions) &&
    actions.length > 0
  );
}

const checkAccessControl: ComplianceCheck = (config) => {
  const findings: ComplianceFinding[] = requireEnabled(config, {
    path: rbacPath,
    problem:
      'Role-based access control is off, so no send, tool call, workflow or channel action is checked against a permission',
    suggestion:
      'Set security.accessControl.rbac to true: every action is then checked against security.accessControl.permissions and denied unless one grants it.',
  });
  const permissions = readConfigValue(config, permissionsPath);
  if (Array.isArray(permissions) && permissions.some(isPermission)) return findings;
  const found = !Array.isArray(permissions)
    ? `${permissionsPath.join('.')} is ${describeConfigValue(permissions)}`
    : permissions.length === 0
      ? `${permissionsPath.join('.')} is an empty list`
      : permissions.length === 1
        ? `the one entry of ${permissionsPath.join('.')} does not name a resource and at least one action`
        : `none of the ${permissions.length} entries of ${permissionsPath.join('.')} names a resource and at least one action`;
  findings.push({
    path: [...permissionsPath],
    message: `No access-control permission is granted, so every action is denied: ${found}.`,
    suggestion:
      "Write each permission as a resource and the actions allowed on it, such as { resource: 'tools:search', actions: ['read'] }, and give it only to the roles that need it (roles: ['analyst']).",
    received: permissions,
  });
  return findings;
};

const checkRateLimiting: ComplianceCheck = (config) => {
  const findings = requireEnabled(config, {
    path: [...rateLimitingPath, 'enabled'],
    problem:
      'Requests are not rate limited, so one caller can use up the model budget and crowd out the others',
    suggestion:
      'Set security.accessControl.rateLimiting.enabled to true: each caller is then held to requestsPerMinute, with bursts of burstLimit, and penaltyStrategy decides what happens over the limit.',
  });
  // Only a limit that is on is enforced, so only then must its numbers hold.
  if (findings.length > 0) return findings;
  for (const key of ['requestsPerMinute', 'burstLimit']) {
    const path = [...rateLimitingPath, key];
    const received = readConfigValue(config, path);
    if (typeof received === 'number' && Number.isInteger(received) && received > 0) continue;
    findings.push({
      path,
      message: `Rate limiting is on but has no usable limit: ${path.join('.')} is ${describeConfigValue(received)}.`,
      suggestion: `Set ${path.join('.')} to a positive whole number of requests.`,
      received,
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
 * The access-control and rate-limiting controls check what security enforces:
 * `soc2.access-control` wants `security.accessControl.rbac` to be `true` and at least one entry of
 * `permissions` that names a resource and an action (entries that do not are not counted);
 * `soc2.rate-limiting` wants `security.accessControl.rateLimiting.enabled` to be `true` and, while
 * it is, `requestsPerMinute` and `burstLimit` to be positive integers.
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
  'soc2.rate-limiting': checkRateLimiting,
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
