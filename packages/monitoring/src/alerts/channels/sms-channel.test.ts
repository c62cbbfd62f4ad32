import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackReceiver, type LoopbackReceiver } from '../__fixtures__/loopback-receiver.js';
import { testNotification, testPolicy } from '../__fixtures__/test-notification.js';
import { createSmsChannel } from './sms-channel.js';

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = randomUUID().replaceAll('-', '');
let receiver: LoopbackReceiver;

beforeEach(async () => {
  receiver = await startLoopbackReceiver();
  receiver.fallback = {
    status: 201,
    headers: { 'content-type': 'application/json' },
    body: '{"sid":"SM1"}',
  };
  // What Twilio's Messages API checks: the account path, basic auth, form fields in E.164.
  receiver.check((request) => {
    if (request.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) return 'not found';
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected) return 'unauthorized';
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded')
      return 'not a form';
    const form = new URLSearchParams(request.body);
    if (!/^\+\d{8,15}$/.test(form.get('To') ?? '') || !/^\+\d{8,15}$/.test(form.get('From') ?? ''))
      return 'bad number';
    return form.get('Body') ? undefined : 'no body';
  });
});
afterEach(() => receiver.close());

const channel = (token = authToken) =>
  createSmsChannel(
    'alerts[1].channels[0]',
    {
      to: ['+14155550123', '+447911123456'],
      from: '+14155550100',
      accountSid,
      authToken: token,
      baseUrl: `${receiver.url}/`,
    },
    testPolicy(),
  );

describe('createSmsChannel', () => {
  describe('deliver', () => {
    it('sends one message per recipient through the Messages API', async () => {
      await channel().deliver(testNotification(), { deliveryId: randomUUID(), onRetry: () => {} });
      expect(receiver.requests.map((request) => request.method)).toEqual(['POST', 'POST']);
      const forms = receiver.requests.map((request) =>
        Object.fromEntries(new URLSearchParams(request.body)),
      );
      expect(forms.map((form) => form.To).sort()).toEqual(['+14155550123', '+447911123456']);
      expect(forms[0]).toMatchObject({
        From: '+14155550100',
        Body: '[HIGH] Error rate 12.5 % is above 5 % (alerts[0], window 1 min, threshold 5 %)',
      });
    });

    it('retries the recipient whose message failed, and only that one', async () => {
      receiver.script({ status: 500 });
      let retries = 0;
      await channel().deliver(testNotification(), {
        deliveryId: randomUUID(),
        onRetry: () => (retries += 1),
      });
      expect(receiver.requests).toHaveLength(3);
      expect(retries).toBe(1);
    });

    it('fails with auth_failed when the gateway refuses the token, and never shows the token', async () => {
      receiver.check(() => undefined);
      receiver.fallback = { status: 401 };
      const wrongToken = randomUUID();
      const error = await channel(wrongToken)
        .deliver(testNotification(), { deliveryId: randomUUID(), onRetry: () => {} })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        code: 'auth_failed',
        message: expect.stringMatching(/^2 of 2 text messages failed/),
        details: { status: 401, failedRecipients: 2, recipients: 2, attempts: 1 },
      });
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(wrongToken);
      expect(receiver.requests).toHaveLength(2);
    });
  });
});
