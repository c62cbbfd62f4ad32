import { positiveIntegerSchema, uniqueItemsSchema } from '@agentry/core';
import { z } from 'zod';

// A list literal rather than z.enum: the same check and message, and its type has no per-value
// properties that TypeDoc would require documentation for. `opentelemetry` is the earlier name of
// `otlp`, still accepted and read as `otlp` (so listing both is a repetition).
const exportFormatSchema = z
  .literal(['prometheus', 'otlp', 'opentelemetry', 'json'])
  .transform((format) => (format === 'opentelemetry' ? 'otlp' : format));

/**
 * Whether and how metrics (latency, tokens, cost, errors, throughput, uptime) are collected: how
 * often, how long they are kept, and the formats they are exported in.
 *
 * `collectionInterval` (milliseconds) and `retentionPeriod` (hours) are positive integers;
 * `exportFormats` holds each of `prometheus`, `otlp` (OpenTelemetry; `opentelemetry` is accepted
 * as an alias and read as `otlp`) and `json` at most once, and may be empty when metrics are only
 * read in process.
 *
 * @example
 * ```ts
 * metricsConfigSchema.parse({
 *   enabled: true,
 *   collectionInterval: 10_000,
 *   retentionPeriod: 24 * 7,
 *   exportFormats: ['prometheus', 'otlp'],
 * });
 * ```
 */
export const metricsConfigSchema = z.strictObject({
  /** Whether metrics are collected. */
  enabled: z.boolean(),
  /** How often metrics are sampled, in milliseconds; a positive integer. */
  collectionInterval: positiveIntegerSchema(
    'collectionInterval must be a positive integer number of milliseconds.',
  ),
  /** How long collected metrics are kept, in hours; a positive integer. */
  retentionPeriod: positiveIntegerSchema(
    'retentionPeriod must be a positive integer number of hours.',
  ),
  /**
   * The formats metrics are exported in: `prometheus`, `otlp` (alias `opentelemetry`, read as
   * `otlp`), `json`, each at most once.
   */
  exportFormats: uniqueItemsSchema(exportFormatSchema, 'exportFormats'),
});

/**
 * Whether and how metrics are collected; see {@link metricsConfigSchema}.
 *
 * @example
 * ```ts
 * import type { MetricsConfig } from '@agentry/monitoring';
 *
 * // Sample every 10 s, keep a week, export for Prometheus.
 * const metrics: MetricsConfig = {
 *   enabled: true,
 *   collectionInterval: 10_000,
 *   retentionPeriod: 24 * 7,
 *   exportFormats: ['prometheus'],
 * };
 * ```
 */
export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
