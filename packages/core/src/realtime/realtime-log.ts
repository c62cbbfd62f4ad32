/**
 * One entry of a realtime channel's log: what was appended, and the offset the log minted for it.
 *
 * @example
 * ```ts
 * import type { RealtimeEntry } from '@agentry/core';
 *
 * const entry: RealtimeEntry = {
 *   offset: '0193a1b2c3d4_0000000000000001',
 *   data: '{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"Hi"}',
 *   at: Date.now(),
 * };
 * console.log(entry.offset);
 * ```
 */
export interface RealtimeEntry {
  /** The entry's offset: opaque, lexicographically sortable, strictly increasing in its channel. */
  readonly offset: string;
  /**
   * What was appended: one JSON value's text on a JSON channel (serialized once, sent as is to
   * every reader), bytes on any other.
   */
  readonly data: string | Uint8Array;
  /** When the log appended it, in milliseconds since the epoch (for time-based retention). */
  readonly at: number;
}

/**
 * How a channel is made and kept. Fixed when the channel is created: creating it again with other
 * options is a `conflict`.
 *
 * @example
 * ```ts
 * import type { RealtimeChannelOptions } from '@agentry/core';
 *
 * // A run's channel: JSON events, the last 10,000 kept for at most a day.
 * const options: RealtimeChannelOptions = {
 *   contentType: 'application/json',
 *   maxEntries: 10_000,
 *   maxAgeMs: 86_400_000,
 * };
 * console.log(options.maxEntries);
 * ```
 */
