import { z } from 'zod';

const emailChannelSchema = z.strictObject({
  /** Sends the alert by email. */
  type: z.literal('email'),
  /** Where the email goes. */
  configuration: z.strictObject({
    /** The recipients: at least one email address. */
    to: z
      .array(
        z.email({
          error: 'Each recipient must be an email address, such as "oncall@example.com".',
        }),
      )
      .min(1, { error: 'to must list at least one email address.' }),
  }),
});

const slackChannelSchema = z.strictObject({
  /** Posts the alert to Slack. */
  type: z.literal('slack'),
  /** Which Slack incoming webhook to post to. */
  configuration: z.strictObject({
    /** The incoming-webhook URL Slack gives you; https only, since it carries its own secret. */
    webhookUrl: z.url({
      protocol: /^https$/,
      hostname: z.regexes.hostname,
      error: 'webhookUrl must be an https URL, such as the incoming-webhook URL Slack gives you.',
    }),
  }),
});

const webhookChannelSchema = z.strictObject({
  /** Posts the alert as JSON to a URL. */
  type: z.literal('webhook'),
  /** Where the alert is posted. */
  configuration: z.strictObject({
    /** The URL the alert is posted to; http or https. */
    url: z.url({
      protocol: /^https?$/,
      hostname: z.regexes.hostname,
      error: 'url must be an http or https URL, such as "https://alerts.example.com/agentry".',
    }),
  }),
});

const smsChannelSchema = z.strictObject({
  /** Sends the alert by text message. */
  type: z.literal('sms'),
  /** Which phones receive the text. */
  configuration: z.strictObject({
    /** The recipients: at least one phone number in E.164 form, such as `+14155550123`. */
    to: z
      .array(
        z.e164({
          error:
            'Each number must be in E.164 form: "+", the country code and the number, with no spaces, such as "+14155550123".',
        }),
      )
      .min(1, { error: 'to must list at least one phone number.' }),
  }),
});

/**
 * Where an alert is sent, and the settings that kind of channel needs:
 *
 * - `email`: `to`, at least one email address;
 * - `slack`: `webhookUrl`, an https URL;
 * - `webhook`: `url`, an http or https URL;
 * - `sms`: `to`, at least one phone number in E.164 form (`+14155550123`).
 *
 * `type` selects the shape of `configuration`, and unknown settings are errors, so a problem is
 * reported at its exact path (`configuration.to[1]`).
 *
 * @example
 * ```ts
 * notificationChannelSchema.parse({
 *   type: 'slack',
 *   configuration: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' },
 * });
 * notificationChannelSchema.parse({ type: 'sms', configuration: { to: ['+14155550123'] } });
 * ```
 */
export const notificationChannelSchema = z.discriminatedUnion(
  'type',
  [emailChannelSchema, slackChannelSchema, webhookChannelSchema, smsChannelSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'type must be one of "email", "slack", "webhook", "sms".'
        : undefined,
  },
);

/**
 * Where an alert is sent; see {@link notificationChannelSchema}.
 *
 * @example
 * ```ts
 * import type { NotificationChannel } from '@agentry/monitoring';
 *
 * const channels: NotificationChannel[] = [
 *   { type: 'slack', configuration: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/xyz' } },
 *   { type: 'sms', configuration: { to: ['+14155550123'] } },
 * ];
 * ```
 */
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;
