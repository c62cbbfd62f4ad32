import { signWebhook, webhookDeliveryHeader, webhookSignatureHeader } from '@agentry/core';
import type { ChannelConfiguration } from '../../config/notification-channel.js';
import type { AlertChannel } from './alert-channel.js';
import { deliverWithRetry, type DeliveryPolicy } from './deliver-with-retry.js';
import { postHttp } from './post-http.js';

/**
 * A webhook channel: the notice as JSON, POSTed with `X-Agentry-Delivery` (the same on every
 * attempt) and `X-Agentry-Signature`, core's one webhook signature (`signWebhook`), made afresh on
 * each attempt so a retry after a long wait is still within the receiver's tolerance.
 *
 * @internal
 */
export function createWebhookChannel(
  id: string,
  configuration: ChannelConfiguration<'webhook'>,
  policy: DeliveryPolicy,
): AlertChannel {
  return {
    id,
    type: 'webhook',
    deliver(notification, context) {
      const body = JSON.stringify(notification);
      return deliverWithRetry(
        () =>
          postHttp(
            {
              url: configuration.url,
              receiver: `webhook receiver of ${id}`,
              body,
              headers: {
                'content-type': 'application/json',
                [webhookDeliveryHeader]: context.deliveryId,
                // Wall-clock time, whatever clock drives evaluation: the receiver compares with its own.
                [webhookSignatureHeader]: signWebhook({ secret: configuration.secret, body }),
              },
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
