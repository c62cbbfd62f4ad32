import {
  AgentryError,
  REALTIME_LOG_DEFAULTS,
  assertChannelName,
  assertRealtimeEntries,
  createRealtimeWatchers,
  checkRealtimeProducer,
  realtimeDuplicateAppendResult,
  checkRealtimeWriterSeq,
  formatRealtimeOffset,
  newRealtimeEpoch,
  parseRealtimeOffset,
  realtimeChannelNotFound,
  realtimeChannelOptionsKey,
  realtimeLogClosed,
  realtimeOptionsConflict,
  resolveRealtimeChannelOptions,
  resolveRealtimeReadLimit,
  resolveRealtimeReadStart,
  type RealtimeAppendOptions,
  type RealtimeAppendResult,
  type RealtimeChannelInfo,
  type RealtimeChannelOptions,
  type RealtimeEntry,
  type RealtimeLog,
  type RealtimeProducerState,
  type RealtimeReadResult,
  type RealtimeSnapshot,
  type RealtimeSweepReport,
  type ResolvedRealtimeChannelOptions,
} from '@agentry/core';
import { EntryQueue } from './entry-queue.js';

/**
 * Options of {@link createMemoryRealtimeLog}.
 *
 * @example
 * ```ts
 * import type { MemoryRealtimeLogOptions } from '@agentry/realtime';
 *
 * const options: MemoryRealtimeLogOptions = { maxEntries: 1_000, maxAgeMs: 3_600_000 };
 * console.log(options.maxEntries);
 * ```
 */
export interface MemoryRealtimeLogOptions {
  /** Entries kept per channel when a channel does not say; default 10,000. */
  readonly maxEntries?: number;
  /** How long entries are kept (milliseconds) when a channel does not say; default a day. */
  readonly maxAgeMs?: number;
  /** The clock for entries' `at`, epochs and `sweep`; default `Date.now`. */
  readonly clock?: () => number;
  /**
   * Called when a `watch` listener throws; the append and the other listeners go on regardless.
   * Default: `console.error`.
   */
  readonly onListenerError?: (error: unknown, channel: string) => void;
}

type Listener = (entries: readonly RealtimeEntry[]) => void;

/**
 * One channel. Owned by the log's closure: `channels` maps a live channel's name to it; `create`
 * adds it, `delete` and `sweep` remove it (leaving the epoch in `tombstones`). Invariants: the
 * entries kept are exactly the sequences `retainedAfterSeq + 1 … tailSeq`; once `closed`, `tailSeq`
 * never moves again.
 */
interface ChannelState {
  readonly name: string;
  readonly epoch: string;
  readonly options: ResolvedRealtimeChannelOptions;
  readonly optionsKey: string;
  readonly createdAt: number;
  readonly entries: EntryQueue;
  tailSeq: number;
  retainedAfterSeq: number;
  closed: boolean;
  writerSeq: string | undefined;
  readonly producers: Map<string, RealtimeProducerState>;
  snapshot: { readonly seq: number; readonly value: RealtimeSnapshot } | undefined;
}

const emptyBatch: readonly RealtimeEntry[] = Object.freeze([]);

/**
 * Creates a {@link RealtimeLog} that keeps every channel in this process's memory: the log for
 * tests, a single process, and development. It is gone when the process ends (a new process starts
 * new epochs, so readers see `offset_gone`, never a silent skip); use `createSqliteRealtimeLog`
 * from `@agentry/store-sqlite` to survive restarts.
 *
 * Retention by `maxEntries` applies at each append in O(1) amortised time; `sweep` applies
 * `maxAgeMs` and `expiresAt`. `watch` listeners run synchronously right after an append, with the
 * very entries appended (no copies), before `append`'s promise settles. A channel deleted and
 * created again gets a greater epoch than before, so old offsets are `offset_gone`.
 *
 * @param options - default retention, the clock, and where listener errors go
 * @throws AgentryError `validation_failed` for a default that is not a positive integer
 * @example
 * ```ts
 * import { createMemoryRealtimeLog } from '@agentry/realtime';
 *
 * const log = createMemoryRealtimeLog({ maxEntries: 1_000 });
 * await log.create('run/r-1');
 * const stop = log.watch('run/r-1', (entries) => console.log(entries.map((entry) => entry.data)));
 * const { offsets } = await log.append('run/r-1', [JSON.stringify({ type: 'RUN_STARTED' })]);
 * const page = await log.read('run/r-1', '-1');
 * console.log(page.entries[0]?.offset === offsets[0]); // true
 * stop();
 * await log.close();
 * ```
 */
