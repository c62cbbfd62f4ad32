import { AgentryError, type Clock } from '@agentry/core';
import { z } from 'zod';
import { alertConfigSchema } from '../config/alert-config.js';
import { performanceThresholdsSchema } from '../config/performance-thresholds.js';

const positiveMs = (field: string) =>
  z
    .number({ error: `${field} must be a finite number of milliseconds, greater than 0.` })
    .positive({ error: `${field} must be a finite number of milliseconds, greater than 0.` })
    .max(2_147_483_647, { error: `${field} must be at most 2147483647 ms (about 24.8 days).` });

/** @internal The options of `installAlerts` that are plain data, checked as configuration. */
export const alertsOptionsSchema = z.strictObject({
  windowMs: positiveMs('windowMs').default(60_000),
  intervalMs: positiveMs('intervalMs').default(15_000),
  cooldownMs: positiveMs('cooldownMs').default(300_000),
  minRequests: z
    .int({ error: 'minRequests must be a whole number, 0 or more.' })
    .nonnegative({ error: 'minRequests must be a whole number, 0 or more.' })
    .default(10),
  delivery: z
    .strictObject({
      timeoutMs: positiveMs('delivery.timeoutMs').default(10_000),
      maxAttempts: z
        .int({ error: 'delivery.maxAttempts must be a whole number from 1 to 10.' })
        .min(1, { error: 'delivery.maxAttempts must be a whole number from 1 to 10.' })
        .max(10, { error: 'delivery.maxAttempts must be a whole number from 1 to 10.' })
        .default(4),
      baseDelayMs: positiveMs('delivery.baseDelayMs').default(500),
      maxDelayMs: positiveMs('delivery.maxDelayMs').default(30_000),
      maxRetryAfterMs: positiveMs('delivery.maxRetryAfterMs').default(60_000),
    })
    .prefault({}),
});

/** @internal What `installAlerts` checks as configuration: the alerts, thresholds and data options. */
export const alertsInputSchema = z.object({
  alerts: z.array(alertConfigSchema),
  thresholds: performanceThresholdsSchema,
  options: alertsOptionsSchema,
});

/** @internal The options of `installAlerts` once checked, with every default filled in. */
export type ResolvedAlertsOptions = z.output<typeof alertsOptionsSchema> & {
  readonly clock: Clock;
  readonly random: () => number;
  readonly generateId: () => string;
};

/** @internal A path as people read it: `alerts[0].channels[1].configuration.url`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/**
 * The one `config_invalid` error of `installAlerts`: every problem on its own line and in
 * `details.issues`, each with its path.
 *
 * @internal
 */
export function invalidAlertsConfiguration(error: z.ZodError): AgentryError {
  const issues = error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    segments: issue.path.map((segment) =>
      typeof segment === 'number' ? segment : String(segment),
    ),
    code: 'validation_failed' as const,
    message: issue.message,
  }));
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
  return new AgentryError({
    code: 'config_invalid',
    message: `The alerts configuration has ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}:\n${lines.join('\n')}`,
    details: { issues },
    suggestions: [
      'Fix each value named above; every interval is a positive number of milliseconds.',
    ],
  });
}
