import { AgentryError } from '@agentry/core';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeTransport } from '../protocol.js';
import { realtimeCloseCodes } from '../protocol.js';
import { collect, countEvents, testClient, until } from './__fixtures__/client-helpers.js';
import {
  startLoopbackServer,
  type LoopbackServer,
  type LoopbackServerOptions,
} from './__fixtures__/loopback-server.js';
import { createRealtimeClient, type RealtimeClient } from './realtime-client.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options?: LoopbackServerOptions): Promise<LoopbackServer> {
  const started = await startLoopbackServer(options);
  cleanups.push(() => started.close());
  return started;
}
function client(options: Parameters<typeof testClient>[0]): RealtimeClient {
  const created = testClient(options);
  cleanups.push(() => created.close());
  return created;
}
const numbers = (count: number, from = 1): number[] =>
  Array.from({ length: count }, (_, index) => index + from);
const dataOf = (events: readonly { type: string; data?: unknown }[]): unknown[] =>
  events.filter((event) => event.type === 'event').map((event) => event.data);

describe('createRealtimeClient', () => {
  describe('channel', () => {
    it.each<RealtimeTransport>(['websocket', 'sse', 'long_polling'])(
      'follows a channel over %s: catch-up, live events and the close, each once with its offset',
      async (transport) => {
        const loopback = await server({ batchSize: 7 });
        loopback.append('run/r-1', ...numbers(20));
        const realtime = client({ url: loopback.url, transports: [transport] });
        const reading = collect(realtime.channel('run/r-1'), () => false);
        await until(() => realtime.transport === transport);
        loopback.append('run/r-1', ...numbers(15, 21));
        loopback.closeChannel('run/r-1');
        const events = await reading;
        expect(dataOf(events)).toEqual(numbers(35));
        const offsets = events
          .filter((event) => event.type === 'event')
          .map((event) => event.offset);
        expect(offsets).toEqual(loopback.entries('run/r-1').map((entry) => entry.offset));
        expect(events.at(-1)).toEqual({ type: 'closed', offset: offsets.at(-1) });
      },
    );

    it('takes each SSE entry’s offset from the control event’s list, not from consecutive numbering', async () => {
      const loopback = await server({ batchSize: 4, offsetStep: 3, sseOffsets: true });
      loopback.append('run/r-1', ...numbers(10));
      const realtime = client({ url: loopback.url, transports: ['sse'] });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      await until(() => realtime.transport === 'sse');
      loopback.append('run/r-1', ...numbers(5, 11));
      loopback.closeChannel('run/r-1');
      const events = await reading;
      expect(dataOf(events)).toEqual(numbers(15));
      expect(events.filter((event) => event.type === 'event').map((event) => event.offset)).toEqual(
        loopback.entries('run/r-1').map((entry) => entry.offset),
      );
    });

    it('starts after a given offset and with now only yields what comes next', async () => {
      const loopback = await server();
      const offsets = loopback.append('run/r-1', ...numbers(10));
      const realtime = client({ url: loopback.url, transports: ['websocket'] });
      const after = await collect(
        realtime.channel('run/r-1', { offset: offsets[5] }),
        (events) => events.length === 4,
      );
      expect(dataOf(after)).toEqual([7, 8, 9, 10]);
      const live = collect(
        realtime.channel('run/r-1', { offset: 'now' }),
        (events) => events.length === 2,
      );
      await until(() => realtime.transport === 'websocket');
      await new Promise((resolve) => setTimeout(resolve, 20));
      loopback.append('run/r-1', 11, 12);
      expect(dataOf(await live)).toEqual([11, 12]);
    });

    it('resumes after dropped connections without losing or repeating an event', async () => {
      for (const transport of ['websocket', 'sse', 'long_polling'] as const) {
        const loopback = await server({ batchSize: 3 });
        const realtime = client({ url: loopback.url, transports: [transport] });
        const reading = collect(realtime.channel('run/r-1'), () => false);
        for (let round = 0; round < 5; round++) {
          await until(() => realtime.transport === transport);
          loopback.append('run/r-1', ...numbers(10, round * 10 + 1));
          loopback.dropAll();
        }
        loopback.closeChannel('run/r-1');
        expect(dataOf(await reading)).toEqual(numbers(50));
      }
    });

    it('yields a gap with the snapshot when the history asked for is gone, then the events after it', async () => {
      for (const transport of ['websocket', 'sse', 'long_polling'] as const) {
        const loopback = await server();
        const offsets = loopback.append('run/r-1', ...numbers(10));
        loopback.trim('run/r-1', 6, { messages: [1, 2, 3, 4, 5, 6] });
        const realtime = client({ url: loopback.url, transports: [transport] });
        const events = await collect(
          realtime.channel('run/r-1', { offset: offsets[1] }),
          (seen) => countEvents(seen) === 4,
        );
        expect(events[0]).toEqual({
          type: 'gap',
          reason: 'retention',
          snapshot: { offset: offsets[5], data: { messages: [1, 2, 3, 4, 5, 6] } },
        });
        expect(dataOf(events)).toEqual([7, 8, 9, 10]);
      }
    });

    it('fails the iteration with the server’s error when the channel is not allowed, and others go on', async () => {
      for (const transport of ['websocket', 'sse'] as const) {
        const loopback = await server({ forbidden: new Set(['run/secret']) });
        loopback.append('run/open', 1);
        const realtime = client({ url: loopback.url, transports: [transport] });
        const denied = collect(realtime.channel('run/secret'), () => false);
        await expect(denied).rejects.toMatchObject({ code: 'permission_denied' });
        expect(
          dataOf(await collect(realtime.channel('run/open'), (events) => events.length === 1)),
        ).toEqual([1]);
      }
    });

    it('refuses a second follower of the same channel with conflict', async () => {
      const loopback = await server();
      const realtime = client({ url: loopback.url, transports: ['websocket'] });
      const first = realtime.channel('run/r-1')[Symbol.asyncIterator]();
      const pending = first.next();
      await expect(collect(realtime.channel('run/r-1'), () => false)).rejects.toMatchObject({
        code: 'conflict',
      });
      loopback.append('run/r-1', 'a');
      expect(await pending).toMatchObject({ value: { type: 'event', data: 'a' } });
      await first.return?.();
    });

    it('throws validation_failed for a bad channel name or offset', async () => {
      const loopback = await server();
      const realtime = client({ url: loopback.url });
      expect(() => realtime.channel('')).toThrow(AgentryError);
      expect(() => realtime.channel('run/r-1', { offset: 'a=b' })).toThrow(/is not an offset/);
    });
  });

  describe('observable', () => {
    it('is an rxjs-compatible Observable that completes when the channel closes', async () => {
      const loopback = await server();
      loopback.append('run/r-1', ...numbers(5));
      loopback.closeChannel('run/r-1');
      const realtime = client({ url: loopback.url, transports: ['sse'] });
      const events = await firstValueFrom(
        from(realtime.channel('run/r-1').observable()).pipe(toArray()),
      );
      expect(dataOf(events)).toEqual(numbers(5));
      expect(events.at(-1)?.type).toBe('closed');
    });

    it('stops following on unsubscribe', async () => {
      const loopback = await server();
      const realtime = client({ url: loopback.url, transports: ['websocket'] });
      const seen: unknown[] = [];
      const subscription = realtime
        .channel('run/r-1')
        .observable()
        .subscribe((event) => seen.push(event));
      loopback.append('run/r-1', 1);
      await until(() => seen.length === 1);
      subscription.unsubscribe();
      expect(subscription.closed).toBe(true);
      loopback.append('run/r-1', 2);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(seen).toHaveLength(1);
      // The channel can be followed again once the first follower stopped.
      expect(
        dataOf(await collect(realtime.channel('run/r-1'), (events) => events.length === 2)),
      ).toEqual([1, 2]);
    });
  });

  describe('transports', () => {
    it('falls back from a blocked WebSocket to SSE, then to long polling, with the same sequence', async () => {
      const loopback = await server();
      loopback.block.websocket = true;
      loopback.append('run/r-1', ...numbers(5));
      const realtime = client({ url: loopback.url });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      await until(() => realtime.transport === 'sse');
      loopback.block.sse = true;
      loopback.append('run/r-1', ...numbers(5, 6));
      loopback.dropAll();
      await until(() => realtime.transport === 'long_polling');
      loopback.append('run/r-1', ...numbers(5, 11));
      loopback.closeChannel('run/r-1');
      expect(dataOf(await reading)).toEqual(numbers(15));
      expect(loopback.connections.websocket).toBeGreaterThanOrEqual(2);
    });

    it('falls back at once when the WebSocket constructor is refused', async () => {
      const loopback = await server();
      loopback.append('run/r-1', 1, 2);
      const Refused = function () {
        throw new Error('Refused by policy');
      } as unknown as NonNullable<Parameters<typeof createRealtimeClient>[0]['WebSocket']>;
      const realtime = client({ url: loopback.url, WebSocket: Refused });
      let transport: RealtimeTransport | undefined;
      const events = await collect(realtime.channel('run/r-1'), (seen) => {
        transport = realtime.transport;
        return seen.length === 2;
      });
      expect(dataOf(events)).toEqual([1, 2]);
      expect(transport).toBe('sse');
      expect(loopback.connections.websocket).toBe(0);
    });

    it('uses the transport the server advertises first', async () => {
      const loopback = await server({ advertise: 'long_polling' });
      loopback.append('run/r-1', 1);
      const realtime = client({ url: loopback.url });
      let transport: RealtimeTransport | undefined;
      const events = await collect(realtime.channel('run/r-1'), (seen) => {
        transport = realtime.transport;
        return seen.length === 1;
      });
      expect(dataOf(events)).toEqual([1]);
      expect(transport).toBe('long_polling');
      expect(loopback.connections.websocket).toBe(0);
    });

    it('goes back to the preferred transport once it works again', async () => {
      const loopback = await server();
      loopback.block.websocket = true;
      const realtime = client({ url: loopback.url, upgradeAfterMs: 30 });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      await until(() => realtime.transport === 'sse');
      loopback.append('run/r-1', 1, 2);
      loopback.block.websocket = false;
      await until(() => realtime.transport === 'websocket');
      loopback.append('run/r-1', 3);
      loopback.closeChannel('run/r-1');
      expect(dataOf(await reading)).toEqual([1, 2, 3]);
    });
  });

  describe('credentials', () => {
    it('gets a fresh ticket after close code 4001 and resumes', async () => {
      const tickets = ['ticket-one', 'ticket-two'].map((name) => `${name}-${String(Date.now())}`);
      const loopback = await server({ credentials: new Set(tickets) });
      let calls = 0;
      const realtime = client({
        url: loopback.url,
        transports: ['websocket'],
        ticket: () => Promise.resolve(tickets[Math.min(calls++, 1)]!),
      });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      loopback.append('run/r-1', 1);
      await until(() => realtime.transport === 'websocket' && calls === 1);
      loopback.options.credentials!.delete(tickets[0]!);
      loopback.closeWebSockets(realtimeCloseCodes.credentialExpired, 'expired');
      loopback.append('run/r-1', 2);
      loopback.closeChannel('run/r-1');
      expect(dataOf(await reading)).toEqual([1, 2]);
      expect(calls).toBe(2);
    });

    it('fails with unauthenticated when a fixed credential is refused', async () => {
      const loopback = await server({ credentials: new Set(['accepted']) });
      const realtime = client({ url: loopback.url, transports: ['sse'], token: 'refused' });
      await expect(collect(realtime.channel('run/r-1'), () => false)).rejects.toMatchObject({
        code: 'unauthenticated',
      });
    });
  });

  describe('close codes', () => {
    it('resumes after 4000, 4004, 1001 and 1013', async () => {
      const loopback = await server();
      const realtime = client({ url: loopback.url, transports: ['websocket'] });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      for (const [index, code] of [4000, 4004, 1001, 1013].entries()) {
        await until(() => realtime.transport === 'websocket');
        loopback.append('run/r-1', index);
        await until(() => loopback.entries('run/r-1').length === index + 1);
        loopback.closeWebSockets(code);
        await until(() => loopback.connections.websocket === index + 2);
      }
      loopback.closeChannel('run/r-1');
      expect(dataOf(await reading)).toEqual([0, 1, 2, 3]);
    });

    it('fails every channel when the server closes with 1008', async () => {
      const loopback = await server();
      const realtime = client({ url: loopback.url, transports: ['websocket'] });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      await until(() => realtime.transport === 'websocket');
      loopback.closeWebSockets(realtimeCloseCodes.policyViolation, 'too many subscriptions');
      await expect(reading).rejects.toMatchObject({ code: 'invalid_request' });
    });
  });

  describe('cancel', () => {
    it('cancels over the open WebSocket, and over HTTP otherwise', async () => {
      const loopback = await server();
      const realtime = client({ url: loopback.url, transports: ['websocket'] });
      const reading = realtime.channel('run/r-1')[Symbol.asyncIterator]();
      void reading.next();
      await until(() => realtime.transport === 'websocket');
      await realtime.cancel('run/r-1', 'stop');
      await reading.return?.();
      const idle = client({ url: loopback.url });
      await idle.cancel('run/r-2');
      expect(loopback.cancels).toEqual([
        { channel: 'run/r-1', reason: 'stop', via: 'websocket' },
        { channel: 'run/r-2', via: 'http' },
      ]);
    });
  });

  describe('close', () => {
    it('ends every iteration', async () => {
      const loopback = await server();
      const realtime = client({ url: loopback.url, transports: ['websocket'] });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      await until(() => realtime.transport === 'websocket');
      realtime.close();
      expect(await reading).toEqual([]);
    });
  });

  it('throws validation_failed when only websocket is allowed and there is no WebSocket', () => {
    const hasGlobal = 'WebSocket' in globalThis;
    if (!hasGlobal) {
      expect(() =>
        createRealtimeClient({ url: 'http://127.0.0.1:9/realtime', transports: ['websocket'] }),
      ).toThrow(/no global WebSocket/);
    }
    expect(() =>
      createRealtimeClient({ url: 'http://127.0.0.1:9/realtime', transports: [] }),
    ).toThrow(expect.objectContaining({ code: 'validation_failed' }) as Error);
    expect(() =>
      createRealtimeClient({ url: 'http://127.0.0.1:9/realtime', maxConnectFailures: 0 }),
    ).toThrow(/maxConnectFailures/);
    expect(() =>
      createRealtimeClient({ url: 'http://127.0.0.1:9/realtime', backoff: { initialMs: -1 } }),
    ).toThrow(/backoff.initialMs/);
  });

  it('throws validation_failed for a URL that is not http(s) or ws(s)', () => {
    expect(() => createRealtimeClient({ url: 'ftp://example.com/realtime' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }) as Error,
    );
    expect(() => createRealtimeClient({ url: 'not a url' })).toThrow(/is not a URL/);
  });
});
