import {
  AgentryError,
  parseRealtimeOffset,
  type RealtimeEntry,
  type RealtimeLog,
} from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * What {@link describeRealtimeLogConformance} hands the factory for each test.
 *
 * @example
 * ```ts
 * import type { RealtimeLogConformanceContext } from '@agentry/testing/vitest';
 *
 * declare const context: RealtimeLogConformanceContext;
 * console.log(context.clock());
 * ```
 */
export interface RealtimeLogConformanceContext {
  /**
   * The clock the log must use for entries' `at`, new epochs and `sweep()` without an argument;
   * the suite moves it forward to test time-based retention.
   */
  readonly clock: () => number;
}

/**
 * Options of {@link describeRealtimeLogConformance}.
 *
 * @example
 * ```ts
 * import type { RealtimeLogConformanceOptions } from '@agentry/testing/vitest';
 *
 * const options: RealtimeLogConformanceOptions = { cleanup: () => undefined };
 * console.log(typeof options.cleanup);
 * ```
 */
export interface RealtimeLogConformanceOptions {
  /** Runs after each test, after the log was closed: remove a file, drop a table. */
  cleanup?(): Promise<void> | void;
}

/** Where the suite's clock starts: a fixed, realistic time, so epochs are realistic too. */
const startTime = 1_800_000_000_000;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32: a small, good-enough generator, so a failing case replays from its seed.
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<AgentryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(AgentryError.isInstance(error), `expected an AgentryError ${code}`).toBe(true);
  expect((error as AgentryError).code).toBe(code);
  return error as AgentryError;
}

const json = (value: unknown): string => JSON.stringify(value);
const data = (entries: readonly RealtimeEntry[]): unknown[] =>
  entries.map((entry) =>
    typeof entry.data === 'string' ? (JSON.parse(entry.data) as unknown) : [...entry.data],
  );

/**
 * Registers a vitest `describe` block that checks a {@link RealtimeLog} against the contract every
 * backend keeps: offsets strictly increasing and sortable, atomic multi-entry appends, reads after
 * any offset returning exactly the rest (a seeded property test), `-1` and `now`, limits and
 * pagination, retention by count (`offset_gone`, `truncated`), new epochs after delete and create,
 * producer duplicates, gaps and stale epochs, `writerSeq`, closing, `watch` order and the
 * watch-then-read recipe losing nothing, snapshots, `sweep` by age and expiry, and the error codes
 * of bad input. Call it at the top level of a test file; it needs `vitest`, an optional peer
 * dependency of `@agentry/testing`.
 *
 * `makeLog` runs before each test and must return an **empty** log that uses `context.clock`; the
 * suite closes it after each test, then runs `options.cleanup`.
 *
 * @param name - names the block, such as `createSqliteRealtimeLog`
 * @param makeLog - creates an empty log for one test, on the suite's clock
 * @param options - cleanup after each test
 * @example
 * ```ts
 * // my-log.conformance.test.ts
 * import type { RealtimeLog } from '@agentry/core';
 * import { describeRealtimeLogConformance } from '@agentry/testing/vitest';
 *
 * // Your backend's factory; @agentry/realtime's createMemoryRealtimeLog takes the same clock.
 * declare function createMyLog(options: { clock: () => number }): RealtimeLog;
 *
 * describeRealtimeLogConformance('createMyLog', ({ clock }) => createMyLog({ clock }));
 * ```
 */
