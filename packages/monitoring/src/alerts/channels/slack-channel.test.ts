import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackReceiver, type LoopbackReceiver } from '../__fixtures__/loopback-receiver.js';
import { testNotification, testPolicy } from '../__fixtures__/test-notification.js';
import { createSlackChannel } from './slack-channel.js';

let receiver: LoopbackReceiver;

beforeEach(async () => {
  receiver = await startLoopbackReceiver();
  // What Slack checks of an incoming-webhook payload: JSON, a text fallback, valid blocks.
  receiver.check((request) => {
    if (request.headers['content-type'] !== 'application/json') return 'invalid_payload';
    const payload = JSON.parse(request.body) as {
      text?: unknown;
      blocks?: { type: string; text?: { text: string } }[];
    };
    if (typeof payload.text !== 'string' || !Array.isArray(payload.blocks))
      return 'invalid_payload';
    const header = payload.blocks.find((block) => block.type === 'header');
    if (!header?.text || header.text.text.length > 150) return 'invalid_blocks';
    return undefined;
  });
});
afterEach(() => receiver.close());

const post = async (linkUrl?: string, patch = {}) => {
  const channel = createSlackChannel(
    'alerts[0].channels[1]',
    { webhookUrl: `${receiver.url}/services/T0/B0/x`, ...(linkUrl ? { linkUrl } : {}) },
    testPolicy(),
  );
  await channel.deliver(testNotification(patch), { deliveryId: randomUUID(), onRetry: () => {} });
  return JSON.parse(receiver.requests.at(-1)?.body ?? '{}') as Record<string, unknown>;
};

describe('createSlackChannel', () => {
  describe('deliver', () => {
    it('posts a text fallback and blocks: header, severity, value against threshold, window, link', async () => {
      const payload = await post('https://grafana.example.com/d/agentry');
      expect(receiver.requests[0]?.path).toBe('/services/T0/B0/x');
      expect(payload.text).toBe('[high] Error rate 12.5 % is above 5 %');
      expect(payload.blocks).toEqual([
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: ':large_orange_circle: Error rate 12.5 % is above 5 %',
            emoji: true,
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Severity*\nhigh' },
            { type: 'mrkdwn', text: '*Status*\nfired' },
            { type: 'mrkdwn', text: '*Value*\n12.5 % (threshold 5 %, above)' },
            { type: 'mrkdwn', text: '*Window*\n1 min' },
            { type: 'mrkdwn', text: '*Condition*\n`alerts[0]` (error)' },
            { type: 'mrkdwn', text: '*At*\n2026-12-07T10:00:00.000Z' },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open' },
              url: 'https://grafana.example.com/d/agentry',
            },
          ],
        },
      ]);
    });

    it('marks a resolved notice and leaves the link out when none is configured', async () => {
      const payload = await post(undefined, {
        status: 'resolved',
        title: 'Resolved: Error rate 1 % is back within 5 %',
      });
      const blocks = payload.blocks as { type: string; text?: { text: string } }[];
      expect(blocks[0]?.text?.text).toBe(
        ':white_check_mark: Resolved: Error rate 1 % is back within 5 %',
      );
      expect(blocks.map((block) => block.type)).toEqual(['header', 'section']);
    });

    it('cuts a header longer than Slack allows', async () => {
      await post(undefined, { title: 'x'.repeat(400) });
      expect(receiver.requests.at(-1)?.headers['content-type']).toBe('application/json');
      // The receiver refuses headers over 150 characters with a 400, so reaching here means it fit.
      expect(receiver.requests).toHaveLength(1);
    });

    it('rejects, without retrying, what Slack refuses', async () => {
      receiver.script({ status: 404, body: 'no_service' });
      await expect(post()).rejects.toMatchObject({
        code: 'invalid_request',
        details: { status: 404 },
      });
      expect(receiver.requests).toHaveLength(1);
    });
  });
});
