import type { ChannelConfiguration } from '../../config/notification-channel.js';
import type { AlertNotification } from '../alert-notification.js';
import { formatValue, formatWindow } from '../alert-notification.js';
import type { AlertChannel } from './alert-channel.js';
import { deliverWithRetry, type DeliveryPolicy } from './deliver-with-retry.js';
import { postHttp } from './post-http.js';

const severityMarks: Record<AlertNotification['severity'], string> = {
  low: ':large_blue_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

/** Slack's limit on a header block's text. */
const headerLimit = 150;

/**
 * The incoming-webhook payload of a notice: `text` (the notification fallback) and `blocks`: a
 * header, the severity, the value against the threshold, the window, and a link when the channel
 * has a `linkUrl`.
 *
 * @internal
 */
export function slackPayload(
  notification: AlertNotification,
  linkUrl: string | undefined,
): { text: string; blocks: unknown[] } {
  const mark =
    notification.status === 'resolved'
      ? ':white_check_mark:'
      : severityMarks[notification.severity];
  const header = `${mark} ${notification.title}`;
  const field = (label: string, value: string) => ({
    type: 'mrkdwn',
    text: `*${label}*\n${value}`,
  });
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: header.length > headerLimit ? `${header.slice(0, headerLimit - 1)}…` : header,
        emoji: true,
      },
    },
    {
      type: 'section',
      fields: [
        field('Severity', notification.severity),
        field('Status', notification.status),
        field(
          'Value',
          `${formatValue(notification.value, notification.unit)} (threshold ${formatValue(notification.threshold, notification.unit)}, ${notification.direction})`,
        ),
        field('Window', formatWindow(notification.windowMs)),
        field('Condition', `\`${notification.condition}\` (${notification.alertType})`),
        field('At', notification.at),
      ],
    },
  ];
  if (linkUrl !== undefined)
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: linkUrl }],
    });
  return { text: `[${notification.severity}] ${notification.title}`, blocks };
}

/** @internal A Slack channel: one incoming-webhook POST per notice. */
export function createSlackChannel(
  id: string,
  configuration: ChannelConfiguration<'slack'>,
  policy: DeliveryPolicy,
): AlertChannel {
  return {
    id,
    type: 'slack',
    deliver(notification, context) {
      const body = JSON.stringify(slackPayload(notification, configuration.linkUrl));
      return deliverWithRetry(
        () =>
          postHttp(
            {
              url: configuration.webhookUrl,
              receiver: `Slack webhook of ${id}`,
              body,
              headers: { 'content-type': 'application/json' },
            },
            policy,
          ),
        policy,
        context.onRetry,
      );
    },
    close: () => Promise.resolve(),
  };
}
