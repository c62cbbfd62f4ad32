import { z } from 'zod';

const loopbackHosts: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

const httpUrl = (field: string, example: string) =>
  z.url({
    protocol: /^https?$/,
    hostname: z.regexes.hostname,
    error: `${field} must be an http or https URL, such as "${example}".`,
  });

const emailAddress = (message: string) => z.email({ error: message });

const e164 = z.e164({
  error:
    'Each number must be in E.164 form: "+", the country code and the number, with no spaces, such as "+14155550123".',
});

const emailChannelSchema = z.strictObject({
  /** Sends the alert by email. */
  type: z.literal('email'),
  /** The recipients, the sender and the SMTP server that relays the email. */
  configuration: z.strictObject({
    /** The recipients: at least one email address. */
    to: z
      .array(emailAddress('Each recipient must be an email address, such as "oncall@example.com".'))
      .min(1, { error: 'to must list at least one email address.' }),
    /** The sender's address, such as `agentry@example.com`. */
    from: emailAddress('from must be the email address alerts are sent from.'),
    /** The SMTP server's host name or IP address. */
    host: z
      .string({ error: 'host must name the SMTP server, such as "smtp.example.com".' })
      .regex(z.regexes.hostname, {
        error: 'host must name the SMTP server, such as "smtp.example.com".',
      }),
    /** The SMTP port; default 465 when `secure`, else 587. */
    port: z
      .int({ error: 'port must be a whole number from 1 to 65535.' })
      .min(1, { error: 'port must be a whole number from 1 to 65535.' })
      .max(65_535, { error: 'port must be a whole number from 1 to 65535.' })
      .optional(),
    /**
     * `true` for TLS from the first byte (port 465); `false` (the default) upgrades the connection
     * with STARTTLS whenever the server offers it.
     */
    secure: z.boolean().optional(),
    /**
     * Refuses to send unless the connection is encrypted (STARTTLS must be offered). Implied when
     * `auth` is set and `secure` is not, so a password never crosses the network in clear.
     */
    requireTLS: z.boolean().optional(),
    /** The SMTP login; `password` is a secret: write it as a `${env:…}` or `${secret:…}` reference. */
    auth: z
      .strictObject({
        /** The SMTP user name. */
        user: z.string().min(1, { error: 'auth.user must not be empty.' }),
        /** The SMTP password. */
        password: z.string().min(1, { error: 'auth.password must not be empty.' }),
      })
      .optional(),
    /** PEM certificates to trust for this server, for a server signed by a private authority. */
    ca: z.string().min(1, { error: 'ca must hold PEM certificates.' }).optional(),
  }),
});

const slackChannelSchema = z.strictObject({
  /** Posts the alert to Slack. */
  type: z.literal('slack'),
  /** Which Slack incoming webhook to post to. */
  configuration: z.strictObject({
    /**
     * The incoming-webhook URL Slack gives you: https, since it carries its own secret (plain http
     * only to a loopback host, for a local relay or a test).
     */
    webhookUrl: z
      .url({
        protocol: /^https?$/,
        hostname: z.regexes.hostname,
        error: 'webhookUrl must be an https URL, such as the incoming-webhook URL Slack gives you.',
      })
      .refine(
        // A string that is not a URL at all is already reported by the check above.
        (url) =>
          !URL.canParse(url) ||
          url.startsWith('https:') ||
          loopbackHosts.has(new URL(url).hostname),
        {
          error:
            'webhookUrl must be an https URL, such as the incoming-webhook URL Slack gives you.',
        },
      ),
    /** A page the message links to, such as a dashboard or a runbook; http or https. */
    linkUrl: httpUrl('linkUrl', 'https://grafana.example.com/d/agentry').optional(),
  }),
});

