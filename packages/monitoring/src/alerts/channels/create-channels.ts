import type { AlertConfig } from '../../config/alert-config.js';
import { channelId } from '../alert-conditions.js';
import type { AlertChannel } from './alert-channel.js';
import type { DeliveryPolicy } from './deliver-with-retry.js';
import { createEmailChannel } from './email-channel.js';
import { createSlackChannel } from './slack-channel.js';
import { createSmsChannel } from './sms-channel.js';
import { createWebhookChannel } from './webhook-channel.js';

/** @internal One channel object per configured channel, by id (`alerts[0].channels[1]`). */
export function createChannels(
  alerts: readonly AlertConfig[],
  policy: DeliveryPolicy,
): Map<string, AlertChannel> {
  const channels = new Map<string, AlertChannel>();
  alerts.forEach((alert, alertIndex) => {
    alert.channels.forEach((channel, channelIndex) => {
      const id = channelId(alertIndex, channelIndex);
      switch (channel.type) {
        case 'email':
          channels.set(id, createEmailChannel(id, channel.configuration, policy));
          break;
        case 'slack':
          channels.set(id, createSlackChannel(id, channel.configuration, policy));
          break;
        case 'webhook':
          channels.set(id, createWebhookChannel(id, channel.configuration, policy));
          break;
        case 'sms':
          channels.set(id, createSmsChannel(id, channel.configuration, policy));
          break;
      }
    });
  });
  return channels;
}
