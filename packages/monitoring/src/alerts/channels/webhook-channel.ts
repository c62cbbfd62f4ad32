import type { ChannelConfiguration } from '../../config/notification-channel.js';
import type { AlertChannel } from './alert-channel.js';
import { deliverWithRetry, type DeliveryPolicy } from './deliver-with-retry.js';
import { postHttp } from './post-http.js';
import { signWebhookBody } from './webhook-signature.js';

/**
 * A webhook channel: the notice as JSON, POSTed with `X-Agentry-Delivery` (the same on every
 * attempt) and, when the channel has a `secret`, `X-Agentry-Signature` (signed afresh on each
 * attempt, so a retry after a long wait is still within the receiver's tolerance).
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
                'x-agentry-delivery': context.deliveryId,
                ...(configuration.secret !== undefined
                  ? {
                      'x-agentry-signature': signWebhookBody(
                        body,
                        configuration.secret,
                        Math.floor(Date.now() / 1000),
                      ),
                    }
                  : {}),
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