export interface RealtimeChannelOptions {
  /** The media type of its entries; default `application/json`. */
  readonly contentType?: string;
  /** At most this many entries are kept; the oldest go first. Default: the log's own. */
  readonly maxEntries?: number;
  /** Entries older than this (milliseconds) are dropped by `sweep`. Default: the log's own. */
  readonly maxAgeMs?: number;
  /** When the whole channel expires (milliseconds since the epoch); `sweep` deletes it then. */
  readonly expiresAt?: number;
  /**
   * The channel's stored attributes, such as `userId` (its owner), `tenant`, `agentId` or `runId`:
   * what access decisions are made on, never what a reader claims.
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What a log knows of a channel.
 *
 * @example
 * ```ts
 * import type { RealtimeChannelInfo } from '@agentry/core';
 *
 * declare const info: RealtimeChannelInfo;
 * if (info.closed) console.log(`ended at ${info.tailOffset}`);
 * ```
 */
export interface RealtimeChannelInfo {
  /** The channel's name. */
  readonly channel: string;
  /** The media type of its entries. */
  readonly contentType: string;
  /** The options it was created with, defaults filled in. */
  readonly options: Required<Omit<RealtimeChannelOptions, 'expiresAt' | 'labels'>> &
    Pick<RealtimeChannelOptions, 'expiresAt'> & {
      /** Its labels; `{}` when it has none. */
      readonly labels: Readonly<Record<string, string>>;
    };
  /** The epoch of its offsets; a new one when its history was lost or reset. */
  readonly epoch: string;
  /**
   * The offset of its last entry, or the epoch's start (`<epoch>_0000000000000000`) when it has
   * none: reading after it returns nothing until more is appended.
   */
  readonly tailOffset: string;
  /**
   * Reading after an offset older than this is a gap (`offset_gone`): the entries after it were
   * dropped by retention. The epoch's start when nothing was dropped.
   */
  readonly retainedAfter: string;
  /** Whether it is closed: nothing more will ever be appended. */
  readonly closed: boolean;
  /** When it was created (milliseconds since the epoch). */
  readonly createdAt: number;
}

/**
 * A writer's identity for idempotent appends, as Durable Streams' `Producer-Id`, `Producer-Epoch`
 * and `Producer-Seq`: a retried append with a sequence already seen is a duplicate (appended once),
 * a sequence that skips ahead is a `conflict`, and an epoch older than the newest seen is fenced
 * (`lease_lost`).
 *
 * @example
 * ```ts
 * import type { RealtimeProducer } from '@agentry/core';
 *
 * const producer: RealtimeProducer = { id: 'runner-7', epoch: 3, seq: 41 };
 * console.log(producer.seq);
 * ```
 */
export interface RealtimeProducer {
  /** The producer's id, stable across its retries. */
  readonly id: string;
  /** Its epoch: raised when a new incarnation takes over; older epochs are refused. */
  readonly epoch: number;
  /** The sequence number of this append within the epoch, from 0, one more per append. */
  readonly seq: number;
}

/**
 * Options of {@link RealtimeLog.append}.
 *
 * @example
 * ```ts
 * import type { RealtimeAppendOptions } from '@agentry/core';
 *
 * // The run's last events, and the channel closed with them in one step.
 * const options: RealtimeAppendOptions = { close: true };
 * console.log(options.close);
 * ```
 */
export interface RealtimeAppendOptions {
  /** Close the channel with this append, atomically. */
  readonly close?: boolean;
  /** Make the append idempotent for this producer. */
  readonly producer?: RealtimeProducer;
  /**
   * A writer's own sequence (Durable Streams' `Stream-Seq`): must be greater, as a string, than the
   * last one given on the channel, else the append is a `conflict`.
   */
  readonly writerSeq?: string;
}

/**
 * What {@link RealtimeLog.append} did.
 *
 * @example
 * ```ts
 * import type { RealtimeAppendResult } from '@agentry/core';
 *
 * declare const result: RealtimeAppendResult;
 * if (result.duplicate) console.log('already appended');
 * else console.log(`appended up to ${result.tailOffset}`);
 * ```
 */
export interface RealtimeAppendResult {
  /** The offsets minted, one per entry, in order (empty for a duplicate). */
  readonly offsets: readonly string[];
  /** The channel's tail offset after the append. */
  readonly tailOffset: string;
  /** True when a producer's append was already applied: nothing was appended again. */
  readonly duplicate: boolean;
  /** Whether the channel is closed now. */
  readonly closed: boolean;
  /**
   * For an append with a producer: the highest sequence the log has accepted from it in its
   * epoch. On a duplicate it can be past the retried sequence (Durable Streams answers a duplicate
   * with it in `Producer-Seq`); otherwise it is the append's own sequence. Absent without a
   * producer, and from logs written before this field existed.
   */
  readonly producerSeq?: number;
}

/**
 * What {@link RealtimeLog.read} returns.
 *
 * @example
 * ```ts
 * import type { RealtimeReadResult } from '@agentry/core';
 *
 * declare const page: RealtimeReadResult;
 * for (const entry of page.entries) console.log(entry.offset);
 * if (!page.upToDate) console.log(`more after ${page.nextOffset}`);
 * ```
 */
export interface RealtimeReadResult {
  /** The entries after the offset asked for, oldest first, at most `limit`. */
  readonly entries: readonly RealtimeEntry[];
  /**
   * Where to read next: the last entry's offset, or the offset asked for when there was none
   * (for `-1` and `now`, the real offset they stood for: the start of the retained history, or the
   * tail), so it can always be sent as `Stream-Next-Offset`.
   */
  readonly nextOffset: string;
  /** True when `entries` reach the channel's tail (nothing more for now). */
  readonly upToDate: boolean;
  /** True when the channel is closed and `entries` reach its tail: nothing more, ever. */
  readonly closed: boolean;
  /**
   * True when reading from the start (`-1`) and retention had already dropped the channel's first
   * entries: a reader should start from the snapshot (see {@link RealtimeLog.getSnapshot}).
   */
  readonly truncated: boolean;
}

/**
 * The accumulated state of a channel as of an offset (the run's messages and state so far), so a
 * late joiner starts from it plus the entries after `offset` instead of replaying every token.
 *
 * @example
 * ```ts
 * import type { RealtimeSnapshot } from '@agentry/core';
 *
 * const snapshot: RealtimeSnapshot = {
 *   offset: '0193a1b2c3d4_0000000000000120',
 *   data: '{"type":"MESSAGES_SNAPSHOT","messages":[]}',
 * };
 * console.log(snapshot.offset);
 * ```
 */
export interface RealtimeSnapshot {
  /** The offset the snapshot is as of: it includes every entry up to this one. */
  readonly offset: string;
  /** The snapshot itself, in the channel's media type. */
  readonly data: string | Uint8Array;
}

/**
 * What {@link RealtimeLog.sweep} removed.
 *
 * @example
 * ```ts
 * import type { RealtimeSweepReport } from '@agentry/core';
 *
 * declare const report: RealtimeSweepReport;
 * console.log(`${report.entries} entries and ${report.channels} channels removed`);
 * ```
 */
export interface RealtimeSweepReport {
  /** Entries dropped because they were older than their channel's `maxAgeMs`. */
  readonly entries: number;
  /** Channels deleted because their `expiresAt` had passed. */
  readonly channels: number;
}

/**
 * The durable, offset-addressed log behind realtime delivery: one append-only log per channel.
 * `@agentry/realtime` keeps one in memory; `@agentry/store-sqlite` offers one in an SQLite file, and
 * the conformance suite in `@agentry/testing` (`describeRealtimeLogConformance`) states the
 * contract every backend meets.
 *
 * Offsets are `<epoch>_<seq>`: the epoch is 12 lowercase hexadecimal digits, greater for each new
 * history of a channel (a backend that lost a channel's entries, or a channel deleted and made
 * again, starts a new epoch); `seq` is 16 decimal digits, from 1, one more per entry. So offsets
 * sort as strings, across epochs too. `-1` means "before the first entry" and `now` "the tail" wherever an
 * offset is taken. Entries are durable when `append` resolves, before any reader is told of them.
 *
 * @example
 * ```ts
 * import type { RealtimeLog } from '@agentry/core';
 *
 * declare const log: RealtimeLog;
 * await log.create('run/r-1');
 * await log.append('run/r-1', [JSON.stringify({ type: 'RUN_STARTED', runId: 'r-1' })]);
 * const stop = log.watch('run/r-1', (entries) => console.log(entries.length, 'new'));
 * const page = await log.read('run/r-1', '-1');
 * console.log(page.entries.map((entry) => entry.offset));
 * stop();
 * ```
 */
export interface RealtimeLog {
  /**
   * Creates a channel, or returns the existing one when its options are the same.
   *
   * @throws AgentryError `conflict` when it exists with other options; `validation_failed` for a
   *   bad name (see `assertChannelName`) or option
   */
  create(channel: string, options?: RealtimeChannelOptions): Promise<RealtimeChannelInfo>;
  /** What the log knows of a channel, or `undefined` when there is no such channel. */
  info(channel: string): Promise<RealtimeChannelInfo | undefined>;
  /**
   * Appends entries, in order, atomically: all or none. An empty list with `close` only closes.
   * Retention by `maxEntries` applies at once.
   *
   * @throws AgentryError `not_found` for a channel never created; `conflict` for a closed channel,
   *   a producer sequence gap or a `writerSeq` not greater than the last; `lease_lost` for a stale
   *   producer epoch; `validation_failed` for data of the wrong kind (text on a JSON channel must
   *   parse as JSON)
   */
  append(
    channel: string,
    entries: readonly (string | Uint8Array)[],
    options?: RealtimeAppendOptions,
  ): Promise<RealtimeAppendResult>;
  /**
   * Reads the entries after an offset (`-1` for the start; `now` returns none, positioned at the
   * tail), oldest first.
   *
   * @throws AgentryError `offset_gone` (details `{ retainedAfter, epoch }`) when entries after the
   *   offset were dropped by retention, or the offset belongs to an older epoch; `not_found` for no
   *   such channel; `validation_failed` for a string that is not an offset, or one from a newer
   *   epoch or past the tail
   */
  read(channel: string, after: string, options?: { limit?: number }): Promise<RealtimeReadResult>;
  /**
   * Calls the listener with each batch of entries appended to the channel from now on, in order,
   * right after `append` makes them durable, and with an empty batch when the channel closes or is
   * deleted. To catch up without a hole: watch first, then `read`, and skip entries at or below
   * the last offset seen. Returns a function that stops the listener.
   */
  watch(channel: string, listener: (entries: readonly RealtimeEntry[]) => void): () => void;
  /** Stores the channel's snapshot, replacing an older one (one with a lower offset is ignored). */
  putSnapshot(channel: string, snapshot: RealtimeSnapshot): Promise<void>;
  /** The channel's latest snapshot, or `undefined`. */
  getSnapshot(channel: string): Promise<RealtimeSnapshot | undefined>;
  /** Deletes a channel, its entries and its snapshot. Deleting a missing channel does nothing. */
  delete(channel: string): Promise<void>;
  /** Applies time-based retention and expiry to every channel, as of `now` (default: the clock). */
  sweep(now?: number): Promise<RealtimeSweepReport>;
  /** Releases the log's resources; watchers get no more calls. */
  close(): Promise<void>;
}
