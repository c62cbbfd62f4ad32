import type { NotificationChannel } from '../../config/notification-channel.js';
import type { AlertNotification } from '../alert-notification.js';

/** @internal What a channel is given for one delivery. */
export interface DeliveryContext {
  /** Unique to this notice on this channel, the same on every attempt: receivers de-duplicate by it. */
  readonly deliveryId: string;
  /** Called before each retry, for the counters. */
  readonly onRetry: () => void;
}

/** @internal A configured channel that delivers notices. */
export interface AlertChannel {
  /** `alerts[0].channels[1]`. */
  readonly id: string;
  readonly type: NotificationChannel['type'];
  /** Delivers one notice, retrying as the delivery options allow; rejects with the last error. */
  deliver(notification: AlertNotification, context: DeliveryContext): Promise<void>;
  /** Releases what the channel holds open (an SMTP connection pool). */
  close(): Promise<void>;
}
