import { z } from 'zod';
import { notificationChannelSchema } from './notification-channel.js';

/**
 * An alert: what it watches, the value that sets it off, how severe it is, and the channels it is
 * sent to.
 *
 * `threshold` is a finite number, 0 or more, in the unit of what the alert watches; an alert has at
 * least one channel, since one that reaches nobody is a mistake.
 *
 * @example
 * ```ts
 * alertConfigSchema.parse({
 *   type: 'error',
 *   threshold: 5,
 *   severity: 'high',
 *   channels: [{ type: 'email', configuration: { to: ['oncall@example.com'] } }],
 * });
 * ```
 */
export const alertConfigSchema = z.strictObject({
  /** What the alert watches: `performance`, `error` or `security` events. */
  type: z.literal(['performance', 'error', 'security']),
  /** The value at which the alert is raised; finite, 0 or more. */
  threshold: z
    .number({ error: 'threshold must be a finite number, 0 or more.' })
    .nonnegative({ error: 'threshold must be a finite number, 0 or more.' }),
  /** How urgent the alert is: `low`, `medium`, `high` or `critical`. */
  severity: z.literal(['low', 'medium', 'high', 'critical']),
  /** Where the alert is sent; at least one channel. */
  channels: z
    .array(notificationChannelSchema)
    .min(1, { error: 'channels must list at least one channel to send the alert to.' }),
});

/**
 * An alert; see {@link alertConfigSchema}.
 *
 * @example
 * ```ts
 * import type { AlertConfig } from '@agentry/monitoring';
 *
 * // Page the on-call engineer when five errors are seen.
 * const errors: AlertConfig = {
 *   type: 'error',
 *   threshold: 5,
 *   severity: 'high',
 *   channels: [{ type: 'email', configuration: { to: ['oncall@example.com'] } }],
 * };
 * ```
 */
export type AlertConfig = z.infer<typeof alertConfigSchema>;
