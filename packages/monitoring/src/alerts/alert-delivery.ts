import { AgentryError } from '@agentry/core';
import type { NotificationChannel } from '../config/notification-channel.js';
import type { AlertNotification } from './alert-notification.js';
import type { AlertChannel } from './channels/alert-channel.js';
import type { AlertAuditEntry } from './core-interfaces.js';

/**
 * The delivery counters of one channel, as `AlertsHandle.deliveries()` reports them.
 *
 * @example
 * ```ts
 * import type { ChannelDeliveryStats } from '@agentry/monitoring';
 *
 * const failing = (stats: readonly ChannelDeliveryStats[]) => stats.filter((channel) => channel.failed > 0);
 * console.log(failing([{ channel: 'alerts[0].channels[0]', type: 'webhook', delivered: 3, failed: 1, retries: 2 }]));
 * ```
 */
export interface ChannelDeliveryStats {
  /** The channel: `alerts[0].channels[1]`. */
  readonly channel: string;
  /** Its type. */
  readonly type: NotificationChannel['type'];
  /** Notices it delivered. */
  readonly delivered: number;
  /** Notices it failed to deliver after every attempt. */
  readonly failed: number;
  /** Attempts that failed and were tried again. */
  readonly retries: number;
  /** The last failure's error code and message (never a URL or a credential). */
  readonly lastError?: {
    /** The error code, such as `network` or `rate_limited`. */
    readonly code: string;
    /** What went wrong. */
    readonly message: string;
  };
}

/**
 * A notice that a channel could not deliver, as `AlertEvaluation.failures` lists it.
 *
 * @example
 * ```ts
 * import type { DeliveryFailure } from '@agentry/monitoring';
 *
 * const line = (failure: DeliveryFailure) => `${failure.channel} (${failure.type}): ${failure.code}`;
 * console.log(line({ channel: 'alerts[0].channels[0]', type: 'sms', notification: 'n-1', code: 'network', message: 'The connection failed.' }));
 * ```
 */
export interface DeliveryFailure {
  /** The channel. */
  readonly channel: string;
  /** Its type. */
  readonly type: NotificationChannel['type'];
  /** The notice's id. */
  readonly notification: string;
  /** The error code of the last attempt. */
  readonly code: string;
  /** What went wrong. */
  readonly message: string;
}

interface Counters {
  delivered: number;
  failed: number;
  retries: number;
  lastError: { code: string; message: string } | undefined;
}

/**
 * Delivers notices to their channels, all at once, and keeps the counters: a failing channel
 * delays nobody else, and its failure is logged, counted and audited.
 *
 * @internal
 */
export function createAlertDelivery(options: {
  channels: ReadonlyMap<string, AlertChannel>;
  generateId: () => string;
  report: (
    level: 'info' | 'warn' | 'error',
    fields: Record<string, unknown>,
    message: string,
  ) => void;
  audit: (entry: Omit<AlertAuditEntry, 'at'>) => void;
}) {
  const { channels, generateId, report, audit } = options;
  const counters = new Map<string, Counters>(
    [...channels.keys()].map((id) => [
      id,
      { delivered: 0, failed: 0, retries: 0, lastError: undefined },
    ]),
  );

  const deliverOne = async (
    channel: AlertChannel,
    notification: AlertNotification,
  ): Promise<DeliveryFailure | undefined> => {
    const counter = counters.get(channel.id) as Counters;
    try {
      await channel.deliver(notification, {
        deliveryId: generateId(),
        onRetry: () => {
          counter.retries += 1;
        },
      });
      counter.delivered += 1;
      return undefined;
    } catch (caught) {
      const error = AgentryError.isInstance(caught)
        ? caught
        : new AgentryError({
            code: 'internal',
            message: `The ${channel.type} channel failed: ${caught instanceof Error ? caught.name : typeof caught}.`,
            cause: caught,
          });
      counter.failed += 1;
      counter.lastError = { code: error.code, message: error.message };
      const failure: DeliveryFailure = {
        channel: channel.id,
        type: channel.type,
        notification: notification.id,
        code: error.code,
        message: error.message,
      };
      report(
        'error',
        { ...failure, condition: notification.condition, attempts: error.details['attempts'] },
        'alert delivery failed',
      );
      audit({
        category: 'alert',
        action: 'alert.delivery-failed',
        subject: channel.id,
        details: { ...failure, condition: notification.condition, status: notification.status },
      });
      return failure;
    }
  };

  return {
    /** Delivers one notice to every channel named; resolves, never rejects, once all settled. */
    async deliver(
      notification: AlertNotification,
      channelIds: readonly string[],
    ): Promise<DeliveryFailure[]> {
      const results = await Promise.all(
        channelIds.flatMap((id) => {
          const channel = channels.get(id);
          return channel ? [deliverOne(channel, notification)] : [];
        }),
      );
      return results.filter((failure): failure is DeliveryFailure => failure !== undefined);
    },
    stats(): ChannelDeliveryStats[] {
      return [...channels.values()].map((channel) => {
        const counter = counters.get(channel.id) as Counters;
        return {
          channel: channel.id,
          type: channel.type,
          delivered: counter.delivered,
          failed: counter.failed,
          retries: counter.retries,
          ...(counter.lastError ? { lastError: { ...counter.lastError } } : {}),
        };
      });
    },
  };
}
