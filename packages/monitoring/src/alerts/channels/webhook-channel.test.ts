import { randomUUID } from 'node:crypto';
import { AgentryError, verifyWebhook } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLoopbackReceiver, type LoopbackReceiver } from '../__fixtures__/loopback-receiver.js';
import { testNotification, testPolicy } from '../__fixtures__/test-notification.js';
import { createWebhookChannel } from './webhook-channel.js';

const secret = ['whsec', randomUUID()].join('-');
let receiver: LoopbackReceiver;

beforeEach(async () => {
  receiver = await startLoopbackReceiver();
  // The receiver refuses what a real one would: a bad signature or a body that is not a notice.
  receiver.check((request) => {
    try {
      verifyWebhook({
        body: request.body,
        header: request.headers['x-agentry-signature'] as string | undefined,
        secret,
      });
    } catch (error) {
      return AgentryError.isInstance(error) ? String(error.details.reason) : 'unverified';
    }
    const notice = JSON.parse(request.body) as Record<string, unknown>;
    return typeof notice.id === 'string' && notice.status === 'fired' ? undefined : 'not a notice';
  });
});
afterEach(() => receiver.close());

const deliver = (
  configuration: { url: string; secret: string },
  policy = testPolicy(),
  notification = testNotification(),
) => {
  let retries = 0;
  const channel = createWebhookChannel('alerts[0].channels[0]', configuration, policy);
  const deliveryId = randomUUID();
  const done = channel.deliver(notification, { deliveryId, onRetry: () => (retries += 1) });
  return { done, deliveryId, retries: () => retries, notification };
};

describe('createWebhookChannel', () => {
  describe('deliver', () => {
    it('posts the notice as signed JSON with its delivery id', async () => {
      const { done, deliveryId, notification } = deliver({ url: `${receiver.url}/hook`, secret });
      await done;
      expect(receiver.requests).toHaveLength(1);
      const [request] = receiver.requests;
      expect(request).toMatchObject({ method: 'POST', path: '/hook' });
      expect(request?.headers).toMatchObject({
        'content-type': 'application/json',
        'x-agentry-delivery': deliveryId,
        'user-agent': expect.stringMatching(/^agentry-monitoring\//),
      });
      expect(JSON.parse(request?.body ?? '')).toEqual(notification);
    });

    it('fails when the receiver refuses the signature, without retrying a 400', async () => {
      const { done, retries } = deliver({
        url: receiver.url,
        secret: ['wrong', randomUUID()].join('-'),
      });
      const error = await done.catch((caught: unknown) => caught);
      expect(AgentryError.isInstance(error) && error.code).toBe('invalid_request');
      expect(String((error as Error).message)).not.toContain(receiver.url);
      expect(receiver.requests).toHaveLength(1);
      expect(retries()).toBe(0);
    });

    it('retries a 5xx with backoff, with the same delivery id and a fresh signature, until it recovers', async () => {
      receiver.script({ status: 503 }, { status: 500 });
      const { done, deliveryId, retries } = deliver({ url: receiver.url, secret });
      await done;
      expect(receiver.requests).toHaveLength(3);
      expect(
        new Set(receiver.requests.map((request) => request.headers['x-agentry-delivery'])),
      ).toEqual(new Set([deliveryId]));
      expect(retries()).toBe(2);
    });

    it('honours Retry-After on a 429', async () => {
      receiver.script({ status: 429, headers: { 'retry-after': '1' } });
      const started = Date.now();
      const { done } = deliver({ url: receiver.url, secret });
      await done;
      expect(receiver.requests).toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    });

    it('fails at once when Retry-After is longer than it may wait', async () => {
      receiver.script({ status: 429, headers: { 'retry-after': '3600' } });
      const { done } = deliver({ url: receiver.url, secret });
      await expect(done).rejects.toMatchObject({
        code: 'rate_limited',
        details: { retryAfterMs: 3_600_000 },
      });
      expect(receiver.requests).toHaveLength(1);
    });

    it('gives up after the last attempt and reports the last error', async () => {
      receiver.fallback = { status: 502 };
      const { done } = deliver({ url: receiver.url, secret });
      await expect(done).rejects.toMatchObject({
        code: 'provider_unavailable',
        details: { attempts: 3, status: 502 },
      });
      expect(receiver.requests).toHaveLength(3);
    });

    it('times out an attempt that gets no answer, and retries it', async () => {
      receiver.script({ hang: true });
      const { done, retries } = deliver(
        { url: receiver.url, secret },
        testPolicy({ timeoutMs: 200 }),
      );
      await done;
      expect(receiver.requests).toHaveLength(2);
      expect(retries()).toBe(1);
    });

    it('retries a refused connection and fails with a network error', async () => {
      const url = receiver.url;
      await receiver.close();
      const { done, retries } = deliver({ url, secret });
      await expect(done).rejects.toMatchObject({ code: 'network', details: { attempts: 3 } });
      expect(retries()).toBe(2);
      receiver = await startLoopbackReceiver();
    });

    it('does not follow a redirect', async () => {
      receiver.script({ status: 307, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
      const { done } = deliver({ url: receiver.url, secret });
      await expect(done).rejects.toMatchObject({
        code: 'invalid_request',
        details: { status: 307 },
      });
    });

    it('signs every attempt, retries included, in the one format core verifies', async () => {
      receiver.script({ status: 503 });
      const { done } = deliver({ url: receiver.url, secret });
      await done;
      const headers = receiver.requests.map((request) =>
        String(request.headers['x-agentry-signature']),
      );
      expect(headers).toHaveLength(2);
      for (const header of headers) expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const [first, second] = receiver.requests;
      const now = Date.now();
      for (const request of [first, second]) {
        expect(
          verifyWebhook({
            body: request?.body ?? '',
            header: String(request?.headers['x-agentry-signature']),
            secret,
            now,
            toleranceSeconds: 5,
          }).format,
        ).toBe('v1');
      }
    });
  });
});
