import { AgentryError } from '@agentry/core';
import { immediateTransaction, type SqliteConnection } from '../drivers/sqlite-connection.js';
import { storeApplicationId } from '../migrate-schema.js';

/**
 * The realtime log's tables. They carry their own format version (in `agentry_realtime_meta`),
 * apart from the state store's `PRAGMA user_version`, so the log may live in its own file or in
 * the state store's file without either one's migrations touching the other.
 *
 * @internal
 */
export const realtimeTables = {
  meta: 'agentry_realtime_meta',
  channels: 'agentry_realtime_channels',
  entries: 'agentry_realtime_entries',
  producers: 'agentry_realtime_producers',
  snapshots: 'agentry_realtime_snapshots',
  tombstones: 'agentry_realtime_tombstones',
} as const;

const { meta, channels, entries, producers, snapshots, tombstones } = realtimeTables;

/**
 * The steps that build the log's tables; step `n` moves the format from version `n` to `n + 1`.
 * Never edit a released step: add one.
 */
const migrations: readonly ((database: SqliteConnection) => void)[] = [
  (database) => {
    // seq columns are integers up to 2^53 (offsets hold 16 digits). data is ANY: TEXT for a
    // string entry, BLOB for bytes, so a read gives back what was appended. WITHOUT ROWID keeps a
    // channel's entries in seq order in the primary key's B-tree: a read is one range scan.
    database.exec(`
      CREATE TABLE ${channels} (
        name TEXT NOT NULL PRIMARY KEY,
        epoch TEXT NOT NULL,
        tail_seq INTEGER NOT NULL,
        retained_after_seq INTEGER NOT NULL,
        closed INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        max_entries INTEGER NOT NULL,
        max_age_ms INTEGER NOT NULL,
        options TEXT NOT NULL,
        labels TEXT NOT NULL,
        expires_at INTEGER,
        created_at INTEGER NOT NULL,
        writer_seq TEXT
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE ${entries} (
        channel TEXT NOT NULL,
        seq INTEGER NOT NULL,
        data ANY NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (channel, seq)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE ${producers} (
        channel TEXT NOT NULL,
        producer TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (channel, producer)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE ${snapshots} (
        channel TEXT NOT NULL PRIMARY KEY,
        seq INTEGER NOT NULL,
        offset TEXT NOT NULL,
        data ANY NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE ${tombstones} (
        channel TEXT NOT NULL PRIMARY KEY,
        epoch TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
];

/**
 * The format version this code writes.
 *
 * @internal
 */
export const realtimeSchemaVersion = migrations.length;

/**
 * Brings a file's realtime log tables to {@link realtimeSchemaVersion}, idempotently: under the
 * write lock, reads the version (0 when the tables are missing) and runs the missing steps, so
 * two processes opening a new file at once cannot both create the tables.
 *
 * @internal
 * @throws AgentryError `validation_failed` for a file of another application;
 *   `schema_version_unsupported` for tables a newer version of this package wrote
 * @example
 * ```ts
 * migrateRealtimeSchema(database, { path });
 * ```
 */
export function migrateRealtimeSchema(database: SqliteConnection, options: { path: string }): void {
  const applicationId = database.pragma('application_id') as number;
  if (applicationId !== 0 && applicationId !== storeApplicationId)
    throw new AgentryError({
      code: 'validation_failed',
      message: `The file ${JSON.stringify(options.path)} is a SQLite database of another application (application_id ${applicationId}); it is not an Agentry file.`,
      details: { path: options.path, applicationId },
      suggestions: ['Give the realtime log a file of its own, such as path: "./data/realtime.db".'],
    });
  const version = (): number => {
    const table = database
      .prepare<[string], { name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?`,
      )
      .get(meta);
    if (table === undefined) return 0;
    const row = database
      .prepare<[], { value: string }>(`SELECT value FROM ${meta} WHERE key = 'schema_version'`)
      .get();
    return row === undefined ? 0 : Number(row.value);
  };
  const check = (found: number): void => {
    if (found > realtimeSchemaVersion)
      throw new AgentryError({
        code: 'schema_version_unsupported',
        message: `The realtime log in ${JSON.stringify(options.path)} has format version ${found}, newer than ${realtimeSchemaVersion}, the newest this version of @agentry/store-sqlite knows.`,
        details: {
          path: options.path,
          fileVersion: found,
          supportedVersion: realtimeSchemaVersion,
        },
        suggestions: ['Upgrade @agentry/store-sqlite to the version that wrote the file.'],
      });
  };
  const found = version();
  check(found);
  if (found === realtimeSchemaVersion) return;
  immediateTransaction(database, () => {
    // Read again under the write lock: another process may have migrated in the meantime.
    const locked = version();
    check(locked);
    database.exec(
      `CREATE TABLE IF NOT EXISTS ${meta} (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) STRICT`,
    );
    for (let step = locked; step < realtimeSchemaVersion; step += 1) migrations[step]?.(database);
    database
      .prepare<[string]>(
        `INSERT INTO ${meta} (key, value) VALUES ('schema_version', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      )
      .run(String(realtimeSchemaVersion));
  });
}
