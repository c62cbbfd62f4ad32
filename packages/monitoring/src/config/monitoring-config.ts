import { z } from 'zod';
import { alertConfigSchema } from './alert-config.js';
import { loggingConfigSchema } from './logging-config.js';
import { metricsConfigSchema } from './metrics-config.js';
import { performanceThresholdsSchema } from './performance-thresholds.js';

/**
 * The `monitoring` section of the Agentry configuration: metrics, logging (with its compliance
 * settings), alerts and performance thresholds. Unknown keys are errors, so a misspelt setting is
 * reported instead of silently ignored.
 *
 * @example
 * ```ts
 * monitoringConfigSchema.parse({
 *   metrics: { enabled: true, collectionInterval: 10_000, retentionPeriod: 168, exportFormats: ['prometheus'] },
 *   logging: {
 *     level: 'info',
 *     format: 'json',
 *     structured: true,
 *     compliance: { soc2: true, gdpr: false, auditTrail: true, dataRetention: 365 },
 *   },
 *   alerts: [
 *     {
 *       type: 'error',
 *       threshold: 5,
 *       severity: 'high',
 *       channels: [{ type: 'email', configuration: { to: ['oncall@example.com'], from: 'agentry@example.com', host: 'smtp.example.com' } }],
 *     },
 *   ],
 *   performanceThresholds: { maxResponseTime: 2_000, maxErrorRate: 5, minThroughput: 1, maxMemoryUsage: 80 },
 * });
 * ```
 */
export const monitoringConfigSchema = z.strictObject({
  /** How metrics are collected and exported. */
  metrics: metricsConfigSchema,
  /** How Agentry logs, and the compliance settings. */
  logging: loggingConfigSchema,
  /** The alerts raised, and where they are sent; may be empty. */
  alerts: z.array(alertConfigSchema),
  /** The limits beyond which performance counts as degraded. */
  performanceThresholds: performanceThresholdsSchema,
});

/**
 * The `monitoring` section of the Agentry configuration; see {@link monitoringConfigSchema}.
 *
 * @example
 * ```ts
 * import { createAgentry, loadConfiguration } from '@agentry/core';
 * import { monitoring, type MonitoringConfig } from '@agentry/monitoring';
 *
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'),
 *   plugins: [monitoring()],
 * });
 * // The validated section, typed; undefined when the file has no "monitoring" section.
 * const section: MonitoringConfig | undefined = agentry.config.monitoring;
 * console.log(section?.metrics.exportFormats);
 * ```
 */
export type MonitoringConfig = z.infer<typeof monitoringConfigSchema>;
