import { request as httpRequest } from 'node:http';

import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';

import type { RealtimeLog } from '@agentry/core';

import { createMemoryRealtimeLog } from '../../log/index.js';
import { REALTIME_SUBPROTOCOL, realtimeCloseCodes } from '../../protocol.js';
import { createRealtimeAuth } from '../auth/realtime-auth.js';
import {
  TestClient,
  appendNumbers,
  startHarness,
  type Harness,
} from './__fixtures__/gateway-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await harness?.close();
  harness = undefined;
});

async function upgradeResponse(url: string, headers: Record<string, string>) {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise<{ status: number; body: string; socketDestroyed: boolean }>(
    (resolve, reject) => {
      const request = httpRequest({
        hostname,
        port,
        path: pathname + search,
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          ...headers,
        },
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, socketDestroyed: true }),
        );
      });
      request.on('upgrade', () => reject(new Error('upgraded')));
      request.on('error', reject);
      request.end();
    },
  );
}

describe('createWebSocketGateway', () => {
  describe('handleUpgrade', () => {
    it('refuses an upgrade without a credential with 401 and an AgentryError body', async () => {
      harness = await startHarness();
      const response = await upgradeResponse(harness.url, {
        'sec-websocket-protocol': REALTIME_SUBPROTOCOL,
      });
      expect(response.status).toBe(401);
      const body = JSON.parse(response.body) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthenticated');
      expect(harness.gateway.connections).toBe(0);
    });

    it('accepts a ticket in the query string', async () => {
      harness = await startHarness();
      const ws = new WebSocket(`${harness.url}?ticket=user:bob`, REALTIME_SUBPROTOCOL);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      expect(ws.protocol).toBe(REALTIME_SUBPROTOCOL);
      ws.terminate();
    });

    it('works with the realtime auth: a ticket for one channel reads it, is denied another, and a forged or expired one gets 401', async () => {
      let now = Date.now();
      const log = createMemoryRealtimeLog();
      const auth = createRealtimeAuth({ log, now: () => now });
      harness = await startHarness({ log, auth });
      await log.create('run/r-1', { labels: { userId: 'carol' } });
      await log.create('run/r-2', { labels: { userId: 'carol' } });
      const ticket = auth.issueTicket({ userId: 'carol', channels: ['run/r-1'], ttl: 60_000 });
      const ws = new WebSocket(
        `${harness.url}?ticket=${encodeURIComponent(ticket)}`,
        REALTIME_SUBPROTOCOL,
      );
      const client = new TestClient(ws);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      client.send({ type: 'subscribe', channel: 'run/r-1' });
      client.send({ type: 'subscribe', channel: 'run/r-2' });
      await client.until(
        (messages) =>
          messages.some((m) => m.type === 'error') && messages.some((m) => m.type === 'events'),
      );
      expect(client.messages.find((m) => m.type === 'error')).toMatchObject({
        channel: 'run/r-2',
        error: { code: 'permission_denied' },
      });
      ws.terminate();
      const forged = `${ticket.slice(0, -2)}${ticket.endsWith('A') ? 'B' : 'A'}A`;
      const forgedResponse = await upgradeResponse(
        `${harness.url}?ticket=${encodeURIComponent(forged)}`,
        {
          'sec-websocket-protocol': REALTIME_SUBPROTOCOL,
        },
      );
      expect(forgedResponse.status).toBe(401);
      now += 120_000;
      const expired = await upgradeResponse(`${harness.url}?ticket=${encodeURIComponent(ticket)}`, {
        'sec-websocket-protocol': REALTIME_SUBPROTOCOL,
      });
      expect(expired.status).toBe(401);
      expect((JSON.parse(expired.body) as { error: { code: string } }).error.code).toBe(
        'unauthenticated',
      );
    });

    it('refuses an upgrade without the subprotocol with 400', async () => {
      harness = await startHarness();
      const response = await upgradeResponse(harness.url, { authorization: 'Bearer user:alice' });
      expect(response.status).toBe(400);
      expect((JSON.parse(response.body) as { error: { code: string } }).error.code).toBe(
        'invalid_request',
      );
    });

    it('refuses with 503 when admit says no, and releases an admitted slot when the socket closes', async () => {
      let slots = 1;
      const admit = vi.fn(() => {
        if (slots === 0) return undefined;
        slots--;
        return () => {
          slots++;
        };
      });
      harness = await startHarness({ admit });
      const first = await harness.connect();
      const refused = await upgradeResponse(harness.url, {
        authorization: 'Bearer user:alice',
        'sec-websocket-protocol': REALTIME_SUBPROTOCOL,
      });
      expect(refused.status).toBe(503);
      expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe(
        'limit_exceeded',
      );
      first.ws.close();
      await first.closed;
      await vi.waitFor(() => expect(slots).toBe(1));
      // A refused authentication gives its slot back too.
      await upgradeResponse(harness.url, { 'sec-websocket-protocol': REALTIME_SUBPROTOCOL });
      await vi.waitFor(() => expect(slots).toBe(1));
      await harness.connect();
      expect(harness.gateway.connections).toBe(1);
    });
  });

  describe('subscribe', () => {
    it('sends subscribed, the catch-up, upToDate, then live events, each offset once and increasing', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/run-1');
      const before = await appendNumbers(harness.log, 'user/alice/run-1', 0, 3);
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/run-1', offset: '-1' });
      await client.until(
        (messages) => messages.some((m) => m.type === 'events' && m.upToDate),
        'upToDate',
      );
      expect(client.messages[0]).toMatchObject({
        type: 'subscribed',
        channel: 'user/alice/run-1',
        offset: '-1',
      });
      const after = await appendNumbers(harness.log, 'user/alice/run-1', 3, 4);
      await client.until(() => client.offsets('user/alice/run-1').length === 7, 'live events');
      expect(client.offsets('user/alice/run-1')).toEqual([...before, ...after]);
      expect(client.data('user/alice/run-1')).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    });

    it('splices the stored JSON text into the frame as is', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/raw');
      // Spacing and key order a re-serialization would change.
      await harness.log.append('user/alice/raw', ['{ "b" : 1,  "a" : [ 2 ] }']);
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/raw' });
      await client.until(() => client.offsets('user/alice/raw').length === 1);
      expect(client.rawFrames.find((frame) => frame.includes('"events"'))).toContain(
        '"data":{ "b" : 1,  "a" : [ 2 ] }',
      );
    });

    it('loses and repeats nothing when appends race with subscribes', async () => {
      harness = await startHarness();
      await harness.log.create('public/race');
      const appended: string[] = [];
      const writer = (async () => {
        for (let n = 0; n < 300; n++) {
          const result = await harness.log.append('public/race', [JSON.stringify({ n })]);
          appended.push(...result.offsets);
          if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const clients = [];
      for (let index = 0; index < 6; index++) {
        const client = await harness.connect({ user: `u${index}` });
        client.send({ type: 'subscribe', channel: 'public/race', offset: '-1' });
        clients.push(client);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writer;
      for (const client of clients) {
        await client.until(() => client.offsets('public/race').length >= 300, 'all 300 events');
        expect(client.offsets('public/race')).toEqual(appended);
      }
    });

    it('reads again when live events went out while its catch-up read was in flight', async () => {
      const inner = createMemoryRealtimeLog();
      let duringRead: (() => Promise<void>) | undefined;
      const log: RealtimeLog = {
        ...inner,
        async read(channel, after, options) {
          const page = await inner.read(channel, after, options);
          const hook = duringRead;
          duringRead = undefined;
          await hook?.();
          return page;
        },
      };
      harness = await startHarness({ log, configOverrides: { batching: { enabled: false } } });
      await log.create('public/window');
      const first = await appendNumbers(log, 'public/window', 0, 2);
      const watcher = await harness.connect({ user: 'watcher' });
      watcher.send({ type: 'subscribe', channel: 'public/window' });
      await watcher.until(() => watcher.offsets('public/window').length === 2);
      // The next subscriber's first read returns a page that is stale by the time it is used:
      // two entries were appended and sent live (batching off) before the read resolved.
      let during: string[] = [];
      duringRead = async () => {
        during = await appendNumbers(log, 'public/window', 2, 2);
      };
      const late = await harness.connect({ user: 'late' });
      late.send({ type: 'subscribe', channel: 'public/window' });
      await late.until(
        (messages) => messages.some((m) => m.type === 'events' && m.upToDate),
        'upToDate',
      );
      const after = await appendNumbers(log, 'public/window', 4, 1);
      await late.until(() => late.offsets('public/window').includes(after[0]!), 'the last event');
      expect(late.offsets('public/window')).toEqual([...first, ...during, ...after]);
    });

    it('starts at the tail for now', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/now');
      await appendNumbers(harness.log, 'user/alice/now', 0, 5);
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/now', offset: 'now' });
      await client.until((messages) => messages.some((m) => m.type === 'events' && m.upToDate));
      const live = await appendNumbers(harness.log, 'user/alice/now', 5, 2);
      await client.until(() => client.offsets('user/alice/now').length === 2);
      expect(client.offsets('user/alice/now')).toEqual(live);
    });

    it('resumes after a given offset', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/resume');
      const offsets = await appendNumbers(harness.log, 'user/alice/resume', 0, 5);
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/resume', offset: offsets[2] });
      await client.until(() => client.offsets('user/alice/resume').length === 2);
      expect(client.offsets('user/alice/resume')).toEqual(offsets.slice(3));
    });

    it('sends a gap with the snapshot when the offset fell out of retention, then the entries after it', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/gap', { maxEntries: 3 });
      const offsets = await appendNumbers(harness.log, 'user/alice/gap', 0, 10);
      await harness.log.putSnapshot('user/alice/gap', {
        offset: offsets[7]!,
        data: '{"type":"MESSAGES_SNAPSHOT","messages":[]}',
      });
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/gap', offset: offsets[1] });
      await client.until(
        () => client.offsets('user/alice/gap').length === 2,
        'the tail after the snapshot',
      );
      const gap = client.messages.find((message) => message.type === 'gap');
      expect(gap).toEqual({
        type: 'gap',
        channel: 'user/alice/gap',
        reason: 'retention',
        retainedAfter: offsets[6],
        snapshot: { offset: offsets[7], data: { type: 'MESSAGES_SNAPSHOT', messages: [] } },
      });
      expect(client.offsets('user/alice/gap')).toEqual(offsets.slice(8));
    });

    it('names an older epoch as the reason of a gap, and sends no stale snapshot', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/epoch');
      const offsets = await appendNumbers(harness.log, 'user/alice/epoch', 0, 2);
      const client = await harness.connect();
      client.send({
        type: 'subscribe',
        channel: 'user/alice/epoch',
        offset: '000000000001_0000000000000005',
      });
      await client.until(() => client.offsets('user/alice/epoch').length === 2);
      expect(client.messages.find((message) => message.type === 'gap')).toMatchObject({
        reason: 'epoch',
      });
      expect(client.messages.find((message) => message.type === 'gap')).not.toHaveProperty(
        'snapshot',
      );
      expect(client.offsets('user/alice/epoch')).toEqual(offsets);
    });

    it('sends closed at the end of a closed channel, in catch-up and live', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/done');
      await harness.log.append('user/alice/done', ['{"n":0}'], { close: true });
      await harness.log.create('user/alice/live');
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/done' });
      client.send({ type: 'subscribe', channel: 'user/alice/live' });
      await client.until((messages) =>
        messages.some((m) => m.type === 'closed' && m.channel === 'user/alice/done'),
      );
      await client.until((messages) =>
        messages.some((m) => m.type === 'events' && m.channel === 'user/alice/live'),
      );
      const { offsets } = await harness.log.append('user/alice/live', ['{"n":1}'], { close: true });
      await client.until((messages) =>
        messages.some((m) => m.type === 'closed' && m.channel === 'user/alice/live'),
      );
      expect(
        client.messages.find((m) => m.type === 'closed' && m.channel === 'user/alice/live'),
      ).toEqual({
        type: 'closed',
        channel: 'user/alice/live',
        offset: offsets[0],
      });
      expect(client.offsets('user/alice/live')).toEqual(offsets);
    });

    it('answers a subscribe without permission with permission_denied and goes on', async () => {
      harness = await startHarness();
      await harness.log.create('user/bob/secret');
      await harness.log.create('user/alice/mine');
      await harness.log.append('user/bob/secret', ['{"secret":true}']);
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/bob/secret' });
      client.send({ type: 'subscribe', channel: 'user/alice/mine' });
      await client.until((messages) => messages.some((m) => m.type === 'error'));
      expect(client.messages.find((m) => m.type === 'error')).toMatchObject({
        channel: 'user/bob/secret',
        error: { code: 'permission_denied' },
      });
      const mine = await appendNumbers(harness.log, 'user/alice/mine', 0, 1);
      await client.until(() => client.offsets('user/alice/mine').length === 1);
      expect(client.offsets('user/alice/mine')).toEqual(mine);
      expect(client.rawFrames.join('')).not.toContain('secret":true');
      expect(
        harness.lines.some(
          (line) =>
            line.fields.code === 'permission_denied' &&
            typeof line.fields.connectionId === 'string',
        ),
      ).toBe(true);
    });

    it('answers a malformed offset or channel with validation_failed, and a missing channel with not_found', async () => {
      harness = await startHarness();
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/x', offset: '42' });
      client.send({ type: 'subscribe', channel: 'user//alice', offset: '-1' });
      client.send({ type: 'subscribe', channel: 'user/alice/missing', offset: '-1' });
      // An offset past the tail (of the channel's own epoch) is not one the server sent.
      const { epoch } = await harness.log.create('user/alice/short');
      client.send({
        type: 'subscribe',
        channel: 'user/alice/short',
        offset: `${epoch}_0000000000000009`,
      });
      await client.until((messages) => messages.filter((m) => m.type === 'error').length === 4);
      const codes = client.messages.flatMap((m) => (m.type === 'error' ? [m.error.code] : []));
      expect(codes.sort()).toEqual([
        'not_found',
        'validation_failed',
        'validation_failed',
        'validation_failed',
      ]);
      expect(
        client.messages.find((m) => m.type === 'error' && m.channel === 'user/alice/short'),
      ).toBeDefined();
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('stops sending after unsubscribe', async () => {
      harness = await startHarness();
      await harness.log.create('user/alice/u');
      await harness.log.create('user/alice/v');
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/u' });
      await client.until((messages) => messages.some((m) => m.type === 'events'));
      client.send({ type: 'unsubscribe', channel: 'user/alice/u' });
      client.send({ type: 'subscribe', channel: 'user/alice/v' });
      await client.until((messages) =>
        messages.some((m) => m.type === 'events' && m.channel === 'user/alice/v'),
      );
      await appendNumbers(harness.log, 'user/alice/u', 0, 2);
      const v = await appendNumbers(harness.log, 'user/alice/v', 0, 1);
      await client.until(() => client.offsets('user/alice/v').length === 1);
      expect(client.offsets('user/alice/v')).toEqual(v);
      expect(client.offsets('user/alice/u')).toEqual([]);
    });
  });

  describe('batching', () => {
    it('coalesces live events into one frame at maxBatchSize', async () => {
      harness = await startHarness({
        configOverrides: {
          batching: { maxBatchSize: 3, maxWaitTime: 60_000, flushInterval: 60_000 },
          realtime: { maxLatency: 60_000 },
        },
      });
      await harness.log.create('user/alice/b');
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/b' });
      await client.until((messages) => messages.some((m) => m.type === 'events'));
      await appendNumbers(harness.log, 'user/alice/b', 0, 3);
      await client.until(() => client.offsets('user/alice/b').length === 3);
      const live = client.messages.filter((m) => m.type === 'events' && m.events.length > 0);
      expect(live).toHaveLength(1);
    });

    it('sends each event alone when batching is disabled', async () => {
      harness = await startHarness({ configOverrides: { batching: { enabled: false } } });
      await harness.log.create('user/alice/b');
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/b' });
      await client.until((messages) => messages.some((m) => m.type === 'events'));
      await harness.log.append('user/alice/b', ['{"n":0}', '{"n":1}', '{"n":2}']);
      await client.until(() => client.offsets('user/alice/b').length === 3);
      expect(
        client.messages.filter((m) => m.type === 'events' && m.events.length > 0),
      ).toHaveLength(3);
    });

    it('holds a lone event no longer than maxLatency (fake timers)', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
      harness = await startHarness({
        configOverrides: {
          batching: { maxBatchSize: 100, maxWaitTime: 60_000, flushInterval: 60_000 },
          realtime: { maxLatency: 50 },
        },
      });
      await harness.log.create('user/alice/l');
      const client = await harness.connect();
      client.send({ type: 'subscribe', channel: 'user/alice/l' });
      await client.until((messages) => messages.some((m) => m.type === 'events'));
      await appendNumbers(harness.log, 'user/alice/l', 0, 1);
      await new Promise((resolve) => setImmediate(resolve));
      vi.advanceTimersByTime(49);
      await new Promise((resolve) => setImmediate(resolve));
      expect(client.offsets('user/alice/l')).toHaveLength(0);
      vi.advanceTimersByTime(1);
      vi.useRealTimers();
      await client.until(() => client.offsets('user/alice/l').length === 1);
    });
  });

  describe('bad input', () => {
    async function expectClose(send: (ws: WebSocket) => void, code: number, limits = {}) {
      harness ??= await startHarness({ limits });
      await harness.log.create('public/bystander');
      const bystander = await harness.connect({ user: 'bystander' });
      bystander.send({ type: 'subscribe', channel: 'public/bystander' });
      await bystander.until((messages) => messages.some((m) => m.type === 'events'));
      const client = await harness.connect();
      send(client.ws);
      const closed = await client.closed;
      expect(closed.code).toBe(code);
      const offsets = await appendNumbers(harness.log, 'public/bystander', 0, 2);
      await bystander.until(() => bystander.offsets('public/bystander').length === 2);
      expect(bystander.offsets('public/bystander')).toEqual(offsets);
      expect(bystander.ws.readyState).toBe(WebSocket.OPEN);
      expect(
        harness.lines.some(
          (line) => line.level === 'warn' && typeof line.fields.connectionId === 'string',
        ),
      ).toBe(true);
    }

    it('closes with 1007 on invalid UTF-8', async () => {
      await expectClose(
        (ws) => ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }),
        1007,
      );
    });

    it('closes with 1007 on text that is not JSON', async () => {
      await expectClose((ws) => ws.send('subscribe me'), realtimeCloseCodes.invalidPayload);
    });

    it('closes with 1008 on an unknown message type', async () => {
      await expectClose(
        (ws) => ws.send('{"type":"publish","channel":"public/x"}'),
        realtimeCloseCodes.policyViolation,
      );
    });

    it('closes with 1003 on a binary frame', async () => {
      await expectClose(
        (ws) => ws.send(Buffer.from('{}'), { binary: true }),
        realtimeCloseCodes.unsupportedData,
      );
    });

    it('closes with 1009 on a message over the limit', async () => {
      await expectClose((ws) => ws.send('x'.repeat(2_000)), realtimeCloseCodes.messageTooBig, {
        maxMessageBytes: 1_024,
      });
    });

    it('closes with 1008 once thousands of subscribes pass the limit', async () => {
      await expectClose(
        (ws) => {
          for (let index = 0; index < 3_000; index++) {
            ws.send(JSON.stringify({ type: 'subscribe', channel: `user/alice/c${index}` }));
          }
        },
        realtimeCloseCodes.policyViolation,
        { maxSubscriptions: 50 },
      );
      expect(harness!.lines.filter((line) => line.fields.code === 'limit_exceeded')).toHaveLength(
        1,
      );
    });

    it('closes with 4003 after maxReuseCount subscriptions', async () => {
      harness = await startHarness({ configOverrides: { connectionPool: { maxReuseCount: 3 } } });
      await harness.log.create('user/alice/r');
      const client = await harness.connect();
      for (let index = 0; index < 3; index++) {
        client.send({ type: 'subscribe', channel: 'user/alice/r' });
        client.send({ type: 'unsubscribe', channel: 'user/alice/r' });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      client.send({ type: 'subscribe', channel: 'user/alice/r' });
      expect((await client.closed).code).toBe(realtimeCloseCodes.reuseLimit);
    });
  });

  describe('heartbeats and idleness', () => {
    it('terminates a peer that misses a pong and keeps one that answers (fake timers)', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      harness = await startHarness({ configOverrides: { realtime: { heartbeatInterval: 1_000 } } });
      const dead = await harness.connect({ autoPong: false });
      const live = await harness.connect({ user: 'bob' });
      let pings = 0;
      dead.ws.on('ping', () => pings++);
      vi.advanceTimersByTime(1_000);
      await vi.waitFor(() => expect(pings).toBe(1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      vi.advanceTimersByTime(1_000);
      const closed = await dead.closed;
      expect(closed.code).toBe(1006);
      expect(live.ws.readyState).toBe(WebSocket.OPEN);
      await vi.waitFor(() => expect(harness!.gateway.connections).toBe(1));
      expect(harness.lines.some((line) => line.message?.includes('missed a pong') === true)).toBe(
        true,
      );
    });

    it('closes a connection with no subscription and no message for idleTimeout with 4002 (fake timers)', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
      harness = await startHarness({
        configOverrides: { connectionPool: { idleTimeout: 10_000 } },
      });
      await harness.log.create('user/alice/busy');
      const idle = await harness.connect();
      const busy = await harness.connect();
      busy.send({ type: 'subscribe', channel: 'user/alice/busy' });
      await busy.until((messages) => messages.some((m) => m.type === 'events'));
      vi.advanceTimersByTime(12_500);
      expect((await idle.closed).code).toBe(realtimeCloseCodes.idleTimeout);
      expect(busy.ws.readyState).toBe(WebSocket.OPEN);
    });

    it('closes with 4001 when the credential expires', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
      harness = await startHarness({
        configOverrides: { realtime: { heartbeatInterval: 1_000 } },
        auth: {
          authenticate: () => Promise.resolve({ id: 'alice', expiresAt: Date.now() + 1_500 }),
          authorize: () => Promise.resolve(),
        },
      });
      const client = await harness.connect();
      vi.advanceTimersByTime(1_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      vi.advanceTimersByTime(1_000);
      expect((await client.closed).code).toBe(realtimeCloseCodes.credentialExpired);
    });
  });

  describe('backpressure', () => {
    it('closes a client that never reads with 4000 while five others get everything', async () => {
      harness = await startHarness({ limits: { sendBufferBytes: 256 * 1024, closeGraceMs: 200 } });
      await harness.log.create('public/firehose');
      const slow = await harness.connect({ user: 'slow' });
      const fast = [];
      for (let index = 0; index < 5; index++)
        fast.push(await harness.connect({ user: `fast${index}` }));
      for (const client of [slow, ...fast])
        client.send({ type: 'subscribe', channel: 'public/firehose' });
      for (const client of [slow, ...fast])
        await client.until((messages) => messages.some((m) => m.type === 'events'));
      // The slow client stops reading: its kernel buffers fill, then the server's.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const payload = 'x'.repeat(4_000);
      const appended: string[] = [];
      for (let batch = 0; batch < 150; batch++) {
        const entries = Array.from({ length: 20 }, (_, index) =>
          JSON.stringify({ n: batch * 20 + index, payload }),
        );
        appended.push(...(await harness.log.append('public/firehose', entries)).offsets);
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const client of fast) {
        await client.until(
          () => client.offsets('public/firehose').length === appended.length,
          'every event',
        );
        expect(client.offsets('public/firehose')).toEqual(appended);
      }
      await vi.waitFor(() => expect(harness!.gateway.connections).toBe(5), { timeout: 3_000 });
      const warning = harness.lines.find(
        (line) => line.message === 'realtime slow consumer closed',
      );
      expect(warning?.fields.limit).toBe(256 * 1024);
    });
  });

  describe('cancel', () => {
    it('calls onCancel for an authorized cancel and answers cancelled; refuses others; a disconnect cancels nothing', async () => {
      const onCancel = vi.fn(async () => {});
      harness = await startHarness({ onCancel });
      const client = await harness.connect();
      client.send({ type: 'cancel', channel: 'user/alice/run-9', reason: 'user pressed stop' });
      await client.until((messages) => messages.some((m) => m.type === 'cancelled'));
      expect(onCancel).toHaveBeenCalledWith(
        'user/alice/run-9',
        { id: 'alice' },
        'user pressed stop',
      );
      client.send({ type: 'cancel', channel: 'public/run-1' });
      await client.until((messages) => messages.some((m) => m.type === 'error'));
      expect(client.messages.find((m) => m.type === 'error')).toMatchObject({
        error: { code: 'permission_denied' },
      });
      await harness.log.create('user/alice/run-10');
      client.send({ type: 'subscribe', channel: 'user/alice/run-10' });
      await client.until((messages) => messages.some((m) => m.type === 'events'));
      client.ws.terminate();
      await client.closed;
      await vi.waitFor(() => expect(harness!.gateway.connections).toBe(0));
      expect(onCancel).toHaveBeenCalledTimes(1);
    });
  });

  describe('compression', () => {
    it('negotiates permessage-deflate when compression is on, and not otherwise', async () => {
      harness = await startHarness({ configOverrides: { compression: true } });
      await harness.log.create('user/alice/big');
      await harness.log.append('user/alice/big', [
        JSON.stringify({ text: 'token '.repeat(1_000) }),
      ]);
      const client = await harness.connect({ perMessageDeflate: true });
      expect(client.ws.extensions).toContain('permessage-deflate');
      client.send({ type: 'subscribe', channel: 'user/alice/big' });
      await client.until(() => client.offsets('user/alice/big').length === 1);
      await harness.close();
      harness = await startHarness();
      const plain = await harness.connect({ perMessageDeflate: true });
      expect(plain.ws.extensions).toBe('');
    });
  });

  describe('close', () => {
    it('closes every connection with 1001 and refuses new upgrades', async () => {
      harness = await startHarness();
      const client = await harness.connect();
      await harness.gateway.close();
      expect((await client.closed).code).toBe(realtimeCloseCodes.goingAway);
      await expect(harness.connect()).rejects.toThrow();
    });
  });
});
