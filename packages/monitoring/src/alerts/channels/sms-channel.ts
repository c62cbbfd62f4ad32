import { AgentryError, toAgentryError } from '@agentry/core';
import type { ChannelConfiguration } from '../../config/notification-channel.js';
import type { AlertNotification } from '../alert-notification.js';
import { formatValue, formatWindow } from '../alert-notification.js';
import type { AlertChannel } from './alert-channel.js';
import { deliverWithRetry, type DeliveryPolicy } from './deliver-with-retry.js';
import { postHttp } from './post-http.js';

/** The default gateway: Twilio's API. */
export const defaultSmsBaseUrl = 'https://api.twilio.com';

/** @internal The text of an SMS: short, one segment when it can be. */
export function smsText(notification: AlertNotification): string {
  return `[${notification.severity.toUpperCase()}] ${notification.title} (${notification.condition}, window ${formatWindow(notification.windowMs)}, threshold ${formatValue(notification.threshold, notification.unit)})`;
}

/**
 * An SMS channel on a gateway shaped like Twilio's Messages API: for each recipient, a
 * form-encoded POST of `To`, `From` and `Body` to
 * `{baseUrl}/2010-04-01/Accounts/{accountSid}/Messages.json` with basic auth
 * `accountSid:authToken`. Recipients are sent to concurrently; the delivery fails when any of
 * them fails (each is retried on its own).
 *
 * @internal
 */
export function createSmsChannel(
  id: string,
  configuration: ChannelConfiguration<'sms'>,
  policy: DeliveryPolicy,
): AlertChannel {
  const base = (configuration.baseUrl ?? defaultSmsBaseUrl).replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(configuration.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${configuration.accountSid}:${configuration.authToken}`).toString('base64')}`;
  return {
    id,
    type: 'sms',
    async deliver(notification, context) {
      const text = smsText(notification);
      const results = await Promise.allSettled(
        configuration.to.map((to) =>
          deliverWithRetry(
            () =>
              postHttp(
                {
                  url,
                  receiver: `SMS gateway of ${id}`,
                  body: new URLSearchParams({
                    To: to,
                    From: configuration.from,
                    Body: text,
                  }).toString(),
                  headers: {
                    'content-type': 'application/x-www-form-urlencoded',
                    authorization,
                  },
                },
                policy,
              ),
            policy,
            context.onRetry,
          ),
        ),
      );
      const failures = results.filter((result) => result.status === 'rejected');
      if (failures.length === 0) return;
      // Every attempt rejects with an AgentryError (postHttp and retry make sure of it).
      const first = toAgentryError(failures[0]?.reason);
      if (results.length === 1) throw first;
      throw new AgentryError({
        code: first.code,
        message: `${failures.length} of ${results.length} text messages failed; the first: ${first.message}`,
        recoverable: first.recoverable,
        details: {
          ...first.details,
          failedRecipients: failures.length,
          recipients: results.length,
        },
        suggestions: first.suggestions,
        cause: first,
      });
    },
    close: () => Promise.resolve(),
  };
}
