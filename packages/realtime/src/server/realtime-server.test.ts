import { Agent, createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMemoryRealtimeLog } from '../log/index.js';
import { REALTIME_SUBPROTOCOL, type RealtimeServerMessage } from '../protocol.js';
import { startTestServer, type TestServer } from './__fixtures__/realtime-test-server.js';
import { createRealtimeServer } from './realtime-server.js';

let current: TestServer | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await current?.stop();
  current = undefined;
});

const nonLoopback = Object.values(networkInterfaces())
  .flat()
  .find(
    (address) => address !== undefined && address.family === 'IPv4' && !address.internal,
  )?.address;

function waitFor(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (condition() ? resolve() : setImmediate(check));
    check();
  });
}

describe('createRealtimeServer', () => {
  describe('attach', () => {
    it("serves the base path and leaves the app's own routes to the app", async () => {
      current = await startTestServer({ auth: 'none' });
      const app = await fetch(`${current.url}/orders`);
      expect(await app.text()).toBe('app route');
      const unknown = await fetch(`${current.url}/realtime/nothing-here`);
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect((await fetch(`${current.url}/realtime/streams/run/x`, { method: 'PUT' })).status).toBe(
        201,
      );
    });

    it("refuses auth: 'none' on a non-loopback address with config_invalid", async () => {
      if (nonLoopback === undefined) return;
      const realtime = createRealtimeServer({ log: createMemoryRealtimeLog(), auth: 'none' });
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, nonLoopback, resolve));
      cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
      expect(() => realtime.attach(server)).toThrow(
        expect.objectContaining({ code: 'config_invalid' }),
      );
    });

    it('refuses plain HTTP on a non-loopback address when encryption is required, and allows loopback', async () => {
      const config = {
        protocols: [{ name: 'sse', version: '1', encryption: true, compression: false }],
      };
      const loopback = createServer();
      await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => loopback.close(() => resolve())));
      expect(() =>
        createRealtimeServer({ log: createMemoryRealtimeLog(), config }).attach(loopback),
      ).not.toThrow();
      if (nonLoopback === undefined) return;
      const exposed = createServer();
      await new Promise<void>((resolve) => exposed.listen(0, nonLoopback, resolve));
      cleanups.push(() => new Promise((resolve) => exposed.close(() => resolve())));
      let thrown: unknown;
      try {
        createRealtimeServer({ log: createMemoryRealtimeLog(), config }).attach(exposed);
      } catch (error) {
        thrown = error;
      }
      expect(AgentryError.isInstance(thrown) && thrown.code).toBe('config_invalid');
      expect((thrown as Error).message).toContain('encryption');
      expect(() =>
        createRealtimeServer({
          log: createMemoryRealtimeLog(),
          config,
          allowInsecure: true,
        }).attach(exposed),
      ).not.toThrow();
    });
  });

  describe('middleware', () => {
    it('calls next() outside the base path, as Express and Connect expect', async () => {
      const realtime = createRealtimeServer({
        log: createMemoryRealtimeLog(),
        auth: 'none',
        basePath: '/live',
      });
      const server = createServer((request: IncomingMessage, response: ServerResponse) =>
        realtime.middleware(request, response, () => {
          response.end('next called');
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(async () => {
        await realtime.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await (await fetch(`${url}/other`)).text()).toBe('next called');
      expect((await fetch(`${url}/live/streams/run/m`, { method: 'PUT' })).status).toBe(201);
    });

    it('takes a body a framework already parsed, and the full URL under a mount path (Express req.originalUrl)', async () => {
      const realtime = createRealtimeServer({ log: createMemoryRealtimeLog(), auth: 'none' });
      const server = createServer((request: IncomingMessage, response: ServerResponse) => {
        // What express.json() and app.use('/realtime', ...) leave behind.
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          Object.assign(request, {
            body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined,
            originalUrl: request.url,
          });
          request.url = request.url!.slice('/realtime'.length) || '/';
          realtime.middleware(request, response, () => response.end('next called'));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(async () => {
        await realtime.close();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(
        (
          await fetch(`${url}/realtime/streams/run/e`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
          })
        ).status,
      ).toBe(201);
      const appended = await fetch(`${url}/realtime/streams/run/e`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[{"a":1},{"b":2}]',
      });
      expect(appended.status).toBe(204);
      expect(await (await fetch(`${url}/realtime/streams/run/e?offset=-1`)).json()).toEqual([
        { a: 1 },
        { b: 2 },
      ]);
    });
  });

  describe('connection budget', () => {
    it('answers 503 with Retry-After when maxConnections are held, over HTTP and WebSocket alike', async () => {
      current = await startTestServer({
        auth: 'none',
        longPollTimeout: 600_000,
        config: { connectionPool: { maxConnections: 1, idleTimeout: 600_000, maxReuseCount: 100 } },
      });
      const { url, realtime } = current;
      await current.log.create('run/held');
      const held = fetch(`${url}/realtime/streams/run/held?offset=now&live=long-poll`);
      await waitFor(() => realtime.connections === 1);

      const refused = await fetch(`${url}/realtime/streams/run/held?offset=-1`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
        'limit_exceeded',
      );

      const socket = new WebSocket(
        `${url.replace('http', 'ws')}/realtime/ws`,
        REALTIME_SUBPROTOCOL,
      );
      const status = await new Promise<number | undefined>((resolve) => {
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode));
        socket.on('open', () => resolve(101));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(503);

      await current.log.append('run/held', ['1']);
      expect((await held).status).toBe(200);
      await waitFor(() => realtime.connections === 0);
      expect((await fetch(`${url}/realtime/streams/run/held?offset=-1`)).status).toBe(200);
    });

    it('asks a kept-alive client to reconnect after maxReuseCount requests', async () => {
      current = await startTestServer({
        auth: 'none',
        config: { connectionPool: { maxConnections: 10, idleTimeout: 60_000, maxReuseCount: 2 } },
      });
      await current.log.create('run/reuse');
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      cleanups.push(() => agent.destroy());
      const connectionHeaders: (string | undefined)[] = [];
      for (let index = 0; index < 2; index += 1) {
        connectionHeaders.push(
          await new Promise<string | undefined>((resolve, reject) => {
            get(`${current!.url}/realtime/streams/run/reuse?offset=-1`, { agent }, (response) => {
              response.resume();
              response.on('end', () => resolve(response.headers.connection));
            }).on('error', reject);
          }),
        );
      }
      expect(connectionHeaders).toEqual(['keep-alive', 'close']);
    });
  });

  describe('WebSocket upgrades', () => {
    it('authenticates the upgrade (401 without a credential) and serves subscriptions with a ticket', async () => {
      current = await startTestServer();
      await current.log.create('run/ws');
      await current.log.append('run/ws', [JSON.stringify({ type: 'RUN_STARTED' })]);
      const wsUrl = `${current.url.replace('http', 'ws')}/realtime/ws`;

      const anonymous = new WebSocket(wsUrl, REALTIME_SUBPROTOCOL);
      const anonymousStatus = await new Promise<number | undefined>((resolve) => {
        anonymous.on('unexpected-response', (_request, response) => resolve(response.statusCode));
        anonymous.on('open', () => resolve(101));
        anonymous.on('error', () => undefined);
      });
      expect(anonymousStatus).toBe(401);

      const ticket = current.realtime.issueTicket({
        userId: 'u-1',
        channels: ['run/ws'],
        ttl: 60_000,
      });
      const socket = new WebSocket(`${wsUrl}?ticket=${ticket}`, REALTIME_SUBPROTOCOL);
      cleanups.push(() => socket.terminate());
      const messages: RealtimeServerMessage[] = [];
      socket.on('message', (data: Buffer) =>
        messages.push(JSON.parse(data.toString('utf8')) as RealtimeServerMessage),
      );
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'subscribe', channel: 'run/ws', offset: '-1' }));
      socket.send(JSON.stringify({ type: 'subscribe', channel: 'run/other', offset: '-1' }));
      await waitFor(
        () =>
          messages.some((message) => message.type === 'events') &&
          messages.some((message) => message.type === 'error'),
      );
      const events = messages.find((message) => message.type === 'events');
      expect(events?.type === 'events' && events.events.map((event) => event.data)).toEqual([
        { type: 'RUN_STARTED' },
      ]);
      const error = messages.find((message) => message.type === 'error');
      expect(error?.type === 'error' && error.error.code).toBe('permission_denied');
    });

    it('leaves upgrades outside {base}/ws untouched', async () => {
      current = await startTestServer({ auth: 'none' });
      const realtime = current.realtime;
      const socket = {
        destroyed: false,
        end() {},
        destroy() {
          this.destroyed = true;
        },
      };
      const request = { url: '/elsewhere', headers: {} } as IncomingMessage;
      expect(realtime.handleUpgrade(request, socket as never, Buffer.alloc(0))).toBe(false);
      expect(socket.destroyed).toBe(false);
    });
  });

  describe('cancel', () => {
    it('calls onCancel for an authorized POST {base}/cancel/{channel} and refuses others with 403', async () => {
      const cancelled: [string, string, string | undefined][] = [];
      current = await startTestServer({
        onCancel: (channel, principal, reason) => {
          cancelled.push([channel, principal.id, reason]);
          return Promise.resolve();
        },
      });
      await current.log.create('run/c-1');
      const ticket = current.realtime.issueTicket({
        userId: 'u-1',
        channels: ['run/c-1'],
        ttl: 60_000,
      });
      const accepted = await fetch(`${current.url}/realtime/cancel/run/c-1?ticket=${ticket}`, {
        method: 'POST',
        body: JSON.stringify({ reason: 'user pressed stop' }),
      });
      expect(accepted.status).toBe(202);
      expect(cancelled).toEqual([['run/c-1', 'u-1', 'user pressed stop']]);
      const denied = await fetch(`${current.url}/realtime/cancel/run/c-2?ticket=${ticket}`, {
        method: 'POST',
      });
      expect(denied.status).toBe(403);
      const bad = await fetch(`${current.url}/realtime/cancel/run/c-1?ticket=${ticket}`, {
        method: 'POST',
        body: '{"reason":5}',
      });
      expect(bad.status).toBe(400);
      expect(cancelled).toHaveLength(1);
    });
  });

  describe('close', () => {
    it('waits for appends in flight', async () => {
      const log = createMemoryRealtimeLog();
      let releaseAppend!: () => void;
      const gate = new Promise<void>((resolve) => (releaseAppend = resolve));
      let appendStarted = false;
      const slowLog = {
        ...log,
        create: log.create.bind(log),
        info: log.info.bind(log),
        read: log.read.bind(log),
        watch: log.watch.bind(log),
        delete: log.delete.bind(log),
        close: log.close.bind(log),
        append: async (...args: Parameters<typeof log.append>) => {
          appendStarted = true;
          await gate;
          return log.append(...args);
        },
      };
      current = await startTestServer({ auth: 'none', log: slowLog });
      await log.create('run/slow');
      const posting = fetch(`${current.url}/realtime/streams/run/slow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '1',
      });
      await waitFor(() => appendStarted);
      let closed = false;
      const closing = current.realtime.close().then(() => (closed = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).toBe(false);
      releaseAppend();
      await closing;
      expect((await posting).status).toBe(204);
      expect((await log.read('run/slow', '-1')).entries).toHaveLength(1);
    });

    it('ends SSE streams and refuses new requests with 503', async () => {
      current = await startTestServer({ auth: 'none' });
      await current.log.create('run/sse-close');
      const response = await fetch(
        `${current.url}/realtime/streams/run/sse-close?offset=now&live=sse`,
      );
      const reader = response.body!.getReader();
      await reader.read();
      await current.realtime.close();
      let done = false;
      while (!done) done = (await reader.read()).done;
      expect(done).toBe(true);
      expect((await fetch(`${current.url}/realtime/streams/run/sse-close?offset=-1`)).status).toBe(
        503,
      );
    });
  });
});
