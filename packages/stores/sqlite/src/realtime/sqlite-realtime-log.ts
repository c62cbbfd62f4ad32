import {
  AgentryError,
  REALTIME_LOG_DEFAULTS,
  assertChannelName,
  assertRealtimeEntries,
  checkRealtimeProducer,
  realtimeDuplicateAppendResult,
  checkRealtimeWriterSeq,
  createRealtimeWatchers,
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
  type RealtimeReadResult,
  type RealtimeSnapshot,
  type RealtimeSweepReport,
  type ResolvedRealtimeChannelOptions,
} from '@agentry/core';
import { createGroupCommit } from '../group-commit.js';
import { openSqliteDatabase } from '../open-sqlite-database.js';
import {
  resolveSqliteRealtimeLogOptions,
  type SqliteRealtimeLogOptions,
} from './sqlite-realtime-log-options.js';
import { migrateRealtimeSchema, realtimeTables } from './realtime-log-schema.js';
import { toStoreError } from '../to-store-error.js';

const { channels, entries: entriesTable, producers, snapshots, tombstones } = realtimeTables;

/** A channel's row. */
interface ChannelRow {
  name: string;
  epoch: string;
  tail_seq: number;
  retained_after_seq: number;
  closed: number;
  content_type: string;
  max_entries: number;
  max_age_ms: number;
  options: string;
  labels: string;
  expires_at: number | null;
  created_at: number;
  writer_seq: string | null;
}

/** An entry's row; `data` is TEXT (a string entry) or a BLOB (bytes). */
interface EntryRow {
  seq: number;
  data: string | Uint8Array;
  at: number;
}

/** What an append's transaction hands back: the result, and the entries to tell watchers of. */
interface AppendOutcome {
  result: RealtimeAppendResult;
  appended: readonly RealtimeEntry[];
  /** Whether this append closed the channel (watchers then get an empty batch). */
  closedNow: boolean;
}

const emptyBatch: readonly RealtimeEntry[] = Object.freeze([]);