const webhookChannelSchema = z.strictObject({
  /** Posts the alert as JSON to a URL. */
  type: z.literal('webhook'),
  /** Where the alert is posted, and the secret that signs it. */
  configuration: z.strictObject({
    /** The URL the alert is posted to; http or https. */
    url: httpUrl('url', 'https://alerts.example.com/agentry'),
    /**
     * The shared secret that signs each delivery (`X-Agentry-Signature: t=…,v1=…`, HMAC-SHA256
     * of `<t>.<body>`, made by core's `signWebhook`; receivers check it with `verifyWebhook`),
     * at least 16 characters. Required: an unsigned alert cannot be told from a forgery. Write it
     * as a `${env:…}` or `${secret:…}` reference, never as the secret itself.
     */
    secret: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'secret is required: every alert webhook is signed, so its receiver can refuse forgeries. Set it to a reference such as "${env:ALERT_WEBHOOK_SECRET}" holding 16 or more random characters.'
            : 'secret must be a string of at least 16 characters.',
      })
      .min(16, { error: 'secret must be at least 16 characters long.' }),
  }),
});

const smsChannelSchema = z.strictObject({
  /** Sends the alert by text message through an HTTP gateway shaped like Twilio's Messages API. */
  type: z.literal('sms'),
  /** Which phones receive the text, the sender, and the gateway account. */
  configuration: z.strictObject({
    /** The recipients: at least one phone number in E.164 form, such as `+14155550123`. */
    to: z.array(e164).min(1, { error: 'to must list at least one phone number.' }),
    /** The sending number, in E.164 form. */
    from: e164,
    /** The gateway account (Twilio's Account SID); letters, digits, `-` and `_`. */
    accountSid: z
      .string({ error: 'accountSid must name the gateway account, such as "AC0123…".' })
      .regex(/^[A-Za-z0-9_-]+$/, {
        error: 'accountSid must name the gateway account: letters, digits, "-" and "_" only.',
      }),
    /** The account's token, sent as the basic-auth password; a secret, so write it as a reference. */
    authToken: z.string().min(1, { error: 'authToken must not be empty.' }),
    /** The gateway's base URL; default `https://api.twilio.com`. */
    baseUrl: httpUrl('baseUrl', 'https://api.twilio.com').optional(),
  }),
});

/**
 * Where an alert is sent, and the settings that kind of channel needs:
 *
 * - `email`: `to` (at least one address), `from`, the SMTP `host` (with optional `port`,
 *   `secure`, `requireTLS`, `auth` and `ca`); STARTTLS is used whenever the server offers it;
 * - `slack`: `webhookUrl`, an https URL (http only to a loopback host), and an optional `linkUrl`;
 * - `webhook`: `url`, an http or https URL, and the signing `secret` (16+ characters);
 * - `sms`: `to` and `from` in E.164 form (`+14155550123`), the gateway's `accountSid` and
 *   `authToken`, and an optional `baseUrl` (default `https://api.twilio.com`).
 *
 * `type` selects the shape of `configuration`, and unknown settings are errors, so a problem is
 * reported at its exact path (`configuration.to[1]`). Secrets (`secret`, `authToken`,
 * `auth.password`) belong in `${env:…}` or `${secret:…}` references, which core resolves before
 * this schema sees them.
 *
 * @example
 * ```ts
 * import { notificationChannelSchema } from '@agentry/monitoring';
 *
 * notificationChannelSchema.parse({
 *   type: 'slack',
 *   configuration: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' },
 * });
 * notificationChannelSchema.parse({
 *   type: 'email',
 *   configuration: { to: ['oncall@example.com'], from: 'agentry@example.com', host: 'smtp.example.com' },
 * });
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
 *   {
 *     type: 'webhook',
 *     configuration: { url: 'https://alerts.example.com/agentry', secret: '${env:ALERT_WEBHOOK_SECRET}' },
 *   },
 * ];
 * ```
 */
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;

/**
 * The settings of one kind of channel, such as `ChannelConfiguration<'sms'>`.
 *
 * @example
 * ```ts
 * import type { ChannelConfiguration } from '@agentry/monitoring';
 *
 * const sms: ChannelConfiguration<'sms'> = {
 *   to: ['+14155550123'],
 *   from: '+14155550100',
 *   accountSid: 'AC0123456789abcdef0123456789abcdef',
 *   authToken: process.env.TWILIO_AUTH_TOKEN ?? '',
 * };
 * ```
 */
export type ChannelConfiguration<TType extends NotificationChannel['type']> = Extract<
  NotificationChannel,
  {
    /** The channel's type. */
    type: TType;
  }
>['configuration'];
