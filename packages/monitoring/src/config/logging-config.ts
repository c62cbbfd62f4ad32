import { z } from 'zod';
import { complianceConfigSchema } from './compliance-config.js';

/**
 * How Agentry logs: the lowest level written, the output format, whether entries are structured
 * (fields, not only a sentence), and the compliance settings.
 *
 * @example
 * ```ts
 * loggingConfigSchema.parse({
 *   level: 'info',
 *   format: 'json',
 *   structured: true,
 *   compliance: { soc2: true, gdpr: false, auditTrail: true, dataRetention: 365 },
 * });
 * ```
 */
export const loggingConfigSchema = z.strictObject({
  /** The lowest level written: `debug`, `info`, `warn` or `error`. */
  level: z.literal(['debug', 'info', 'warn', 'error']),
  /** How entries are written: `json` (one object per line) or `text` (for a terminal). */
  format: z.literal(['json', 'text']),
  /** Whether entries carry their data as fields, so that they can be searched and aggregated. */
  structured: z.boolean(),
  /** Which compliance frameworks apply, the audit trail and data retention. */
  compliance: complianceConfigSchema,
});

/**
 * How Agentry logs; see {@link loggingConfigSchema}.
 *
 * @example
 * ```ts
 * import type { LoggingConfig } from '@agentry/monitoring';
 *
 * const logging: LoggingConfig = {
 *   level: 'info',
 *   format: 'json',
 *   structured: true,
 *   compliance: { soc2: true, gdpr: false, auditTrail: true, dataRetention: 365 },
 * };
 * ```
 */
export type LoggingConfig = z.infer<typeof loggingConfigSchema>;