/** Both drivers give BLOBs back as Uint8Arrays (better-sqlite3 as Buffers): readers get plain ones. */
function toData(data: string | Uint8Array): string | Uint8Array {
  if (typeof data === 'string' || data.constructor === Uint8Array) return data;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Creates a {@link RealtimeLog} kept in a SQLite file, so channels, offsets and epochs survive a
 * restart of the serving process: a reader resumes from its offset after the restart with no
 * false gap, because the epoch is stored with the channel.
 *
 * What it guarantees:
 *
 * - **Atomic appends.** An append (its entries, the retention trim, the producer's sequence,
 *   `writerSeq` and `close`) is one savepoint in one transaction: all of it or none, even when the
 *   process is killed half-way.
 * - **Durable before told.** Appends issued in one turn of the event loop share one commit (the
 *   package's group commit); `append` resolves, and `watch` listeners are called, only once that
 *   commit returned. With `synchronous: 'full'` (the default) a resolved append survives a
 *   process kill, an operating system crash and a power loss. With `'normal'` it survives a
 *   process kill (SIGKILL included: WAL commits are in the operating system's cache) but the last
 *   commits may be lost on an operating system crash or power loss, and the offsets of those lost
 *   entries would then be minted again for new entries: choose `'normal'` only when that is
 *   acceptable.
 * - **Several processes, one file.** Every operation reads the channel's state inside its
 *   transaction, so processes sharing the file append and read consistently, and a process that
 *   opens the file after another was killed sees every append that resolved there. `watch` is
 *   in-process only: a listener hears the appends of its own log object, not another process's.
 *
 * @param options - the file, durability, default retention and clock, see
 *   {@link SqliteRealtimeLogOptions}
 * @returns an open log; call `close()` when done (later calls reject with `invalid_transition`)
 * @throws AgentryError `validation_failed` for invalid options or a file of another application;
 *   `plugin_missing` when no SQLite driver can be loaded; `not_found` when the file's directory
 *   does not exist; `schema_version_unsupported` for tables a newer version wrote. The methods
 *   reject as {@link RealtimeLog} describes, plus `timeout` when another process holds the file's
 *   write lock longer than `busyTimeoutMs`.
 * @example
 * ```ts
 * import { createSqliteRealtimeLog } from '@agentry/store-sqlite';
 *
 * const log = createSqliteRealtimeLog({ path: './data/realtime.db' });
 * await log.create('run/r-1', { maxEntries: 10_000 });
 * const { offsets } = await log.append('run/r-1', [JSON.stringify({ type: 'RUN_STARTED' })]);
 * const page = await log.read('run/r-1', '-1');
 * console.log(page.entries[0]?.offset === offsets[0]); // true
 * await log.close();
 * ```
 */
export function createSqliteRealtimeLog(options: SqliteRealtimeLogOptions): RealtimeLog {
  const resolved = resolveSqliteRealtimeLogOptions(options);
  const { path, clock } = resolved;
  const defaults = resolveRealtimeChannelOptions(
    'defaults',
    { maxEntries: resolved.maxEntries, maxAgeMs: resolved.maxAgeMs },
    REALTIME_LOG_DEFAULTS,
  );
  const database = openSqliteDatabase({ ...resolved, readonly: false });
  try {
    migrateRealtimeSchema(database, { path });
  } catch (error) {
    database.close();
    throw toStoreError(error, { path, operation: 'open' });
  }

  const statements = {
    begin: database.prepare('BEGIN'),
    commit: database.prepare('COMMIT'),
    rollback: database.prepare('ROLLBACK'),
    savepoint: database.prepare('SAVEPOINT realtime_write'),
    release: database.prepare('RELEASE realtime_write'),
    rollbackTo: database.prepare('ROLLBACK TO realtime_write'),
    channel: database.prepare<[string], ChannelRow>(`SELECT * FROM ${channels} WHERE name = ?`),
    channelNames: database.prepare<[], { name: string }>(
      `SELECT name FROM ${channels} ORDER BY name`,
    ),
    insertChannel: database.prepare<[Record<string, unknown>]>(
      `INSERT INTO ${channels} (name, epoch, tail_seq, retained_after_seq, closed, content_type,
         max_entries, max_age_ms, options, labels, expires_at, created_at, writer_seq)
       VALUES (@name, @epoch, 0, 0, 0, @content_type, @max_entries, @max_age_ms, @options, @labels,
         @expires_at, @created_at, NULL)`,
    ),
    updateChannel: database.prepare<[number, number, number, string | null, string]>(
      `UPDATE ${channels} SET tail_seq = ?, retained_after_seq = ?, closed = ?, writer_seq = ?
       WHERE name = ?`,
    ),
    setRetained: database.prepare<[number, string]>(
      `UPDATE ${channels} SET retained_after_seq = ? WHERE name = ?`,
    ),
    deleteChannel: database.prepare<[string]>(`DELETE FROM ${channels} WHERE name = ?`),
    insertEntry: database.prepare<[string, number, string | Uint8Array, number]>(
      `INSERT INTO ${entriesTable} (channel, seq, data, at) VALUES (?, ?, ?, ?)`,
    ),
    readEntries: database.prepare<[string, number, number], EntryRow>(
      `SELECT seq, data, at FROM ${entriesTable} WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    trimEntries: database.prepare<[string, number]>(
      `DELETE FROM ${entriesTable} WHERE channel = ? AND seq <= ?`,
    ),
    firstYoungSeq: database.prepare<[string, number], { seq: number | null }>(
      `SELECT MIN(seq) AS seq FROM ${entriesTable} WHERE channel = ? AND at >= ?`,
    ),
    deleteEntries: database.prepare<[string]>(`DELETE FROM ${entriesTable} WHERE channel = ?`),
    producer: database.prepare<[string, string], { epoch: number; seq: number }>(
      `SELECT epoch, seq FROM ${producers} WHERE channel = ? AND producer = ?`,
    ),
    putProducer: database.prepare<[string, string, number, number]>(
      `INSERT INTO ${producers} (channel, producer, epoch, seq) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel, producer) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq`,
    ),
    deleteProducers: database.prepare<[string]>(`DELETE FROM ${producers} WHERE channel = ?`),
    snapshot: database.prepare<
      [string],
      { seq: number; offset: string; data: string | Uint8Array }
    >(`SELECT seq, offset, data FROM ${snapshots} WHERE channel = ?`),
    putSnapshot: database.prepare<[string, number, string, string | Uint8Array]>(
      `INSERT INTO ${snapshots} (channel, seq, offset, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel) DO UPDATE SET seq = excluded.seq, offset = excluded.offset,
         data = excluded.data`,
    ),
    deleteSnapshot: database.prepare<[string]>(`DELETE FROM ${snapshots} WHERE channel = ?`),
    tombstone: database.prepare<[string], { epoch: string }>(
      `SELECT epoch FROM ${tombstones} WHERE channel = ?`,
    ),
    putTombstone: database.prepare<[string, string]>(
      `INSERT INTO ${tombstones} (channel, epoch) VALUES (?, ?)
       ON CONFLICT (channel) DO UPDATE SET epoch = excluded.epoch`,
    ),
  };
  const writes = createGroupCommit(database);
  const watchers = createRealtimeWatchers(resolved.onListenerError);
  let closed = false;

  function run<TResult>(
    operation: string,
    body: () => TResult | Promise<TResult>,
  ): Promise<TResult> {
    return new Promise((resolvePromise) => {
      if (closed) throw realtimeLogClosed(`SQLite ${JSON.stringify(path)}`);
      try {
        resolvePromise(body());
      } catch (error) {
        throw toStoreError(error, { path, operation });
      }
    });
  }

  /** Queues a write; `apply` runs in the group commit's transaction, inside its own savepoint. */
  function write<TResult>(operation: string, apply: () => TResult): Promise<TResult> {
    return writes.enqueue(
      () => {
        statements.savepoint.run();
        try {
          const result = apply();
          statements.release.run();
          return result;
        } catch (error) {
          // Nothing of a refused or failed write stays in the shared transaction.
          if (database.inTransaction) {
            statements.rollbackTo.run();
            statements.release.run();
          }
          throw error;
        }
      },
      (error) => toStoreError(error, { path, operation }),
    );
  }

  /** Runs reads in one read transaction, so they see one consistent state of the file. */
  function snapshotRead<TResult>(body: () => TResult): TResult {
    statements.begin.run();
    try {
      const result = body();
      statements.commit.run();
      return result;
    } catch (error) {
      if (database.inTransaction) statements.rollback.run();
      throw error;
    }
  }

  function channelRow(channel: string): ChannelRow {
    const row = statements.channel.get(channel);
    if (row === undefined) {
      assertChannelName(channel);
      throw realtimeChannelNotFound(channel);
    }
    return row;
  }

  function infoOf(row: ChannelRow): RealtimeChannelInfo {
    const stored = JSON.parse(row.options) as {
      contentType: string;
      maxEntries: number;
      maxAgeMs: number;
      expiresAt: number | null;
      labels: Record<string, string>;
    };
    const channelOptions: ResolvedRealtimeChannelOptions =
      stored.expiresAt === null
        ? {
            contentType: stored.contentType,
            maxEntries: stored.maxEntries,
            maxAgeMs: stored.maxAgeMs,
            labels: stored.labels,
          }
        : {
            contentType: stored.contentType,
            maxEntries: stored.maxEntries,
            maxAgeMs: stored.maxAgeMs,
            expiresAt: stored.expiresAt,
            labels: stored.labels,
          };
    return {
      channel: row.name,
      contentType: row.content_type,
      options: channelOptions,
      epoch: row.epoch,
      tailOffset: formatRealtimeOffset(row.epoch, row.tail_seq),
      retainedAfter: formatRealtimeOffset(row.epoch, row.retained_after_seq),
      closed: row.closed === 1,
      createdAt: row.created_at,
    };
  }

  function removeChannel(row: ChannelRow): void {
    statements.deleteEntries.run(row.name);
    statements.deleteProducers.run(row.name);
    statements.deleteSnapshot.run(row.name);
    statements.deleteChannel.run(row.name);
    statements.putTombstone.run(row.name, row.epoch);
  }

  function applyAppend(
    channel: string,
    data: readonly (string | Uint8Array)[],
    appendOptions: RealtimeAppendOptions | undefined,
  ): AppendOutcome {
    const row = channelRow(channel);
    const producer = appendOptions?.producer;
    const close = appendOptions?.close === true;
    const unchanged = (): AppendOutcome => ({
      result: {
        offsets: [],
        tailOffset: formatRealtimeOffset(row.epoch, row.tail_seq),
        duplicate: false,
        closed: row.closed === 1,
      },
      appended: emptyBatch,
      closedNow: false,
    });
    if (producer !== undefined) {
      const last = statements.producer.get(channel, producer.id);
      // A duplicate is only possible against a producer already seen (`last` is defined).
      if (checkRealtimeProducer(channel, last, producer) === 'duplicate' && last !== undefined)
        return {
          result: realtimeDuplicateAppendResult(
            formatRealtimeOffset(row.epoch, row.tail_seq),
            row.closed === 1,
            last,
          ),
          appended: emptyBatch,
          closedNow: false,
        };
    }
    assertRealtimeEntries(channel, row.content_type, data);
    if (data.length === 0 && !close)
      throw new AgentryError({
        code: 'validation_failed',
        message: `Nothing to append to realtime channel ${JSON.stringify(channel)}: no entries and no close.`,
        details: { channel, path: 'entries' },
        suggestions: ['Append at least one entry, or pass { close: true } to close the channel.'],
      });
    if (row.closed === 1) {
      if (data.length === 0) return unchanged();
      throw new AgentryError({
        code: 'conflict',
        message: `Realtime channel ${JSON.stringify(channel)} is closed; nothing more can be appended.`,
        details: { channel, tailOffset: formatRealtimeOffset(row.epoch, row.tail_seq) },
        suggestions: ['Append to a new channel; a closed channel keeps its history for readers.'],
      });
    }
    const writerSeq = appendOptions?.writerSeq;
    if (writerSeq !== undefined)
      checkRealtimeWriterSeq(channel, row.writer_seq ?? undefined, writerSeq);
    const at = clock();
    const appended: RealtimeEntry[] = new Array<RealtimeEntry>(data.length);
    let seq = row.tail_seq;
    for (let index = 0; index < data.length; index += 1) {
      seq += 1;
      const value = data[index]!;
      statements.insertEntry.run(channel, seq, value, at);
      appended[index] = { offset: formatRealtimeOffset(row.epoch, seq), data: value, at };
    }
    let retained = row.retained_after_seq;
    if (seq - retained > row.max_entries) {
      retained = seq - row.max_entries;
      statements.trimEntries.run(channel, retained);
    }
    if (producer !== undefined)
      statements.putProducer.run(channel, producer.id, producer.epoch, producer.seq);
    statements.updateChannel.run(
      seq,
      retained,
      close ? 1 : 0,
      writerSeq ?? row.writer_seq,
      channel,
    );
    return {
      result: {
        offsets: appended.map((entry) => entry.offset),
        tailOffset: formatRealtimeOffset(row.epoch, seq),
        duplicate: false,
        closed: close,
        ...(producer === undefined ? {} : { producerSeq: producer.seq }),
      },
      appended,
      closedNow: close,
    };
  }

  return {
    create(channel: string, channelOptions?: RealtimeChannelOptions) {
      const operation = `create ${JSON.stringify(channel)}`;
      return run(operation, () => {
        assertChannelName(channel);
        const wanted = resolveRealtimeChannelOptions(channel, channelOptions, defaults);
        const key = realtimeChannelOptionsKey(wanted);
        return write(operation, () => {
          const found = statements.channel.get(channel);
          if (found !== undefined) {
            if (found.options !== key) throw realtimeOptionsConflict(channel, found.options, key);
            return infoOf(found);
          }
          const now = clock();
          statements.insertChannel.run({
            name: channel,
            epoch: newRealtimeEpoch(statements.tombstone.get(channel)?.epoch, now),
            content_type: wanted.contentType,
            max_entries: wanted.maxEntries,
            max_age_ms: wanted.maxAgeMs,
            options: key,
            labels: JSON.stringify(wanted.labels),
            expires_at: wanted.expiresAt ?? null,
            created_at: now,
          });
          return infoOf(channelRow(channel));
        });
      });
    },

    info(channel: string) {
      return run(`info ${JSON.stringify(channel)}`, () => {
        const row = statements.channel.get(channel);
        return row === undefined ? undefined : infoOf(row);
      });
    },

    append(
      channel: string,
      data: readonly (string | Uint8Array)[],
      appendOptions?: RealtimeAppendOptions,
    ) {
      const operation = `append to ${JSON.stringify(channel)}`;
      return run(operation, () => {
        assertChannelName(channel);
        if (!Array.isArray(data)) assertRealtimeEntries(channel, 'application/octet-stream', data);
        // Bytes are copied now: the caller may change them before the transaction runs.
        let copied = data;
        for (let index = 0; index < data.length; index += 1)
          if (data[index] instanceof Uint8Array) {
            copied = data.map((value) => (value instanceof Uint8Array ? value.slice() : value));
            break;
          }
        return write(operation, () => applyAppend(channel, copied, appendOptions)).then(
          (outcome): RealtimeAppendResult => {
            // Told after the commit returned: a listener never sees an entry that could be lost.
            if (outcome.appended.length > 0) watchers.notify(channel, outcome.appended);
            if (outcome.closedNow) watchers.notify(channel, emptyBatch);
            return outcome.result;
          },
        );
      });
    },

    read(channel: string, after: string, readOptions?: { limit?: number }) {
      return run(`read ${JSON.stringify(channel)}`, (): RealtimeReadResult => {
        const limit = resolveRealtimeReadLimit(readOptions?.limit);
        return snapshotRead(() => {
          const row = channelRow(channel);
          const start = resolveRealtimeReadStart(channel, after, {
            epoch: row.epoch,
            tailSeq: row.tail_seq,
            retainedAfterSeq: row.retained_after_seq,
          });
          const rows =
            start.afterSeq < row.tail_seq
              ? statements.readEntries.all(channel, start.afterSeq, limit)
              : [];
          const entries: RealtimeEntry[] = rows.map((entry) => ({
            offset: formatRealtimeOffset(row.epoch, entry.seq),
            data: toData(entry.data),
            at: entry.at,
          }));
          const last = rows[rows.length - 1];
          const upToDate = (last?.seq ?? start.afterSeq) >= row.tail_seq;
          return {
            entries,
            nextOffset: entries.length > 0 ? entries[entries.length - 1]!.offset : start.offset,
            upToDate,
            closed: upToDate && row.closed === 1,
            truncated: start.truncated,
          };
        });
      });
    },

    watch(channel: string, listener: (entries: readonly RealtimeEntry[]) => void) {
      if (closed) return () => undefined;
      assertChannelName(channel);
      return watchers.watch(channel, listener);
    },

    putSnapshot(channel: string, snapshot: RealtimeSnapshot) {
      const operation = `putSnapshot ${JSON.stringify(channel)}`;
      return run(operation, () => {
        assertChannelName(channel);
        const data = snapshot?.data instanceof Uint8Array ? snapshot.data.slice() : snapshot?.data;
        const offset = snapshot?.offset;
        return write(operation, () => {
          const row = channelRow(channel);
          const parsed = typeof offset === 'string' ? parseRealtimeOffset(offset) : undefined;
          if (parsed === undefined || parsed.epoch !== row.epoch || parsed.seq > row.tail_seq)
            throw new AgentryError({
              code: 'validation_failed',
              message: `Realtime channel ${JSON.stringify(channel)}: a snapshot's offset ${JSON.stringify(offset)} is not an offset of the channel's current history (up to ${formatRealtimeOffset(row.epoch, row.tail_seq)}).`,
              details: { channel, path: 'snapshot.offset', offset: String(offset) },
              suggestions: [
                'Store a snapshot as of an offset this channel returned, at most its tail.',
              ],
            });
          assertRealtimeEntries(channel, row.content_type, [data]);
          const current = statements.snapshot.get(channel);
          if (current !== undefined && current.seq > parsed.seq) return;
          statements.putSnapshot.run(channel, parsed.seq, offset, data);
        });
      });
    },

    getSnapshot(channel: string) {
      return run(`getSnapshot ${JSON.stringify(channel)}`, (): RealtimeSnapshot | undefined =>
        snapshotRead(() => {
          channelRow(channel);
          const row = statements.snapshot.get(channel);
          return row === undefined ? undefined : { offset: row.offset, data: toData(row.data) };
        }),
      );
    },

    delete(channel: string) {
      const operation = `delete ${JSON.stringify(channel)}`;
      return run(operation, () => {
        assertChannelName(channel);
        return write(operation, () => {
          const row = statements.channel.get(channel);
          if (row === undefined) return false;
          removeChannel(row);
          return true;
        }).then((deleted) => {
          if (deleted) watchers.notify(channel, emptyBatch);
        });
      });
    },

    sweep(now?: number) {
      return run('sweep', () => {
        const time = now ?? clock();
        return write('sweep', () => {
          let entries = 0;
          const removed: string[] = [];
          for (const { name } of statements.channelNames.all()) {
            const row = statements.channel.get(name)!;
            if (row.expires_at !== null && row.expires_at <= time) {
              removeChannel(row);
              removed.push(name);
              continue;
            }
            const young = statements.firstYoungSeq.get(name, time - row.max_age_ms)?.seq ?? null;
            const retained = young === null ? row.tail_seq : young - 1;
            if (retained <= row.retained_after_seq) continue;
            entries += Number(statements.trimEntries.run(name, retained).changes);
            statements.setRetained.run(retained, name);
          }
          return { entries, removed };
        }).then(({ entries, removed }): RealtimeSweepReport => {
          for (const name of removed) watchers.notify(name, emptyBatch);
          return { entries, channels: removed.length };
        });
      });
    },

    close() {
      if (!closed) {
        closed = true;
        watchers.clear();
        try {
          // Appends already accepted are committed (or rejected) before the file is closed.
          writes.flush();
          database.close();
        } catch (error) {
          return Promise.reject(toStoreError(error, { path, operation: 'close' }));
        }
      }
      return Promise.resolve();
    },
  };
}
