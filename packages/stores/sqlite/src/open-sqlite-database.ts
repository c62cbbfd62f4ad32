import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AgentryError } from '@agentry/core';
import { loadSqliteDriver } from './drivers/load-sqlite-driver.js';
import type { SqliteConnection, SqliteDriverChoice } from './drivers/sqlite-connection.js';
import { toStoreError } from './to-store-error.js';

/**
 * Opens a database file the way every SQLite-backed part of this package does: checks the
 * location, loads the driver, switches a writable file to WAL and sets `synchronous`. The state
 * store and the realtime log share it, so both open a file alike (and may share one file).
 *
 * @internal
 * @throws AgentryError `not_found` for a missing directory (or, read-only, file);
 *   `permission_denied` when WAL cannot be turned on; what `toStoreError` maps otherwise
 * @example
 * ```ts
 * const database = openSqliteDatabase({ path, readonly: false, busyTimeoutMs: 5000, driver: 'auto', synchronous: 'full' });
 * ```
 */
export function openSqliteDatabase(options: {
  path: string;
  readonly: boolean;
  busyTimeoutMs: number;
  driver: SqliteDriverChoice;
  synchronous: 'full' | 'normal';
}): SqliteConnection {
  const { path, readonly, busyTimeoutMs, synchronous } = options;
  checkLocation(path, readonly);
  const driver = loadSqliteDriver(options.driver);
  let database: SqliteConnection;
  try {
    database = driver.open(path, { readonly, busyTimeoutMs });
  } catch (error) {
    throw toStoreError(error, { path, operation: 'open' });
  }
  try {
    if (path !== ':memory:' && !readonly) {
      const mode = database.pragma('journal_mode = WAL') as string;
      if (mode !== 'wal')
        throw new AgentryError({
          code: 'permission_denied',
          message: `Cannot switch the SQLite store ${JSON.stringify(path)} to WAL mode (it stays in ${mode} mode); the file system may not support the shared memory WAL needs.`,
          details: { path, journalMode: mode },
          suggestions: ['Place the database on a local file system, not a network share.'],
        });
    }
    database.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  } catch (error) {
    database.close();
    throw toStoreError(error, { path, operation: 'open' });
  }
  return database;
}

/** Refuses a path whose directory (or, read-only, whose file) is missing, before any driver runs. */
function checkLocation(path: string, readonly: boolean): void {
  if (path !== ':memory:') {
    const target = readonly ? path : dirname(resolve(path));
    if (!existsSync(target))
      throw new AgentryError({
        code: 'not_found',
        message: readonly
          ? `Cannot open the SQLite store ${JSON.stringify(path)} read-only: the file does not exist.`
          : `Cannot create the SQLite store ${JSON.stringify(path)}: the directory ${JSON.stringify(target)} does not exist.`,
        details: { path, missing: target },
        suggestions: readonly
          ? ['Check the path, or create the store once without readonly.']
          : [
              'Create the directory first, for example with mkdir(dirname(path), { recursive: true }).',
            ],
      });
  }
}