export function describeRealtimeLogConformance(
  name: string,
  makeLog: (context: RealtimeLogConformanceContext) => Promise<RealtimeLog> | RealtimeLog,
  options: RealtimeLogConformanceOptions = {},
): void {
  describe(`${name} (realtime log conformance)`, () => {
    let now = startTime;
    let log: RealtimeLog;
    const context: RealtimeLogConformanceContext = { clock: () => now };

    beforeEach(async () => {
      now = startTime;
      log = await makeLog(context);
    });

    afterEach(async () => {
      await log.close();
      await options.cleanup?.();
    });

    describe('create', () => {
      it('creates a channel with defaults filled in, and returns it again for the same options', async () => {
        const info = await log.create('run/r-1', { labels: { userId: 'u-1' } });
        expect(info).toMatchObject({
          channel: 'run/r-1',
          contentType: 'application/json',
          closed: false,
          createdAt: startTime,
        });
        expect(info.options.labels).toEqual({ userId: 'u-1' });
        expect(info.options.maxEntries).toBeGreaterThan(0);
        expect(info.options.maxAgeMs).toBeGreaterThan(0);
        expect(info.tailOffset).toBe(`${info.epoch}_0000000000000000`);
        expect(info.retainedAfter).toBe(info.tailOffset);
        expect(parseRealtimeOffset(info.tailOffset)).toEqual({ epoch: info.epoch, seq: 0 });
        expect(await log.create('run/r-1', { labels: { userId: 'u-1' } })).toEqual(info);
        expect(await log.info('run/r-1')).toEqual(info);
      });

      it('refuses the same name with other options (conflict), and bad names and options', async () => {
        await log.create('run/r-1', { maxEntries: 10 });
        await expectCode(log.create('run/r-1', { maxEntries: 11 }), 'conflict');
        await expectCode(log.create('run//x'), 'validation_failed');
        await expectCode(log.create('run/r-2', { maxEntries: 0 }), 'validation_failed');
        await expectCode(log.create('run/r-2', { maxAgeMs: -1 }), 'validation_failed');
        await expectCode(log.create('run/r-2', { contentType: 'nonsense' }), 'validation_failed');
        expect(await log.info('run/r-2')).toBeUndefined();
      });

      it('says undefined for a channel that does not exist', async () => {
        expect(await log.info('run/none')).toBeUndefined();
      });
    });

    describe('append', () => {
      it('mints strictly increasing, sortable offsets of the channel epoch, one per entry', async () => {
        const { epoch } = await log.create('run/r-1');
        const offsets: string[] = [];
        for (let batch = 1; batch <= 12; batch += 1) {
          const result = await log.append(
            'run/r-1',
            Array.from({ length: batch }, (_, index) => json({ batch, index })),
          );
          expect(result.offsets).toHaveLength(batch);
          expect(result.duplicate).toBe(false);
          expect(result.tailOffset).toBe(result.offsets.at(-1));
          offsets.push(...result.offsets);
        }
        expect(offsets.map((offset) => parseRealtimeOffset(offset)?.seq)).toEqual(
          offsets.map((_, index) => index + 1),
        );
        expect(offsets.every((offset) => parseRealtimeOffset(offset)?.epoch === epoch)).toBe(true);
        expect([...offsets].sort()).toEqual(offsets);
        expect((await log.info('run/r-1'))?.tailOffset).toBe(offsets.at(-1));
      });

      it('appends a batch all or nothing: one bad entry and none is appended', async () => {
        await log.create('run/r-1');
        await log.append('run/r-1', [json(1)]);
        const error = await expectCode(
          log.append('run/r-1', [json(2), '{not json', json(4)]),
          'validation_failed',
        );
        expect(error.message).toContain('1');
        const page = await log.read('run/r-1', '-1');
        expect(data(page.entries)).toEqual([1]);
        const next = await log.append('run/r-1', [json(2)]);
        expect(parseRealtimeOffset(next.offsets[0]!)?.seq).toBe(2);
      });

      it('takes JSON text only on a JSON channel, and bytes or text on another', async () => {
        await log.create('run/r-1');
        await expectCode(log.append('run/r-1', [new Uint8Array([1])]), 'validation_failed');
        await expectCode(log.append('run/r-1', [42 as unknown as string]), 'validation_failed');
        await log.create('raw/b', { contentType: 'application/octet-stream' });
        await log.append('raw/b', [new Uint8Array([0, 255, 7]), 'plain text']);
        const page = await log.read('raw/b', '-1');
        expect(page.entries[0]?.data).toBeInstanceOf(Uint8Array);
        expect([...(page.entries[0]?.data as Uint8Array)]).toEqual([0, 255, 7]);
        expect(page.entries[1]?.data).toBe('plain text');
      });

      it('refuses an unknown channel (not_found) and nothing to append (validation_failed)', async () => {
        await expectCode(log.append('run/none', [json(1)]), 'not_found');
        await log.create('run/r-1');
        await expectCode(log.append('run/r-1', []), 'validation_failed');
      });

      it('stores entries with the time of the append', async () => {
        await log.create('run/r-1');
        now += 1234;
        await log.append('run/r-1', [json(1)]);
        expect((await log.read('run/r-1', '-1')).entries[0]?.at).toBe(startTime + 1234);
      });
    });

    describe('read', () => {
      it('returns exactly the entries after any kept offset and offset_gone before them, paged by any limit (seeded property test)', async () => {
        for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
          const random = seeded(seed);
          const channel = `prop/s-${seed}`;
          // Odd seeds keep everything; even ones keep a random, small number of entries.
          const maxEntries = seed % 2 === 1 ? undefined : 5 + Math.floor(random() * 40);
          await log.create(channel, maxEntries === undefined ? {} : { maxEntries });
          const offsets: string[] = [];
          const values: number[] = [];
          const batches = 5 + Math.floor(random() * 20);
          for (let batch = 0; batch < batches; batch += 1) {
            const size = 1 + Math.floor(random() * 8);
            const batchValues = Array.from({ length: size }, () =>
              Math.floor(random() * 1_000_000),
            );
            const result = await log.append(channel, batchValues.map(json));
            offsets.push(...result.offsets);
            values.push(...batchValues);
          }
          // Entries up to index `dropped - 1` were dropped; reading after offsets[dropped - 1] is fine.
          const dropped = Math.max(0, offsets.length - (maxEntries ?? offsets.length));
          for (let position = -1; position < offsets.length; position += 1) {
            const after = position === -1 ? '-1' : offsets[position]!;
            const context = `seed ${seed} (maxEntries ${String(maxEntries)}) after ${after}`;
            if (position !== -1 && position < dropped - 1) {
              const gone = await expectCode(log.read(channel, after), 'offset_gone');
              expect(gone.details, context).toMatchObject({ retainedAfter: offsets[dropped - 1] });
              continue;
            }
            const from = position === -1 ? dropped : position + 1;
            const limit = 1 + Math.floor(random() * 10);
            const collected: RealtimeEntry[] = [];
            let cursor = after;
            for (let pages = 0; pages < 1_000; pages += 1) {
              const page = await log.read(channel, cursor, { limit });
              expect(page.entries.length).toBeLessThanOrEqual(limit);
              if (pages === 0) expect(page.truncated, context).toBe(position === -1 && dropped > 0);
              collected.push(...page.entries);
              cursor = page.nextOffset;
              if (page.upToDate) break;
              expect(page.entries.length, `${context}: a page short of the tail is full`).toBe(
                limit,
              );
            }
            expect(
              collected.map((entry) => entry.offset),
              context,
            ).toEqual(offsets.slice(from));
            expect(data(collected)).toEqual(values.slice(from));
            expect(cursor).toBe(offsets.at(-1));
          }
        }
      });

      it('reads from -1 (the start) and now (the tail, nothing)', async () => {
        const { epoch } = await log.create('run/r-1');
        const empty = await log.read('run/r-1', '-1');
        expect(empty).toMatchObject({
          entries: [],
          upToDate: true,
          closed: false,
          truncated: false,
        });
        expect(empty.nextOffset).toBe(`${epoch}_0000000000000000`);
        const { offsets } = await log.append('run/r-1', [json('a'), json('b')]);
        const all = await log.read('run/r-1', '-1');
        expect(all.entries.map((entry) => entry.offset)).toEqual(offsets);
        expect(all).toMatchObject({ nextOffset: offsets[1], upToDate: true, truncated: false });
        const tail = await log.read('run/r-1', 'now');
        expect(tail).toMatchObject({ entries: [], nextOffset: offsets[1], upToDate: true });
        const last = await log.read('run/r-1', offsets[1]!);
        expect(last).toMatchObject({ entries: [], nextOffset: offsets[1], upToDate: true });
      });

      it('refuses garbage, a newer epoch and offsets past the tail (validation_failed), and unknown channels', async () => {
        const { epoch } = await log.create('run/r-1');
        await log.append('run/r-1', [json(1), json(2)]);
        for (const bad of [
          'garbage',
          '42',
          '',
          `${epoch}_00000000000000003`,
          `${epoch}_0000000000000003`,
        ])
          await expectCode(log.read('run/r-1', bad), 'validation_failed');
        const newer = (Number.parseInt(epoch, 16) + 1).toString(16).padStart(12, '0');
        await expectCode(log.read('run/r-1', `${newer}_0000000000000001`), 'validation_failed');
        await expectCode(log.read('run/r-1', '-1', { limit: 0 }), 'validation_failed');
        await expectCode(log.read('run/none', '-1'), 'not_found');
      });
    });

    describe('retention by count', () => {
      it('keeps the newest maxEntries: older offsets are offset_gone, -1 says truncated', async () => {
        const { epoch } = await log.create('run/r-1', { maxEntries: 5 });
        const offsets: string[] = [];
        for (let index = 0; index < 4; index += 1)
          offsets.push(
            ...(
              await log.append('run/r-1', [
                json(index * 3),
                json(index * 3 + 1),
                json(index * 3 + 2),
              ])
            ).offsets,
          );
        const info = await log.info('run/r-1');
        expect(info?.retainedAfter).toBe(offsets[6]);
        const page = await log.read('run/r-1', '-1');
        expect(data(page.entries)).toEqual([7, 8, 9, 10, 11]);
        expect(page.truncated).toBe(true);
        const gone = await expectCode(log.read('run/r-1', offsets[5]!), 'offset_gone');
        expect(gone.details).toMatchObject({ retainedAfter: offsets[6], epoch });
        const from = await log.read('run/r-1', offsets[6]!);
        expect(data(from.entries)).toEqual([7, 8, 9, 10, 11]);
        expect(from.truncated).toBe(false);
      });

      it('keeps at most maxEntries even when one batch is larger', async () => {
        await log.create('run/r-1', { maxEntries: 3 });
        await log.append('run/r-1', [1, 2, 3, 4, 5, 6, 7].map(json));
        expect(data((await log.read('run/r-1', '-1')).entries)).toEqual([5, 6, 7]);
      });
    });

    describe('delete', () => {
      it('starts a new, greater epoch when a deleted channel is created again', async () => {
        const first = await log.create('run/r-1');
        const { offsets } = await log.append('run/r-1', [json(1)]);
        await log.putSnapshot('run/r-1', { offset: offsets[0]!, data: json({ state: 1 }) });
        await log.delete('run/r-1');
        expect(await log.info('run/r-1')).toBeUndefined();
        await expectCode(log.read('run/r-1', '-1'), 'not_found');
        await log.delete('run/r-1');
        const second = await log.create('run/r-1');
        expect(second.epoch > first.epoch).toBe(true);
        expect(second.tailOffset > offsets[0]!).toBe(true);
        expect(await log.getSnapshot('run/r-1')).toBeUndefined();
        const gone = await expectCode(log.read('run/r-1', offsets[0]!), 'offset_gone');
        expect(gone.details).toMatchObject({ epoch: second.epoch });
        const page = await log.read('run/r-1', '-1');
        expect(page.entries).toEqual([]);
      });
    });

    describe('producers', () => {
      it('appends a retried sequence once (duplicate), refuses gaps (conflict) and stale epochs (lease_lost)', async () => {
        await log.create('run/r-1');
        const first = await log.append('run/r-1', [json('a')], {
          producer: { id: 'p', epoch: 0, seq: 0 },
        });
        const again = await log.append('run/r-1', [json('a')], {
          producer: { id: 'p', epoch: 0, seq: 0 },
        });
        expect(again).toMatchObject({ offsets: [], duplicate: true, tailOffset: first.tailOffset });
        const gap = await expectCode(
          log.append('run/r-1', [json('c')], { producer: { id: 'p', epoch: 0, seq: 2 } }),
          'conflict',
        );
        expect(gap.details).toMatchObject({ expected: 1, received: 2 });
        await log.append('run/r-1', [json('b')], { producer: { id: 'p', epoch: 0, seq: 1 } });
        // Another producer has its own sequence.
        await log.append('run/r-1', [json('x')], { producer: { id: 'q', epoch: 0, seq: 0 } });
        // A new epoch starts from 0 and fences the old one.
        await expectCode(
          log.append('run/r-1', [json('d')], { producer: { id: 'p', epoch: 1, seq: 5 } }),
          'conflict',
        );
        await log.append('run/r-1', [json('d')], { producer: { id: 'p', epoch: 1, seq: 0 } });
        await expectCode(
          log.append('run/r-1', [json('e')], { producer: { id: 'p', epoch: 0, seq: 2 } }),
          'lease_lost',
        );
        await expectCode(
          log.append('run/r-1', [json('e')], { producer: { id: '', epoch: 0, seq: 0 } }),
          'validation_failed',
        );
        expect(data((await log.read('run/r-1', '-1')).entries)).toEqual(['a', 'b', 'x', 'd']);
      });

      it('reports the producer’s highest accepted sequence (producerSeq), also on a duplicate of an older one', async () => {
        await log.create('run/r-1');
        for (const seq of [0, 1, 2]) {
          const appended = await log.append('run/r-1', [json(seq)], {
            producer: { id: 'p', epoch: 0, seq },
          });
          expect(appended).toMatchObject({ duplicate: false, producerSeq: seq });
        }
        const older = await log.append('run/r-1', [json(1)], {
          producer: { id: 'p', epoch: 0, seq: 1 },
        });
        expect(older).toMatchObject({ duplicate: true, producerSeq: 2, offsets: [] });
        const latest = await log.append('run/r-1', [json(2)], {
          producer: { id: 'p', epoch: 0, seq: 2 },
        });
        expect(latest).toMatchObject({ duplicate: true, producerSeq: 2 });
        // Each producer and epoch has its own: a new epoch starts again from 0.
        await log.append('run/r-1', [json('q')], { producer: { id: 'q', epoch: 0, seq: 0 } });
        await log.append('run/r-1', [json('p1')], { producer: { id: 'p', epoch: 1, seq: 0 } });
        const retried = await log.append('run/r-1', [json('p1')], {
          producer: { id: 'p', epoch: 1, seq: 0 },
        });
        expect(retried).toMatchObject({ duplicate: true, producerSeq: 0 });
        expect((await log.append('run/r-1', [json('plain')])).producerSeq).toBeUndefined();
      });

      it('does not advance a producer when its append is refused', async () => {
        await log.create('run/r-1');
        await expectCode(
          log.append('run/r-1', ['{bad'], { producer: { id: 'p', epoch: 0, seq: 0 } }),
          'validation_failed',
        );
        const retried = await log.append('run/r-1', [json('ok')], {
          producer: { id: 'p', epoch: 0, seq: 0 },
        });
        expect(retried.duplicate).toBe(false);
        expect(retried.offsets).toHaveLength(1);
      });
    });

    describe('writerSeq', () => {
      it('takes only a writerSeq greater than the last, as a string', async () => {
        await log.create('run/r-1');
        await log.append('run/r-1', [json(1)], { writerSeq: '0001' });
        await log.append('run/r-1', [json(2)], { writerSeq: '0002' });
        const stale = await expectCode(
          log.append('run/r-1', [json(3)], { writerSeq: '0002' }),
          'conflict',
        );
        expect(stale.details).toMatchObject({ last: '0002', received: '0002' });
        await expectCode(log.append('run/r-1', [json(3)], { writerSeq: '0001' }), 'conflict');
        await log.append('run/r-1', [json(3)]);
        await log.append('run/r-1', [json(4)], { writerSeq: '0010' });
        expect(data((await log.read('run/r-1', '-1')).entries)).toEqual([1, 2, 3, 4]);
      });
    });

    describe('closing a channel', () => {
      it('closes with the last append atomically; later appends are conflicts; reads say closed at the tail', async () => {
        await log.create('run/r-1');
        const result = await log.append('run/r-1', [json(1), json(2)], { close: true });
        expect(result.closed).toBe(true);
        expect((await log.info('run/r-1'))?.closed).toBe(true);
        await expectCode(log.append('run/r-1', [json(3)]), 'conflict');
        const all = await log.read('run/r-1', '-1');
        expect(all).toMatchObject({ upToDate: true, closed: true });
        const first = await log.read('run/r-1', '-1', { limit: 1 });
        expect(first).toMatchObject({ upToDate: false, closed: false });
        const again = await log.append('run/r-1', [], { close: true });
        expect(again).toMatchObject({ offsets: [], closed: true, tailOffset: result.tailOffset });
      });

      it('closes with an empty append, and tells watchers with an empty batch', async () => {
        await log.create('run/r-1');
        const batches: number[] = [];
        const stop = log.watch('run/r-1', (entries) => batches.push(entries.length));
        await log.append('run/r-1', [json(1)]);
        const closed = await log.append('run/r-1', [], { close: true });
        expect(closed.closed).toBe(true);
        expect(batches).toEqual([1, 0]);
        stop();
      });

      it('answers a retried closing append of a producer as a duplicate', async () => {
        await log.create('run/r-1');
        const producer = { id: 'p', epoch: 0, seq: 0 };
        await log.append('run/r-1', [json('end')], { producer, close: true });
        const retried = await log.append('run/r-1', [json('end')], { producer, close: true });
        expect(retried).toMatchObject({ duplicate: true, closed: true });
      });
    });

    describe('watch', () => {
      it('delivers every appended batch in order, until stopped', async () => {
        await log.create('run/r-1');
        const seen: string[] = [];
        const stop = log.watch('run/r-1', (entries) => {
          seen.push(...entries.map((entry) => entry.offset));
        });
        const offsets: string[] = [];
        for (let batch = 0; batch < 20; batch += 1)
          offsets.push(...(await log.append('run/r-1', [json(batch), json(-batch)])).offsets);
        expect(seen).toEqual(offsets);
        stop();
        await log.append('run/r-1', [json('after')]);
        expect(seen).toHaveLength(offsets.length);
      });

      it('loses nothing when a reader watches first, then reads, while appends go on', async () => {
        await log.create('run/r-1');
        const expected: string[] = [];
        for (let index = 0; index < 10; index += 1)
          expected.push(...(await log.append('run/r-1', [json(index)])).offsets);
        const writing = (async () => {
          for (let index = 10; index < 60; index += 1)
            expected.push(...(await log.append('run/r-1', [json(index)])).offsets);
        })();
        // The recipe: watch first, then read, skipping entries at or below the last offset seen.
        const received: string[] = [];
        let last = '';
        const accept = (entries: readonly RealtimeEntry[]): void => {
          for (const entry of entries)
            if (entry.offset > last) {
              received.push(entry.offset);
              last = entry.offset;
            }
        };
        const buffered: RealtimeEntry[] = [];
        let caughtUp = false;
        const stop = log.watch('run/r-1', (entries) => {
          if (caughtUp) accept(entries);
          else buffered.push(...entries);
        });
        let cursor = '-1';
        for (;;) {
          const page = await log.read('run/r-1', cursor, { limit: 7 });
          accept(page.entries);
          cursor = page.nextOffset;
          if (page.upToDate) break;
        }
        accept(buffered);
        caughtUp = true;
        await writing;
        stop();
        expect(received).toEqual(expected);
      });

      it('tells watchers of a deletion with an empty batch', async () => {
        await log.create('run/r-1');
        const batches: number[] = [];
        const stop = log.watch('run/r-1', (entries) => batches.push(entries.length));
        await log.delete('run/r-1');
        expect(batches).toEqual([0]);
        stop();
      });
    });

    describe('snapshots', () => {
      it('keeps the latest snapshot and ignores an older one', async () => {
        await log.create('run/r-1');
        expect(await log.getSnapshot('run/r-1')).toBeUndefined();
        const { offsets } = await log.append('run/r-1', [json(1), json(2)]);
        await log.putSnapshot('run/r-1', { offset: offsets[1]!, data: json({ upTo: 2 }) });
        await log.putSnapshot('run/r-1', { offset: offsets[0]!, data: json({ upTo: 1 }) });
        expect(await log.getSnapshot('run/r-1')).toEqual({
          offset: offsets[1],
          data: json({ upTo: 2 }),
        });
      });

      it('refuses a snapshot past the tail, of another epoch, or of the wrong kind', async () => {
        const { epoch } = await log.create('run/r-1');
        const { offsets } = await log.append('run/r-1', [json(1)]);
        await expectCode(
          log.putSnapshot('run/r-1', { offset: `${epoch}_0000000000000002`, data: json({}) }),
          'validation_failed',
        );
        await expectCode(
          log.putSnapshot('run/r-1', { offset: 'nope', data: json({}) }),
          'validation_failed',
        );
        await expectCode(
          log.putSnapshot('run/r-1', { offset: offsets[0]!, data: '{nope' }),
          'validation_failed',
        );
        await expectCode(log.getSnapshot('run/none'), 'not_found');
        expect(await log.getSnapshot('run/r-1')).toBeUndefined();
      });
    });

    describe('sweep', () => {
      it('drops entries older than maxAgeMs, as of the clock or the time given', async () => {
        await log.create('run/r-1', { maxAgeMs: 10_000 });
        const early = await log.append('run/r-1', [json(1), json(2)]);
        now += 8_000;
        await log.append('run/r-1', [json(3)]);
        now += 5_000;
        const report = await log.sweep();
        expect(report).toEqual({ entries: 2, channels: 0 });
        expect((await log.info('run/r-1'))?.retainedAfter).toBe(early.offsets[1]);
        const page = await log.read('run/r-1', '-1');
        expect(data(page.entries)).toEqual([3]);
        expect(page.truncated).toBe(true);
        await expectCode(log.read('run/r-1', early.offsets[0]!), 'offset_gone');
        expect(await log.sweep(now + 10_000)).toEqual({ entries: 1, channels: 0 });
        expect((await log.read('run/r-1', '-1')).entries).toEqual([]);
      });

      it('deletes channels whose expiresAt has passed', async () => {
        await log.create('run/old', { expiresAt: startTime + 1_000 });
        await log.create('run/new', { expiresAt: startTime + 60_000 });
        await log.append('run/old', [json(1)]);
        now += 2_000;
        expect(await log.sweep()).toEqual({ entries: 0, channels: 1 });
        expect(await log.info('run/old')).toBeUndefined();
        expect(await log.info('run/new')).toBeDefined();
      });
    });

    describe('close', () => {
      it('refuses use after close (invalid_transition)', async () => {
        await log.create('run/r-1');
        await log.close();
        await expectCode(log.append('run/r-1', [json(1)]), 'invalid_transition');
        await expectCode(log.read('run/r-1', '-1'), 'invalid_transition');
        // Closing twice is harmless (the suite closes the log again after the test).
        await log.close();
      });
    });
  });
}
