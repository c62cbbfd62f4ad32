import { AgentryError } from '@agentry/core';
import { immediateTransaction, type SqliteConnection } from './drivers/sqlite-connection.js';
import { entryChecksum, type EntryRow } from './entry-row.js';

/**
 * The `PRAGMA application_id` of an Agentry store file ("AGTY" in ASCII), so that a file of another
 * application is refused rather than written into.
 *
 * @internal
 */
export const storeApplicationId = 0x41475459;

/** The name of the table holding the entries. */
export const entriesTable = 'agentry_entries';

/**
 * The steps that build the file format, in order: step `n` moves a file from `PRAGMA user_version`
 * `n` to `n + 1`. Add a step to change the format; never edit a released one, since files in the
 * field have already run it.
 */
const migrations: readonly ((database: SqliteConnection) => void)[] = [
  (database) => {
    // WITHOUT ROWID keeps the rows in key order in the primary key's B-tree: listing by prefix is
    // one range scan. TEXT compares with the BINARY collation, the byte order of UTF-8, which is
    // code point order, as compareStoreKeys requires.
    database.exec(`
      CREATE TABLE ${entriesTable} (
        key TEXT NOT NULL PRIMARY KEY,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        kind TEXT NOT NULL,
        schema_version TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
  (database) => {
    // Format 2: a CRC-32 per entry, verified on every read (see entryChecksum). Existing rows get
    // theirs here, page by page, inside the migration's transaction.
    database.exec(`ALTER TABLE ${entriesTable} ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;`);
    const page = database.prepare<[string], Omit<EntryRow, 'checksum'>>(
      `SELECT key, revision, kind, schema_version, data, created_at, updated_at
       FROM ${entriesTable} WHERE key > ? ORDER BY key LIMIT 500`,
    );
    const update = database.prepare<[number, string]>(
      `UPDATE ${entriesTable} SET checksum = ? WHERE key = ?`,
    );
    for (let after = ''; ;) {
      const rows = page.all(after);
      for (const row of rows) update.run(entryChecksum(row), row.key);
      const last = rows[rows.length - 1];
      if (last === undefined) break;
      after = last.key;
    }
  },
];

/**
 * The file format version this code writes: the `PRAGMA user_version` of an up-to-date store.
 *
 * @internal
 */
export const schemaVersion = migrations.length;

/**
 * Brings a store file to {@link schemaVersion}: checks that the file belongs to Agentry (or is
 * empty), then runs the missing migrations in one `IMMEDIATE` transaction, so two processes opening
 * a new file at once cannot both create the table. A read-only file must already be current.
 *
 * @internal
 * @throws AgentryError `validation_failed` when the file belongs to another application;
 *   `schema_version_unsupported` when a newer version of this package wrote it;
 *   `migration_required` when a read-only file is behind
 * @example
 * ```ts
 * migrateSchema(database, { path, readonly: false });
 * ```
 */
export function migrateSchema(
  database: SqliteConnection,
  options: { path: string; readonly: boolean },
): void {
  const read = () => ({
    applicationId: database.pragma('application_id') as number,
    version: database.pragma('user_version') as number,
  });
  const check = ({ applicationId, version }: ReturnType<typeof read>) => {
    if (applicationId !== storeApplicationId && (applicationId !== 0 || version !== 0))
      throw new AgentryError({
        code: 'validation_failed',
        message: `The file ${JSON.stringify(options.path)} is a SQLite database of another application (application_id ${applicationId}, user_version ${version}); it is not an Agentry store.`,
        details: { path: options.path, applicationId, userVersion: version },
        suggestions: ['Give the store a file of its own, such as path: "./data/agentry.db".'],
      });
    if (version > schemaVersion)
      throw new AgentryError({
        code: 'schema_version_unsupported',
        message: `The store file ${JSON.stringify(options.path)} has format version ${version}, newer than ${schemaVersion}, the newest this version of @agentry/store-sqlite knows.`,
        details: { path: options.path, fileVersion: version, supportedVersion: schemaVersion },
        suggestions: ['Upgrade @agentry/store-sqlite to the version that wrote the file.'],
      });
  };
  const current = read();
  check(current);
  if (current.version === schemaVersion) return;
  if (options.readonly)
    throw new AgentryError({
      code: 'migration_required',
      message: `The store file ${JSON.stringify(options.path)} has format version ${current.version} and needs migrating to ${schemaVersion}, which a read-only store cannot do.`,
      details: {
        path: options.path,
        fileVersion: current.version,
        supportedVersion: schemaVersion,
      },
      suggestions: ['Open the store once without readonly to migrate it (or to create it).'],
    });
  immediateTransaction(database, () => {
    // Read again under the write lock: another process may have migrated in the meantime.
    const locked = read();
    check(locked);
    for (let version = locked.version; version < schemaVersion; version += 1)
      migrations[version]?.(database);
    database.pragma(`application_id = ${storeApplicationId}`);
    database.pragma(`user_version = ${schemaVersion}`);
  });
}
