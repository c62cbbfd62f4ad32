import { z } from 'zod';
import { notificationChannelSchema } from './notification-channel.js';

/**
 * An alert: what it watches, the value that sets it off, how severe it is, and the channels it is
 * sent to.
 *
 * `threshold` is a finite number, 0 or more, in the unit of what the alert watches: the error rate
 * in percent for `error`, the 95th-percentile response time in milliseconds for `performance`, the
 * number of security events in the window for `security` (see `installAlerts`). An alert has at
 * least one channel, since one that reaches nobody is a mistake.
 *
 * @example
 * ```ts
 * import { alertConfigSchema } from '@agentry/monitoring';
 *
 * alertConfigSchema.parse({
 *   type: 'error',
 *   threshold: 5,
 *   severity: 'high',
 *   channels: [
 *     {
 *       type: 'email',
 *       configuration: { to: ['oncall@example.com'], from: 'agentry@example.com', host: 'smtp.example.com' },
 *     },
 *   ],
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
 * // Mail the on-call engineer when more than 5 % of requests fail over the window.
 * const errors: AlertConfig = {
 *   type: 'error',
 *   threshold: 5,
 *   severity: 'high',
 *   channels: [
 *     {
 *       type: 'email',
 *       configuration: { to: ['oncall@example.com'], from: 'agentry@example.com', host: 'smtp.example.com' },
 *     },
 *   ],
 * };
 * ```
 */
export type AlertConfig = z.infer<typeof alertConfigSchema>;
