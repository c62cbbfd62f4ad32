import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RealtimeTransport } from '../protocol.js';
import type { RealtimeChannelEvent } from './channel-event.js';
import { testClient, until } from './__fixtures__/client-helpers.js';
import { startLoopbackServer } from './__fixtures__/loopback-server.js';
import { startRealServer } from './__fixtures__/real-server.js';

const total = 10_000;

type Chaos =
  | { kind: 'append'; count: number }
  | { kind: 'drop' }
  | { kind: 'close-websockets'; code: 1001 | 1013 | 4000 | 4004 }
  | { kind: 'block'; transport: 'websocket' | 'sse'; blocked: boolean }
  | { kind: 'settle' };

const chaos: fc.Arbitrary<Chaos> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 600 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'drop' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('close-websockets' as const),
      code: fc.constantFrom(1001 as const, 1013 as const, 4000 as const, 4004 as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('block' as const),
      transport: fc.constantFrom('websocket' as const, 'sse' as const),
      blocked: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
);

/** What the property needs from a server: append, close, read back, and the chaos levers. */
interface Driver {
  readonly url: string;
  append(data: readonly unknown[]): Promise<void>;
  closeChannel(): Promise<void>;
  log(): Promise<{ offset: string; data: unknown }[]>;
  dropAll(): void;
  closeWebSockets(code: number): void;
  readonly block: { websocket: boolean; sse: boolean };
  close(): Promise<void>;
}

const channel = 'run/property';

const drivers: Record<string, (batchSize: number, replayOverlap: number) => Promise<Driver>> = {
  'the scripted loopback server (at-least-once replays)': async (batchSize, replayOverlap) => {
    const loopback = await startLoopbackServer({ batchSize, replayOverlap, longPollMs: 50 });
    return {
      url: loopback.url,
      append: (data) => Promise.resolve(void loopback.append(channel, ...data)),
      closeChannel: () => Promise.resolve(loopback.closeChannel(channel)),
      log: () => Promise.resolve([...loopback.entries(channel)]),
      dropAll: () => loopback.dropAll(),
      closeWebSockets: (code) => loopback.closeWebSockets(code),
      block: loopback.block,
      close: () => loopback.close(),
    };
  },
  'createRealtimeServer on the memory log': async () => {
    const real = await startRealServer({ longPollTimeout: 50 });
    await real.log.create(channel, { maxEntries: 20_000 });
    return {
      url: real.url,
      append: async (data) =>
        void (await real.log.append(
          channel,
          data.map((item) => JSON.stringify(item)),
        )),
      closeChannel: async () => void (await real.log.append(channel, [], { close: true })),
      log: async () => {
        const read = await real.log.read(channel, '-1', { limit: 20_000 });
        return read.entries.map((entry) => ({
          offset: entry.offset,
          data: JSON.parse(String(entry.data)) as unknown,
        }));
      },
      dropAll: () => real.dropAll(),
      // The real server closes with its own codes; a drop stands in for them.
      closeWebSockets: () => real.dropAll(),
      block: real.block,
      close: () => real.close(),
    };
  },
};

describe('createRealtimeClient (property)', () => {
  describe.each(Object.entries(drivers))('against %s', (_, start) => {
    it(`delivers exactly the log's sequence of ${String(total)} events across random drops, reconnects and transport switches`, async () => {
      const used = new Set<RealtimeTransport>();
      await fc.assert(
        fc.asyncProperty(
          fc.array(chaos, { minLength: 20, maxLength: 60 }),
          fc.integer({ min: 1, max: 80 }),
          fc.integer({ min: 0, max: 5 }),
          async (schedule, batchSize, replayOverlap) => {
            const server = await start(batchSize, replayOverlap);
            const realtime = testClient({
              url: server.url,
              maxConnectFailures: 1,
              upgradeAfterMs: 15,
              backoff: { initialMs: 2, maxMs: 20, factor: 2 },
              logger: {
                debug: (message, fields) => {
                  if (message === 'realtime: connected')
                    used.add(fields?.transport as RealtimeTransport);
                },
              },
            });
            const received: RealtimeChannelEvent[] = [];
            const reading = (async () => {
              for await (const event of realtime.channel(channel)) received.push(event);
            })();
            try {
              let appended = 0;
              const append = async (count: number): Promise<void> => {
                const take = Math.min(count, total - appended);
                if (take === 0) return;
                await server.append(
                  Array.from({ length: take }, (_, index) => ({ n: appended + index })),
                );
                appended += take;
              };
              for (const step of schedule) {
                if (step.kind === 'append') await append(step.count);
                else if (step.kind === 'drop') server.dropAll();
                else if (step.kind === 'close-websockets') server.closeWebSockets(step.code);
                else if (step.kind === 'block') server.block[step.transport] = step.blocked;
                else await until(() => received.length >= appended);
                // Let some of the traffic through before the next blow.
                const target = Math.floor(appended * 0.9);
                await until(() => received.length >= target);
              }
              await append(total);
              await server.closeChannel();
              await reading;
              const log = await server.log();
              expect(received.at(-1)).toEqual({ type: 'closed', offset: log.at(-1)!.offset });
              const events = received.filter((event) => event.type === 'event');
              expect(events.length).toBe(total);
              expect(events.map((event) => event.offset)).toEqual(log.map((entry) => entry.offset));
              expect(events.map((event) => (event.data as { n: number }).n)).toEqual(
                log.map((entry) => (entry.data as { n: number }).n),
              );
            } finally {
              realtime.close();
              await server.close();
            }
          },
        ),
        { numRuns: 3, seed: 1307, endOnFailure: true },
      );
      // The schedules made the client switch between every transport.
      expect([...used].sort()).toEqual(['long_polling', 'sse', 'websocket']);
    }, 120_000);
  });
});
