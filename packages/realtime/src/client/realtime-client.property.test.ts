import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RealtimeTransport } from '../protocol.js';
import type { RealtimeChannelEvent } from './channel-event.js';
import { testClient, until } from './__fixtures__/client-helpers.js';
import { startLoopbackServer } from './__fixtures__/loopback-server.js';

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

describe('createRealtimeClient (property)', () => {
  it(`delivers exactly the log's sequence of ${String(total)} events across random drops, reconnects and transport switches`, async () => {
    const used = new Set<RealtimeTransport>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(chaos, { minLength: 20, maxLength: 60 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 0, max: 5 }),
        async (schedule, batchSize, replayOverlap) => {
          const loopback = await startLoopbackServer({ batchSize, replayOverlap, longPollMs: 50 });
          const transportsUsed: RealtimeTransport[] = [];
          const realtime = testClient({
            url: loopback.url,
            maxConnectFailures: 1,
            upgradeAfterMs: 15,
            backoff: { initialMs: 2, maxMs: 20, factor: 2 },
            logger: {
              debug: (message, fields) => {
                if (message === 'realtime: connected')
                  transportsUsed.push(fields?.transport as RealtimeTransport);
              },
            },
          });
          const received: RealtimeChannelEvent[] = [];
          const reading = (async () => {
            for await (const event of realtime.channel('run/property')) received.push(event);
          })();
          try {
            let appended = 0;
            const append = (count: number): void => {
              const take = Math.min(count, total - appended);
              loopback.append(
                'run/property',
                ...Array.from({ length: take }, (_, index) => ({ n: appended + index })),
              );
              appended += take;
            };
            for (const step of schedule) {
              if (step.kind === 'append') append(step.count);
              else if (step.kind === 'drop') loopback.dropAll();
              else if (step.kind === 'close-websockets') loopback.closeWebSockets(step.code);
              else if (step.kind === 'block') loopback.block[step.transport] = step.blocked;
              else await until(() => received.length >= appended);
              // Let some of the traffic through before the next blow.
              const target = Math.floor(appended * 0.9);
              await until(() => received.length >= target);
            }
            append(total);
            loopback.closeChannel('run/property');
            await reading;
            const log = loopback.entries('run/property');
            expect(received.at(-1)).toEqual({ type: 'closed', offset: log.at(-1)!.offset });
            const events = received.filter((event) => event.type === 'event');
            expect(events.length).toBe(total);
            expect(events.map((event) => event.offset)).toEqual(log.map((entry) => entry.offset));
            expect(events.map((event) => (event.data as { n: number }).n)).toEqual(
              log.map((entry) => (entry.data as { n: number }).n),
            );
            for (const transport of transportsUsed) used.add(transport);
          } finally {
            realtime.close();
            await loopback.close();
          }
        },
      ),
      { numRuns: 4, seed: 1307, endOnFailure: true },
    );
    // The schedules made the client switch between every transport.
    expect([...used].sort()).toEqual(['long_polling', 'sse', 'websocket']);
  }, 120_000);
});
