// The drivers this Node can load, so that each test file runs once per driver: on Node 20
// better-sqlite3 alone, on Node 22.13 and later node:sqlite, and better-sqlite3 too where it was
// built for the running Node.
import { loadSqliteDriver } from '../drivers/load-sqlite-driver.js';
import type { SqliteConnection, SqliteDriverName } from '../drivers/sqlite-connection.js';

const allDrivers: readonly SqliteDriverName[] = ['node:sqlite', 'better-sqlite3'];

function loads(driver: SqliteDriverName): boolean {
  try {
    loadSqliteDriver(driver);
    return true;
  } catch {
    return false;
  }
}

/** The drivers the tests run on here. */
export const testedDrivers: readonly SqliteDriverName[] = allDrivers.filter(loads);

/** The drivers this Node cannot load. */
export const missingDrivers: readonly SqliteDriverName[] = allDrivers.filter(
  (driver) => !testedDrivers.includes(driver),
);

/** A connection of its own to a store's file, to read or change it behind the store's back. */
export function openRaw(
  file: string,
  driver: SqliteDriverName,
  options: { readonly?: boolean } = {},
): SqliteConnection {
  return loadSqliteDriver(driver).open(file, {
    readonly: options.readonly ?? false,
    busyTimeoutMs: 5000,
  });
}