export function createMemoryRealtimeLog(options: MemoryRealtimeLogOptions = {}): RealtimeLog {
  const clock = options.clock ?? Date.now;
  const defaults = resolveRealtimeChannelOptions(
    'defaults',
    { maxEntries: options.maxEntries, maxAgeMs: options.maxAgeMs },
    REALTIME_LOG_DEFAULTS,
  );
  const onListenerError =
    options.onListenerError ??
    ((error: unknown, channel: string) => {
      // eslint-disable-next-line no-console -- the documented default of onListenerError
      console.error(`A realtime watch listener on ${JSON.stringify(channel)} threw:`, error);
    });
  /** Live channels by name. */
  const channels = new Map<string, ChannelState>();
  /** The last epoch of each deleted channel, so a channel made again starts a greater one. */
  const tombstones = new Map<string, string>();
  /** Listeners by channel name; they outlive a channel's deletion and see its next incarnation. */
  const watchers = createRealtimeWatchers(onListenerError);
  const notify = (channel: string, entries: readonly RealtimeEntry[]): void =>
    watchers.notify(channel, entries);
  let closed = false;

  function open(): void {
    if (closed) throw realtimeLogClosed('memory');
  }

  function existing(channel: string): ChannelState {
    open();
    const state = channels.get(channel);
    if (state === undefined) {
      assertChannelName(channel);
      throw realtimeChannelNotFound(channel);
    }
    return state;
  }

  function infoOf(state: ChannelState): RealtimeChannelInfo {
    return {
      channel: state.name,
      contentType: state.options.contentType,
      options: state.options,
      epoch: state.epoch,
      tailOffset: formatRealtimeOffset(state.epoch, state.tailSeq),
      retainedAfter: formatRealtimeOffset(state.epoch, state.retainedAfterSeq),
      closed: state.closed,
      createdAt: state.createdAt,
    };
  }

  function dropOldest(state: ChannelState, count: number): void {
    if (count <= 0) return;
    state.entries.drop(count);
    state.retainedAfterSeq += count;
  }

  function remove(channel: string): boolean {
    const state = channels.get(channel);
    if (state === undefined) return false;
    channels.delete(channel);
    tombstones.set(channel, state.epoch);
    notify(channel, emptyBatch);
    return true;
  }

  // The operations, synchronous; the log below turns their throws into rejections.
  const sync = {
    create(channel: string, channelOptions?: RealtimeChannelOptions): RealtimeChannelInfo {
      open();
      assertChannelName(channel);
      const resolved = resolveRealtimeChannelOptions(channel, channelOptions, defaults);
      const key = realtimeChannelOptionsKey(resolved);
      const found = channels.get(channel);
      if (found !== undefined) {
        if (found.optionsKey !== key) throw realtimeOptionsConflict(channel, found.optionsKey, key);
        return infoOf(found);
      }
      const now = clock();
      const state: ChannelState = {
        name: channel,
        epoch: newRealtimeEpoch(tombstones.get(channel), now),
        options: resolved,
        optionsKey: key,
        createdAt: now,
        entries: new EntryQueue(),
        tailSeq: 0,
        retainedAfterSeq: 0,
        closed: false,
        writerSeq: undefined,
        producers: new Map(),
        snapshot: undefined,
      };
      channels.set(channel, state);
      return infoOf(state);
    },

    info(channel: string): RealtimeChannelInfo | undefined {
      open();
      const state = channels.get(channel);
      return state === undefined ? undefined : infoOf(state);
    },

    append(
      channel: string,
      entries: readonly (string | Uint8Array)[],
      appendOptions?: RealtimeAppendOptions,
    ): RealtimeAppendResult {
      const state = existing(channel);
      const producer = appendOptions?.producer;
      const close = appendOptions?.close === true;
      if (producer !== undefined) {
        const last = state.producers.get(producer.id);
        // A duplicate is only possible against a producer already seen (`last` is defined).
        if (checkRealtimeProducer(channel, last, producer) === 'duplicate' && last !== undefined)
          return realtimeDuplicateAppendResult(
            formatRealtimeOffset(state.epoch, state.tailSeq),
            state.closed,
            last,
          );
      }
      assertRealtimeEntries(channel, state.options.contentType, entries);
      if (entries.length === 0 && !close)
        throw new AgentryError({
          code: 'validation_failed',
          message: `Nothing to append to realtime channel ${JSON.stringify(channel)}: no entries and no close.`,
          details: { channel, path: 'entries' },
          suggestions: ['Append at least one entry, or pass { close: true } to close the channel.'],
        });
      if (state.closed) {
        // Closing a closed channel again changes nothing; appending to it is refused.
        if (entries.length === 0)
          return {
            offsets: [],
            tailOffset: formatRealtimeOffset(state.epoch, state.tailSeq),
            duplicate: false,
            closed: true,
          };
        throw new AgentryError({
          code: 'conflict',
          message: `Realtime channel ${JSON.stringify(channel)} is closed; nothing more can be appended.`,
          details: { channel, tailOffset: formatRealtimeOffset(state.epoch, state.tailSeq) },
          suggestions: ['Append to a new channel; a closed channel keeps its history for readers.'],
        });
      }
      if (appendOptions?.writerSeq !== undefined)
        checkRealtimeWriterSeq(channel, state.writerSeq, appendOptions.writerSeq);
      // Everything is checked: from here on nothing throws, so the append is all or nothing.
      const at = clock();
      const appended: RealtimeEntry[] = new Array<RealtimeEntry>(entries.length);
      for (let index = 0; index < entries.length; index += 1) {
        const data = entries[index]!;
        state.tailSeq += 1;
        const entry: RealtimeEntry = {
          offset: formatRealtimeOffset(state.epoch, state.tailSeq),
          data: typeof data === 'string' ? data : data.slice(),
          at,
        };
        appended[index] = entry;
        state.entries.push(entry);
      }
      dropOldest(state, state.entries.length - state.options.maxEntries);
      if (producer !== undefined)
        state.producers.set(producer.id, { epoch: producer.epoch, seq: producer.seq });
      if (appendOptions?.writerSeq !== undefined) state.writerSeq = appendOptions.writerSeq;
      if (close) state.closed = true;
      const offsets = appended.map((entry) => entry.offset);
      if (appended.length > 0) notify(channel, appended);
      if (close) notify(channel, emptyBatch);
      return {
        offsets,
        tailOffset: formatRealtimeOffset(state.epoch, state.tailSeq),
        duplicate: false,
        closed: state.closed,
        ...(producer === undefined ? {} : { producerSeq: producer.seq }),
      };
    },

    read(channel: string, after: string, readOptions?: { limit?: number }): RealtimeReadResult {
      const state = existing(channel);
      const limit = resolveRealtimeReadLimit(readOptions?.limit);
      const start = resolveRealtimeReadStart(channel, after, state);
      const from = start.afterSeq - state.retainedAfterSeq;
      const to = Math.min(from + limit, state.entries.length);
      const entries = from < to ? state.entries.slice(from, to) : [];
      const lastSeq = start.afterSeq + entries.length;
      const upToDate = lastSeq === state.tailSeq;
      return {
        entries,
        nextOffset: entries.length > 0 ? entries[entries.length - 1]!.offset : start.offset,
        upToDate,
        closed: upToDate && state.closed,
        truncated: start.truncated,
      };
    },

    watch(channel: string, listener: Listener): () => void {
      if (closed) return () => undefined;
      assertChannelName(channel);
      return watchers.watch(channel, listener);
    },

    putSnapshot(channel: string, snapshot: RealtimeSnapshot): void {
      const state = existing(channel);
      const parsed =
        typeof snapshot?.offset === 'string' ? parseRealtimeOffset(snapshot.offset) : undefined;
      if (parsed === undefined || parsed.epoch !== state.epoch || parsed.seq > state.tailSeq)
        throw new AgentryError({
          code: 'validation_failed',
          message: `Realtime channel ${JSON.stringify(channel)}: a snapshot's offset ${JSON.stringify(snapshot?.offset)} is not an offset of the channel's current history (up to ${formatRealtimeOffset(state.epoch, state.tailSeq)}).`,
          details: { channel, path: 'snapshot.offset', offset: String(snapshot?.offset) },
          suggestions: [
            'Store a snapshot as of an offset this channel returned, at most its tail.',
          ],
        });
      assertRealtimeEntries(channel, state.options.contentType, [snapshot.data]);
      if (state.snapshot !== undefined && state.snapshot.seq > parsed.seq) return;
      const data = typeof snapshot.data === 'string' ? snapshot.data : snapshot.data.slice();
      state.snapshot = { seq: parsed.seq, value: { offset: snapshot.offset, data } };
    },

    getSnapshot(channel: string): RealtimeSnapshot | undefined {
      return existing(channel).snapshot?.value;
    },

    delete(channel: string): void {
      open();
      assertChannelName(channel);
      remove(channel);
    },

    sweep(now: number = clock()): RealtimeSweepReport {
      open();
      let entries = 0;
      let removed = 0;
      for (const state of [...channels.values()]) {
        if (state.options.expiresAt !== undefined && state.options.expiresAt <= now) {
          if (remove(state.name)) removed += 1;
          continue;
        }
        const cutoff = now - state.options.maxAgeMs;
        let count = 0;
        while (count < state.entries.length && state.entries.at(count)!.at < cutoff) count += 1;
        dropOldest(state, count);
        entries += count;
      }
      return { entries, channels: removed };
    },

    close(): void {
      closed = true;
      watchers.clear();
    },
  };

  return {
    create: (channel, channelOptions) => settle(() => sync.create(channel, channelOptions)),
    info: (channel) => settle(() => sync.info(channel)),
    append(channel, entries, appendOptions) {
      // The hot path: no closure per append.
      try {
        return Promise.resolve(sync.append(channel, entries, appendOptions));
      } catch (error) {
        // Only AgentryErrors are thrown here; they pass through as they are.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
    },
    read: (channel, after, readOptions) => settle(() => sync.read(channel, after, readOptions)),
    watch: (channel, listener) => sync.watch(channel, listener),
    putSnapshot: (channel, snapshot) => settle(() => sync.putSnapshot(channel, snapshot)),
    getSnapshot: (channel) => settle(() => sync.getSnapshot(channel)),
    delete: (channel) => settle(() => sync.delete(channel)),
    sweep: (now) => settle(() => sync.sweep(now)),
    close: () => settle(() => sync.close()),
  };
}

// Runs an operation synchronously, turning a throw into a rejection, as an asynchronous log would.
function settle<TResult>(operation: () => TResult): Promise<TResult> {
  return new Promise((resolve) => {
    resolve(operation());
  });
}
