import {
  AgentryError,
  assertExpectedRevision,
  assertStoreDelete,
  assertStoreKey,
  assertStoreList,
  assertStorePut,
  defaultStoreListLimit,
  systemClock,
  type StateStore,
  type StoredEnvelope,
  type StoreListPage,
  type StorePutOptions,
  type StorePutValue,
} from '@agentry/core';
import type { SqliteStatement } from './drivers/sqlite-connection.js';
import { entryChecksum, toEnvelope, toWrittenEnvelope, type EntryRow } from './entry-row.js';
import { createGroupCommit } from './group-commit.js';
import { entriesTable, migrateSchema } from './migrate-schema.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { prefixUpperBound } from './prefix-upper-bound.js';
import { resolveSqliteStoreOptions, type SqliteStoreOptions } from './sqlite-store-options.js';
import { toStoreError } from './to-store-error.js';

const columns = 'key, revision, kind, schema_version, data, created_at, updated_at, checksum';

/** What a write reads of the entry it replaces. */
type CurrentRow = Pick<EntryRow, 'revision' | 'created_at' | 'updated_at'>;

/**
 * Creates a `StateStore` kept in a SQLite database file: Agentry's embedded durable store.
 * State survives restarts, and several stores (in one process or several) can share a file.
 *
 * What it guarantees:
 *
 * - **Atomic writes.** Each `put` and `delete` reads the current revision, checks
 *   `expectedRevision` and writes, under the write lock of a `BEGIN IMMEDIATE` transaction; a
 *   rejected write changes nothing, and of concurrent writers with the same `expectedRevision`, in
 *   any process, exactly one wins.
 * - **Group commit.** The writes issued in one turn of the event loop (concurrent runs taking
 *   their next step) share one transaction and so one fsync; each promise resolves only once that
 *   transaction has committed. A conflict fails its own write only; a failed transaction fails
 *   every write in it, and none of them is written.
 * - **Durability.** Files use WAL journaling with `synchronous = FULL` by default, so a write that
 *   resolved survives a process crash, an operating system crash and a power loss (see
 *   {@link SqliteStoreOptions.synchronous} for the faster `'normal'`).
 * - **Integrity.** Every entry carries a CRC-32 of all its columns, checked on every read: an
 *   entry changed outside the store or damaged on disk rejects with `data_corrupted` (naming the
 *   key) instead of being read back as valid state; a `put` or `delete` still replaces it.
 * - **Waiting, not failing.** A connection that finds the file locked by another writer waits up
 *   to `busyTimeoutMs` (5 s by default) before rejecting with `timeout`.
 * - **An evolving format.** The file records its format version in `PRAGMA user_version`;
 *   opening runs the missing migrations, and a file written by a newer version is refused with
 *   `schema_version_unsupported` instead of being misread.
 *
 * It runs on Node's built-in `node:sqlite` where the running Node has it (22.13 and later, 23.4 and
 * later) and on better-sqlite3 otherwise, an optional peer dependency loaded on first use (see
 * {@link SqliteStoreOptions.driver}); both write the same file format. Either driver is
 * synchronous: each call runs to completion on the calling thread (short for a local file, but up
 * to `busyTimeoutMs` when another process holds the lock). Keys are listed in code point order by
 * a range scan of the primary key; `%` and `_` in a prefix are plain characters.
 *
 * @param options - the file path and tuning, see {@link SqliteStoreOptions}
 * @returns an open store; call `close()` when done (later calls reject with `invalid_transition`)
 * @throws AgentryError `plugin_missing` when no SQLite driver can be loaded (on Node.js before 22.13
 *   without better-sqlite3 installed, or the `driver` asked for), naming what to install;
 *   `validation_failed` for invalid options or a file of another application;
 *   `not_found` when the file's directory (or, read-only, the file) does not exist;
 *   `permission_denied` when the file cannot be opened or written; `internal` when the file is not
 *   a SQLite database; `data_corrupted` when SQLite finds it damaged; `schema_version_unsupported`
 *   for a file of a newer version. The methods reject as `StateStore` describes, plus `timeout`
 *   when the file stays locked and `data_corrupted` when `get` or `list` meets a damaged entry
 *   (`details.key` names it) or SQLite a damaged page.
 * @example
 * ```ts
 * import { storeKey } from '@agentry/core';
 * import { createSqliteStore } from '@agentry/store-sqlite';
 *
 * const store = createSqliteStore({ path: './data/agentry.db' });
 * const key = storeKey('agent', 'support-bot');
 * const created = await store.put(key, { kind: 'agent', schemaVersion: '1', data: { turns: 0 } });
 * await store.put(key, { kind: 'agent', schemaVersion: '1', data: { turns: 1 } }, { expectedRevision: created.revision });
 * await store.close();
 * ```
 */
