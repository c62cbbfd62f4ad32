import { z } from 'zod';
import { accessControlConfigSchema } from './access-control-config.js';
import { encryptionConfigSchema } from './encryption-config.js';

/**
 * The `security` section of the Agentry configuration: encryption, access control, audit logging
 * and masking of personal data. Unknown keys are errors, so a misspelt setting is reported instead
 * of silently ignored.
 *
 * @example
 * ```ts
 * securityConfigSchema.parse({
 *   encryption: { algorithm: 'AES-256-GCM', keyRotation: true, atRest: true, inTransit: true },
 *   accessControl: {
 *     rbac: true,
 *     permissions: [{ resource: 'agents', actions: ['create', 'read'] }],
 *     rateLimiting: { enabled: true, requestsPerMinute: 600, burstLimit: 50, penaltyStrategy: 'queue' },
 *   },
 *   auditLogging: true,
 *   dataMasking: true,
 * });
 * ```
 */
export const securityConfigSchema = z.strictObject({
  /** How data is encrypted. */
  encryption: encryptionConfigSchema,
  /** Who may do what, and how often. */
  accessControl: accessControlConfigSchema,
  /** Whether security-relevant actions are written to the audit log. */
  auditLogging: z.boolean(),
  /** Whether secrets and personal data are masked in logs, events and the audit log. */
  dataMasking: z.boolean(),
});

/**
 * The `security` section of the Agentry configuration; see {@link securityConfigSchema}.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { security, type SecurityConfig } from '@agentry/security';
 *
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [security()],
 * });
 * // The validated section, typed; undefined when the file has no "security" section.
 * const section: SecurityConfig | undefined = agentry.config.security;
 * console.log(section?.encryption.algorithm);
 * ```
 */
export type SecurityConfig = z.infer<typeof securityConfigSchema>;
