import { positiveIntegerSchema } from '@agentry/core';
import { z } from 'zod';

/**
 * The compliance settings of logging: which frameworks the configuration is held to, whether the
 * audit trail is kept, and how many days logged and audit data are kept.
 *
 * Switching `soc2` or `gdpr` on makes Agentry check the whole configuration against that
 * framework's baseline when it starts. `dataRetention` is a positive integer number of days; SOC 2
 * needs at least 365 and GDPR at most 1095, which those checks report.
 *
 * @example
 * ```ts
 * complianceConfigSchema.parse({ soc2: true, gdpr: true, auditTrail: true, dataRetention: 365 });
 * ```
 */
export const complianceConfigSchema = z.strictObject({
  /** Whether the configuration is held to the SOC 2 baseline. */
  soc2: z.boolean(),
  /** Whether the configuration is held to the GDPR baseline. */
  gdpr: z.boolean(),
  /** Whether an audit trail of processing and administrative actions is kept. */
  auditTrail: z.boolean(),
  /** How long logged and audit data are kept, in days; a positive integer. */
  dataRetention: positiveIntegerSchema('dataRetention must be a positive integer number of days.'),
});

/**
 * The compliance settings of logging; see {@link complianceConfigSchema}.
 *
 * @example
 * ```ts
 * import type { ComplianceConfig } from '@agentry/monitoring';
 *
 * // Both baselines, with an audit trail kept for 90 days.
 * const compliance: ComplianceConfig = {
 *   soc2: true,
 *   gdpr: true,
 *   auditTrail: true,
 *   dataRetention: 90,
 * };
 * ```
 */
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;
