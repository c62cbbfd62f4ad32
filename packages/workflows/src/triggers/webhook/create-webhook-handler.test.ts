import { signLegacyWebhook, signWebhook, type AgentryError } from '@agentry/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStarter } from '../__fixtures__/memory-starter.js';
import { workflowWith } from '../__fixtures__/workflow-with.js';
import { createWebhookHandler } from './create-webhook-handler.js';
import type { WebhookHandler, WebhookHandlerOptions } from './webhook-types.js';

const orders = workflowWith('order-review', [
  {
    type: 'webhook',
    configuration: { path: '/hooks/orders', secretName: 'orders-webhook', maxBodyBytes: 1024 },
  },
]);

let secret: string;
let starter: MemoryStarter;
let errors: AgentryError[];
let servers: Server[];

beforeEach(() => {
  secret = randomBytes(32).toString('hex');
  starter = new MemoryStarter();
  errors = [];
  servers = [];
});

afterEach(async () => {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

function makeHandler(overrides: Partial<WebhookHandlerOptions> = {}): WebhookHandler {
  return createWebhookHandler({
    starter,
    workflows: [orders],
    secrets: (name) => (name === 'orders-webhook' ? secret : Promise.reject(new Error('unknown'))),
    onError: (error) => errors.push(error),
    ...overrides,
  });
}

async function listen(
  listener: Parameters<typeof createServer>[1],
): Promise<{ url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    listener?.(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function signed(body: string, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-agentry-signature': signWebhook({ secret, body }),
      ...headers,
    },
  };
}

describe('createWebhookHandler', () => {
  describe('node:http listener', () => {
    it('starts runs for the principal it is given', async () => {
      const principal = { id: 'orders-webhook', kind: 'service' as const, roles: ['intake'] };
      const { url } = await listen(makeHandler({ principal }));
      const body = JSON.stringify({ orderId: 'A-8' });
      const response = await fetch(`${url}/hooks/orders`, signed(body));
      expect(response.status).toBe(202);
      expect(starter.runs.map((run) => run.options.principal)).toEqual([principal]);
    });

    it('starts a run for a good delivery and answers 202 with its id', async () => {
      const { url } = await listen(makeHandler());
      const body = JSON.stringify({ orderId: 'A-7', total: 120 });
      const response = await fetch(
        `${url}/hooks/orders?source=test`,
        signed(body, { 'x-agentry-delivery': 'd-1' }),
      );
      expect(response.status).toBe(202);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toEqual({ runId: 'run-1', deduplicated: false });
      expect(starter.runs).toEqual([
        {
          runId: 'run-1',
          workflowId: 'order-review',
          input: { orderId: 'A-7', total: 120 },
          options: {
            idempotencyKey: 'webhook:d-1',
            origin: { type: 'webhook', details: { path: '/hooks/orders', deliveryId: 'd-1' } },
          },
        },
      ]);
    });

    it('answers a redelivery with the same run and starts no other', async () => {
      const { url } = await listen(makeHandler());
      const body = JSON.stringify({ orderId: 'A-7' });
      const deliveryId = randomUUID();
      const first = await fetch(
        `${url}/hooks/orders`,
        signed(body, { 'x-agentry-delivery': deliveryId }),
      );
      const again = await fetch(
        `${url}/hooks/orders`,
        signed(body, { 'x-agentry-delivery': deliveryId }),
      );
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ runId: 'run-1', deduplicated: true });
      expect(starter.runs).toHaveLength(1);
      const other = await fetch(
        `${url}/hooks/orders`,
        signed(body, { 'x-agentry-delivery': randomUUID() }),
      );
      expect(await other.json()).toEqual({ runId: 'run-2', deduplicated: false });
    });

    it('answers 401 to a bad signature and to a missing one, telling nothing more', async () => {
      const { url } = await listen(makeHandler());
      const body = JSON.stringify({ orderId: 'A-7' });
      const otherSecret = randomBytes(32).toString('hex');
      const bad = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: { 'x-agentry-signature': signWebhook({ secret: otherSecret, body }) },
      });
      const missing = await fetch(`${url}/hooks/orders`, { method: 'POST', body });
      const garbled = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: { 'x-agentry-signature': 'sha256=abc' },
      });
      const tampered = await fetch(`${url}/hooks/orders`, {
        ...signed(body),
        body: JSON.stringify({ orderId: 'A-8' }),
      });
      const answers = [bad, missing, garbled, tampered];
      expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401]);
      const texts = await Promise.all(answers.map((answer) => answer.text()));
      expect(new Set(texts).size).toBe(1);
      expect(JSON.parse(texts[0] ?? '')).toEqual({
        error: { code: 'auth_failed', message: 'The request is not signed correctly.' },
      });
      expect(texts[0]).not.toContain(secret);
      expect(starter.calls).toBe(0);
    });

    it('answers 413 at once when content-length is over the cap', async () => {
      const { url } = await listen(makeHandler());
      const body = JSON.stringify({ pad: 'x'.repeat(2000) });
      const response = await fetch(`${url}/hooks/orders`, signed(body));
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: 'limit_exceeded' } });
      expect(starter.calls).toBe(0);
    });

    it('answers 413 as soon as a streamed body passes the cap and stops reading it', async () => {
      const { url, requests } = await listen(makeHandler());
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const planned = 64 * 1024 * 1024;
      const { status, written } = await new Promise<{ status: number; written: number }>(
        (resolve, reject) => {
          let written = 0;
          let answered = false;
          const request = httpRequest(`${url}/hooks/orders`, {
            method: 'POST',
            headers: { 'x-agentry-signature': 'sha256=' + '0'.repeat(64) },
          });
          request.on('response', (response) => {
            answered = true;
            response.resume();
            resolve({ status: response.statusCode ?? 0, written });
          });
          request.on('error', (error) => {
            if (!answered) reject(error);
          });
          const writeMore = (): void => {
            if (answered || written >= planned) {
              request.end();
              return;
            }
            written += chunk.length;
            request.write(chunk, () => setImmediate(writeMore));
          };
          writeMore();
        },
      );
      expect(status).toBe(413);
      expect(written).toBeLessThan(planned);
      const served = requests[0];
      expect(served?.socket.bytesRead ?? Number.POSITIVE_INFINITY).toBeLessThan(1024 * 1024);
      expect(starter.calls).toBe(0);
    });

    it('answers 400 to a body that is not JSON', async () => {
      const { url } = await listen(makeHandler());
      const response = await fetch(`${url}/hooks/orders`, signed('{"orderId": '));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: 'validation_failed', message: 'The body is not valid JSON.' },
      });
      expect(starter.calls).toBe(0);
    });

    it('answers 404 to an unknown path and 405 to another method', async () => {
      const { url } = await listen(makeHandler());
      const unknown = await fetch(`${url}/hooks/invoices`, signed('{}'));
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
      const get = await fetch(`${url}/hooks/orders`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(starter.calls).toBe(0);
    });

    it('refuses a signature whose signed time is outside the tolerance (a replay)', async () => {
      const now = Date.parse('2026-05-01T12:00:00Z');
      const { url } = await listen(
        makeHandler({ clock: { now: () => now }, timestampToleranceSeconds: 120 }),
      );
      const body = JSON.stringify({ orderId: 'A-7' });
      const at = (seconds: number) =>
        fetch(`${url}/hooks/orders`, {
          method: 'POST',
          body,
          headers: {
            'x-agentry-signature': signWebhook({
              secret,
              body,
              timestamp: Math.floor(now / 1000) + seconds,
            }),
          },
        });
      expect((await at(-30)).status).toBe(202);
      expect((await at(-121)).status).toBe(401); // a replay from two minutes ago
      expect((await at(121)).status).toBe(401);
      const signature = signWebhook({ secret, body, timestamp: Math.floor(now / 1000) - 1000 });
      const moved = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: {
          // The old time, re-labelled as now: the signature no longer matches.
          'x-agentry-signature': signature.replace(/^t=\d+/, `t=${Math.floor(now / 1000)}`),
        },
      });
      expect(moved.status).toBe(401);
      expect(starter.runs).toHaveLength(1);
      expect(errors).toEqual([]);
    });

    it('still accepts the deprecated sha256= format of 0.1 senders, timed or not', async () => {
      const { url } = await listen(makeHandler());
      const body = JSON.stringify({ orderId: 'A-7' });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const untimed = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: { 'x-agentry-signature': signLegacyWebhook({ secret, body }) },
      });
      const timed = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: {
          'x-agentry-timestamp': timestamp,
          'x-agentry-signature': signLegacyWebhook({ secret, body, timestamp }),
        },
      });
      expect([untimed.status, timed.status]).toEqual([202, 202]);
      const wrong = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: {
          'x-agentry-signature': signLegacyWebhook({
            secret: randomBytes(32).toString('hex'),
            body,
          }),
        },
      });
      expect(wrong.status).toBe(401);
      expect(starter.runs).toHaveLength(2);
    });

    it('checks the deprecated timestamp header against the tolerance, and requires it when told', async () => {
      const now = Date.parse('2026-05-01T12:00:00Z');
      const { url } = await listen(
        makeHandler({ requireTimestamp: true, clock: { now: () => now } }),
      );
      const body = JSON.stringify({ orderId: 'A-7' });
      const at = (seconds: number) => {
        const timestamp = String(Math.floor(now / 1000) + seconds);
        return fetch(`${url}/hooks/orders`, {
          method: 'POST',
          body,
          headers: {
            'x-agentry-timestamp': timestamp,
            'x-agentry-signature': signLegacyWebhook({ secret, body, timestamp }),
          },
        });
      };
      expect((await at(-30)).status).toBe(202);
      expect((await at(-301)).status).toBe(401); // a replay from six minutes ago
      expect((await at(400)).status).toBe(401);
      const untimed = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: { 'x-agentry-signature': signLegacyWebhook({ secret, body }) },
      });
      expect(untimed.status).toBe(401);
      const moved = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: {
          'x-agentry-timestamp': String(Math.floor(now / 1000)),
          'x-agentry-signature': signLegacyWebhook({
            secret,
            body,
            timestamp: String(Math.floor(now / 1000) - 1000),
          }),
        },
      });
      expect(moved.status).toBe(401);
      // The current format always carries its time, so requireTimestamp does not refuse it.
      const current = await fetch(`${url}/hooks/orders`, {
        method: 'POST',
        body,
        headers: { 'x-agentry-signature': signWebhook({ secret, body, now }) },
      });
      expect(current.status).toBe(202);
      expect(starter.runs).toHaveLength(2);
    });

    it('answers 500 without details when the secret cannot be resolved, and reports it', async () => {
      const { url } = await listen(
        makeHandler({ secrets: () => Promise.reject(new Error('vault sealed')) }),
      );
      const response = await fetch(`${url}/hooks/orders`, signed('{}'));
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toContain('vault');
      expect(text).not.toContain('orders-webhook');
      expect(errors.map((error) => [error.code, error.details.secretName])).toEqual([
        ['secret_unresolved', 'orders-webhook'],
      ]);
    });

    it('answers a refused start with its status and reports it', async () => {
      starter.known = new Set(['something-else']);
      const { url } = await listen(makeHandler());
      const response = await fetch(`${url}/hooks/orders`, signed('{}'));
      expect(response.status).toBe(404);
      expect(errors.map((error) => error.code)).toEqual(['not_found']);
      starter.known = undefined;
      starter.failWith = new Error('database down');
      const failed = await fetch(`${url}/hooks/orders`, signed('{}'));
      expect(failed.status).toBe(500);
      expect(await failed.text()).not.toContain('database');
    });
  });

  describe('middleware', () => {
    it('serves webhook paths and passes other requests to next', async () => {
      const handler = makeHandler({ basePath: '/api' });
      const { url } = await listen((request, response) => {
        handler.middleware(request, response, () => {
          response.statusCode = 418;
          response.end('next');
        });
      });
      const served = await fetch(`${url}/api/hooks/orders`, signed('{"a":1}'));
      expect(served.status).toBe(202);
      const passed = await fetch(`${url}/hooks/orders`, signed('{"a":1}'));
      expect(passed.status).toBe(418);
    });

    it('uses a raw body another middleware already read', async () => {
      const handler = makeHandler();
      const body = JSON.stringify({ orderId: 'A-9' });
      const { url } = await listen((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          handler.middleware(
            Object.assign(request, { body: Buffer.concat(chunks) }),
            response,
            () => {
              response.statusCode = 500;
              response.end();
            },
          );
        });
      });
      const response = await fetch(`${url}/hooks/orders`, signed(body));
      expect(response.status).toBe(202);
      expect(starter.runs[0]?.input).toEqual({ orderId: 'A-9' });
    });
    it('answers 500 and reports when a body parser consumed the body', async () => {
      const handler = makeHandler();
      const { url } = await listen((request, response) => {
        request.resume();
        request.on('end', () => {
          handler.middleware(Object.assign(request, { body: { parsed: true } }), response, () => {
            response.end();
          });
        });
      });
      const response = await fetch(`${url}/hooks/orders`, signed('{}'));
      expect(response.status).toBe(500);
      expect(errors[0]?.suggestions[0]).toContain('before body parsers');
      expect(starter.calls).toBe(0);
    });
  });

  describe('fetch adapter', () => {
    const request = (path: string, init: RequestInit) =>
      new Request(`https://example.test${path}`, init);

    it('starts, deduplicates and refuses like the listener', async () => {
      const handler = makeHandler();
      const body = JSON.stringify({ orderId: 'A-7' });
      const first = await handler.fetch(
        request('/hooks/orders', signed(body, { 'x-agentry-delivery': 'd-9' })),
      );
      const again = await handler.fetch(
        request('/hooks/orders', signed(body, { 'x-agentry-delivery': 'd-9' })),
      );
      expect([first.status, again.status]).toEqual([202, 200]);
      expect(await again.json()).toEqual({ runId: 'run-1', deduplicated: true });
      const bad = await handler.fetch(request('/hooks/orders', { method: 'POST', body }));
      expect(bad.status).toBe(401);
      const unknown = await handler.fetch(request('/nowhere', signed(body)));
      expect(unknown.status).toBe(404);
      expect(starter.runs).toHaveLength(1);
    });

    it('stops reading a streamed body past the cap', async () => {
      const handler = makeHandler();
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(512));
          if (pulled > 1000) controller.close();
        },
      });
      const response = await handler.fetch(
        request('/hooks/orders', {
          method: 'POST',
          body: stream,
          headers: { 'x-agentry-signature': signWebhook({ secret, body: '{}' }) },
          duplex: 'half',
        }),
      );
      expect(response.status).toBe(413);
      expect(response.headers.get('connection')).toBe('close');
      expect(pulled).toBeLessThan(10);
    });

    it('serves a Fetch server over a real socket', async () => {
      const handler = makeHandler();
      const { url } = await listen((incoming, outgoing) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (typeof value === 'string') headers.set(name, value);
          }
          void handler
            .fetch(
              new Request(`http://127.0.0.1${incoming.url ?? '/'}`, {
                method: incoming.method ?? 'GET',
                headers,
                ...(incoming.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
              }),
            )
            .then(async (response) => {
              outgoing.statusCode = response.status;
              outgoing.end(await response.text());
            });
        });
      });
      const ok = await fetch(`${url}/hooks/orders`, signed('{"orderId":"A-1"}'));
      expect(ok.status).toBe(202);
      const broken = await fetch(`${url}/hooks/orders`, signed('not json'));
      expect(broken.status).toBe(400);
    });
  });

  describe('routes', () => {
    it('refuses two webhook triggers with one path', () => {
      const twin = workflowWith('twin', orders.triggers);
      expect(() => makeHandler({ workflows: [orders, twin] })).toThrow(
        expect.objectContaining({ code: 'conflict' }),
      );
    });

    it('reads a workflow source function for each request', async () => {
      let workflows = [orders];
      const handler = makeHandler({ workflows: () => workflows });
      const invoices = workflowWith('invoices', [
        {
          type: 'webhook',
          configuration: {
            path: '/hooks/invoices',
            secretName: 'orders-webhook',
            maxBodyBytes: 1024,
          },
        },
      ]);
      const call = () =>
        handler.fetch(new Request('https://example.test/hooks/invoices', signed('{}')));
      expect((await call()).status).toBe(404);
      workflows = [orders, invoices];
      expect((await call()).status).toBe(202);
    });
  });
});