export function createSqliteStore(options: SqliteStoreOptions): StateStore {
  const { path, synchronous, busyTimeoutMs, readonly, clock, driver } = resolveSqliteStoreOptions(
    options,
    systemClock,
  );
  const database = openSqliteDatabase({ path, readonly, busyTimeoutMs, driver, synchronous });
  try {
    migrateSchema(database, { path, readonly });
  } catch (error) {
    database.close();
    throw toStoreError(error, { path, operation: 'open' });
  }

  const statements = {
    get: database.prepare<[string], EntryRow>(
      `SELECT ${columns} FROM ${entriesTable} WHERE key = ?`,
    ),
    current: database.prepare<[string], CurrentRow>(
      `SELECT revision, created_at, updated_at FROM ${entriesTable} WHERE key = ?`,
    ),
    upsert: database.prepare<[EntryRow]>(
      `INSERT INTO ${entriesTable} (${columns})
       VALUES (@key, @revision, @kind, @schema_version, @data, @created_at, @updated_at, @checksum)
       ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, kind = excluded.kind,
         schema_version = excluded.schema_version, data = excluded.data,
         created_at = excluded.created_at, updated_at = excluded.updated_at,
         checksum = excluded.checksum`,
    ),
    insert: database.prepare<[EntryRow]>(
      `INSERT INTO ${entriesTable} (${columns})
       VALUES (@key, @revision, @kind, @schema_version, @data, @created_at, @updated_at, @checksum)
       ON CONFLICT (key) DO NOTHING`,
    ),
    remove: database.prepare<[string]>(`DELETE FROM ${entriesTable} WHERE key = ?`),
  };
  const listStatements = new Map<string, SqliteStatement<[Record<string, unknown>], EntryRow>>();
  const writes = createGroupCommit(database);

  // Runs inside a group-commit transaction, which holds the write lock (BEGIN IMMEDIATE), so a
  // second process waits (busy_timeout) instead of failing when it upgrades a read transaction.
  // The replaced entry's checksum is not checked: a write is how a damaged entry is repaired.
  function putRow(
    key: string,
    kind: string,
    schemaVersion: string,
    data: string,
    expectedRevision: number | null | undefined,
  ): EntryRow {
    const time = new Date(clock.now()).toISOString();
    if (expectedRevision === null) {
      // Create-only, as every workflow journal write is: one statement, no lookup before it.
      const row: EntryRow = {
        key,
        revision: 1,
        kind,
        schema_version: schemaVersion,
        data,
        created_at: time,
        updated_at: time,
        checksum: 0,
      };
      row.checksum = entryChecksum(row);
      if (Number(statements.insert.run(row).changes) === 1) return row;
      assertExpectedRevision(key, null, statements.current.get(key)?.revision);
    }
    const current = statements.current.get(key);
    assertExpectedRevision(key, expectedRevision, current?.revision);
    const row: EntryRow = {
      key,
      revision: (current?.revision ?? 0) + 1,
      kind,
      schema_version: schemaVersion,
      data,
      created_at: current?.created_at ?? time,
      // Another process's clock, or this one set back, must not move updatedAt backwards.
      updated_at: current !== undefined && current.updated_at > time ? current.updated_at : time,
      checksum: 0,
    };
    row.checksum = entryChecksum(row);
    statements.upsert.run(row);
    return row;
  }

  function deleteRow(key: string, expectedRevision: number | undefined): boolean {
    const current = statements.current.get(key);
    assertExpectedRevision(key, expectedRevision, current?.revision, 'delete');
    return current === undefined ? false : Number(statements.remove.run(key).changes) > 0;
  }

  let closed = false;

  function run<TResult>(
    operation: string,
    body: () => TResult | Promise<TResult>,
  ): Promise<TResult> {
    return new Promise((resolvePromise) => {
      if (closed)
        throw new AgentryError({
          code: 'invalid_transition',
          message: `The SQLite store ${JSON.stringify(path)} is closed; it cannot be used any more.`,
          details: { path, state: 'closed' },
          suggestions: ['Create a new store with createSqliteStore(), or close the store last.'],
        });
      try {
        resolvePromise(body());
      } catch (error) {
        throw toStoreError(error, { path, operation });
      }
    });
  }

  function listStatement(bounded: boolean, after: boolean) {
    const shape = `${String(bounded)}:${String(after)}`;
    let statement = listStatements.get(shape);
    if (statement === undefined) {
      const conditions = ['key >= @prefix'];
      if (bounded) conditions.push('key < @upper');
      if (after) conditions.push('key > @after');
      statement = database.prepare<[Record<string, unknown>], EntryRow>(
        `SELECT ${columns} FROM ${entriesTable} WHERE ${conditions.join(' AND ')} ORDER BY key LIMIT @limit`,
      );
      listStatements.set(shape, statement);
    }
    return statement;
  }

  return {
    get(key) {
      return run(`get ${JSON.stringify(key)}`, () => {
        assertStoreKey(key);
        const row = statements.get.get(key);
        return row === undefined ? undefined : toEnvelope(row, path);
      });
    },

    put<TData>(key: string, value: StorePutValue<TData>, putOptions: StorePutOptions = {}) {
      const operation = `put ${JSON.stringify(key)}`;
      return run(operation, () => {
        assertStorePut(key, value, putOptions);
        // Serialised now: the caller may change the value before the transaction runs.
        const data = JSON.stringify(value.data);
        const { kind, schemaVersion } = value;
        const { expectedRevision } = putOptions;
        return writes.enqueue(
          () => toWrittenEnvelope(putRow(key, kind, schemaVersion, data, expectedRevision)),
          (error) => toStoreError(error, { path, operation }),
        ) as Promise<StoredEnvelope<TData>>;
      });
    },

    delete(key, deleteOptions = {}) {
      const operation = `delete ${JSON.stringify(key)}`;
      return run(operation, () => {
        assertStoreDelete(key, deleteOptions);
        const { expectedRevision } = deleteOptions;
        return writes.enqueue(
          () => deleteRow(key, expectedRevision),
          (error) => toStoreError(error, { path, operation }),
        );
      });
    },

    list(prefix, listOptions = {}) {
      return run(`list ${JSON.stringify(prefix)}`, () => {
        assertStoreList(prefix, listOptions);
        const limit = listOptions.limit ?? defaultStoreListLimit;
        const upper = prefixUpperBound(prefix);
        const { after } = listOptions;
        // One row more than the page tells whether another page follows.
        const rows = listStatement(upper !== undefined, after !== undefined).all({
          prefix,
          limit: limit + 1,
          ...(upper === undefined ? {} : { upper }),
          ...(after === undefined ? {} : { after }),
        });
        const result: StoreListPage = { entries: [] };
        const last = Math.min(rows.length, limit);
        for (let index = 0; index < last; index += 1) {
          const row = rows[index]!;
          // One damaged row is reported with its key; the rest of the page is still read.
          try {
            result.entries.push(toEnvelope(row, path));
          } catch (error) {
            if (!AgentryError.isInstance(error)) throw error;
            (result.unreadable ??= []).push({ key: row.key, error });
          }
        }
        if (rows.length > limit) result.next = rows[limit - 1]!.key;
        return result;
      });
    },

    close() {
      if (!closed) {
        closed = true;
        try {
          // Writes already accepted are committed (or rejected) before the file is closed.
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
