import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeTransport } from '../protocol.js';
import type { RealtimeChannelEvent } from './channel-event.js';
import { collect, testClient, until } from './__fixtures__/client-helpers.js';
import { startRealServer, type RealServer } from './__fixtures__/real-server.js';
import type { RealtimeClient } from './realtime-client.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function server(options?: Parameters<typeof startRealServer>[0]): Promise<RealServer> {
  const started = await startRealServer(options);
  cleanups.push(() => started.close());
  return started;
}
function client(options: Parameters<typeof testClient>[0]): RealtimeClient {
  const created = testClient(options);
  cleanups.push(() => created.close());
  return created;
}
const json = (values: readonly unknown[]): string[] => values.map((value) => JSON.stringify(value));
const dataOf = (events: readonly RealtimeChannelEvent[]): unknown[] =>
  events.flatMap((event) => (event.type === 'event' ? [event.data] : []));
const range = (count: number, from = 0): number[] =>
  Array.from({ length: count }, (_, index) => index + from);

describe('createRealtimeClient against createRealtimeServer', () => {
  it.each<RealtimeTransport>(['websocket', 'sse', 'long_polling'])(
    'follows a channel over %s with the log’s offsets, live appends and the close',
    async (transport) => {
      const real = await server();
      await real.log.create('run/r-1');
      await real.log.append('run/r-1', json(range(25)));
      const realtime = client({ url: real.url, transports: [transport] });
      const reading = collect(realtime.channel('run/r-1'), () => false);
      await until(() => realtime.transport === transport);
      await real.log.append('run/r-1', json(range(25, 25)));
      await real.log.append('run/r-1', json([50]), { close: true });
      const events = await reading;
      const log = await real.log.read('run/r-1', '-1', { limit: 1000 });
      expect(dataOf(events)).toEqual(range(51));
      expect(events.flatMap((event) => (event.type === 'event' ? [event.offset] : []))).toEqual(
        log.entries.map((entry) => entry.offset),
      );
      expect(events.at(-1)).toEqual({ type: 'closed', offset: log.nextOffset });
    },
  );

  it('resumes across dropped connections and a blocked WebSocket, then SSE, with the log’s exact sequence', async () => {
    const real = await server();
    await real.log.create('run/r-2');
    const realtime = client({ url: real.url, maxConnectFailures: 1 });
    const events: RealtimeChannelEvent[] = [];
    const reading = (async () => {
      for await (const event of realtime.channel('run/r-2')) events.push(event);
    })();
    let next = 0;
    const append = async (count: number): Promise<void> => {
      await real.log.append('run/r-2', json(range(count, next)));
      next += count;
    };
    const steps: (() => void)[] = [
      () => real.dropAll(),
      () => (real.block.websocket = true),
      () => real.dropAll(),
      () => (real.block.sse = true),
      () => real.dropAll(),
      () => real.dropAll(),
    ];
    for (const step of steps) {
      await append(200);
      await until(() => events.length >= next - 100);
      step();
    }
    await until(() => realtime.transport === 'long_polling');
    await real.log.append('run/r-2', json([next]), { close: true });
    await reading;
    const log = await real.log.read('run/r-2', '-1', { limit: 10_000 });
    expect(dataOf(events)).toEqual(range(next + 1));
    expect(events.flatMap((event) => (event.type === 'event' ? [event.offset] : []))).toEqual(
      log.entries.map((entry) => entry.offset),
    );
  });

  it('yields a gap when the offset fell out of retention, then the retained events', async () => {
    for (const transport of ['websocket', 'sse', 'long_polling'] as const) {
      const real = await server();
      await real.log.create('run/r-3', { maxEntries: 5 });
      const { offsets } = await real.log.append('run/r-3', json(range(3)));
      await real.log.append('run/r-3', json(range(7, 3)));
      const realtime = client({ url: real.url, transports: [transport] });
      const events = await collect(
        realtime.channel('run/r-3', { offset: offsets[0] }),
        (seen) => dataOf(seen).length === 5,
      );
      expect(events[0]).toMatchObject({ type: 'gap', reason: 'retention' });
      expect(dataOf(events)).toEqual([5, 6, 7, 8, 9]);
    }
  });

  it.each<RealtimeTransport>(['websocket', 'sse', 'long_polling'])(
    'yields a gap with the channel’s snapshot over %s, then the events after the snapshot',
    async (transport) => {
      const real = await server();
      await real.log.create('run/r-snap', { maxEntries: 4 });
      const { offsets } = await real.log.append('run/r-snap', json(range(6)));
      // Retained: 2..5 (after offsets[1]); the snapshot is as of 3, so 4 and 5 follow it.
      await real.log.putSnapshot('run/r-snap', {
        offset: offsets[3]!,
        data: JSON.stringify({ upTo: 3 }),
      });
      const realtime = client({ url: real.url, transports: [transport] });
      const reading = collect(
        realtime.channel('run/r-snap', { offset: offsets[0] }),
        (seen) => dataOf(seen).length === 3,
      );
      await until(() => realtime.transport === transport);
      await real.log.append('run/r-snap', json([6]));
      const events = await reading;
      expect(events[0]).toEqual({
        type: 'gap',
        reason: 'retention',
        snapshot: { offset: offsets[3], data: { upTo: 3 } },
      });
      expect(dataOf(events)).toEqual([4, 5, 6]);
      const log = await real.log.read('run/r-snap', offsets[3]!);
      expect(events.flatMap((event) => (event.type === 'event' ? [event.offset] : []))).toEqual(
        log.entries.map((entry) => entry.offset),
      );
    },
  );

  it('authenticates with a ticket from the server, and fails a channel the ticket does not cover', async () => {
    const real = await server({ auth: 'required' });
    await real.log.create('run/mine');
    await real.log.create('run/theirs');
    await real.log.append('run/mine', json(['hello']));
    for (const transport of ['websocket', 'sse', 'long_polling'] as const) {
      const realtime = client({
        url: real.url,
        transports: [transport],
        ticket: () =>
          Promise.resolve(
            real.realtime.issueTicket({ userId: 'user-1', channels: ['run/mine'], ttl: 60_000 }),
          ),
      });
      expect(
        dataOf(await collect(realtime.channel('run/mine'), (seen) => seen.length === 1)),
      ).toEqual(['hello']);
      const denied = collect(realtime.channel('run/theirs'), () => false);
      await expect(denied).rejects.toSatisfy(
        (error) => AgentryError.isInstance(error) && error.code === 'permission_denied',
      );
    }
  });

  it('cancels over the WebSocket and over HTTP', async () => {
    const real = await server();
    await real.log.create('run/r-4');
    const realtime = client({ url: real.url, transports: ['websocket'] });
    const iterator = realtime.channel('run/r-4')[Symbol.asyncIterator]();
    void iterator.next();
    await until(() => realtime.transport === 'websocket');
    await realtime.cancel('run/r-4', 'stop');
    await iterator.return?.();
    await client({ url: real.url, transports: ['sse'] }).cancel('run/r-4');
    expect(real.cancels).toEqual(['run/r-4', 'run/r-4']);
  });

  it('starts on the transport the server is configured to prefer', async () => {
    for (const protocol of ['sse', 'long_polling'] as const) {
      const real = await server({
        config: {
          realtime: { protocol, maxLatency: 100, bufferSize: 10_000, heartbeatInterval: 30_000 },
        },
      });
      await real.log.create('run/r-5');
      await real.log.append('run/r-5', json(['a']));
      const realtime = client({ url: real.url });
      let transport: RealtimeTransport | undefined;
      const events = await collect(realtime.channel('run/r-5'), (seen) => {
        transport = realtime.transport;
        return seen.length === 1;
      });
      expect(dataOf(events)).toEqual(['a']);
      expect(transport).toBe(protocol);
    }
  });

  it('authenticates with a bearer token over the WebSocket (ws sends headers) and over HTTP', async () => {
    const token = `token-${String(Date.now())}`;
    const real = await server({
      auth: 'required',
      verifyToken: (candidate) =>
        Promise.resolve(
          candidate === token ? { id: 'service-1', channels: ['run/**'] } : undefined,
        ),
    });
    await real.log.create('run/r-6');
    await real.log.append('run/r-6', json([1, 2]));
    for (const transport of ['websocket', 'sse', 'long_polling'] as const) {
      const realtime = client({ url: real.url, transports: [transport], token });
      expect(
        dataOf(await collect(realtime.channel('run/r-6'), (seen) => seen.length === 2)),
      ).toEqual([1, 2]);
    }
    // A refused upgrade looks like any failed connection (browsers do not show its status): the
    // client falls back, and HTTP's 401 settles it.
    const refused = client({ url: real.url, token: 'not-the-token' });
    await expect(collect(refused.channel('run/r-6'), () => false)).rejects.toSatisfy(
      (error) => AgentryError.isInstance(error) && error.code === 'unauthenticated',
    );
  });
});
