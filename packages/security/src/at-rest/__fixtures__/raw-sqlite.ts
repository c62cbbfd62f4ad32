// A connection of its own to a SQLite store's file, to change entries behind the store's back as a
// failing disk or an outside program would. better-sqlite3 is loaded from @agentry/store-sqlite's
// own dependencies, the driver the store itself uses on Node 20; on a newer Node, node:sqlite.
import { createRequire } from 'node:module';

interface RawStatement {
  get(...parameters: unknown[]): unknown;
  run(...parameters: unknown[]): unknown;
}
interface RawDatabase {
  prepare(sql: string): RawStatement;
  close(): void;
}
type DatabaseConstructor = new (path: string) => RawDatabase;

const fromHere = createRequire(import.meta.url);
const fromStore = createRequire(fromHere.resolve('@agentry/store-sqlite/package.json'));

/**
 * better-sqlite3 where it was built for the running Node (Node 20), else `node:sqlite` (Node 22.13
 * and later), as the store itself chooses.
 */
function openDatabase(file: string): RawDatabase {
  try {
    const Database = fromStore('better-sqlite3') as DatabaseConstructor;
    return new Database(file);
  } catch {
    const { DatabaseSync } = fromHere('node:sqlite') as { DatabaseSync: DatabaseConstructor };
    return new DatabaseSync(file);
  }
}

/** Reads the bytes of an entry's data column, lets `change` alter them, and writes them back. */
export function changeRawData(
  file: string,
  key: string,
  change: (bytes: Uint8Array) => Uint8Array,
): void {
  const raw = openDatabase(file);
  try {
    const row = raw
      .prepare('SELECT CAST(data AS BLOB) AS bytes FROM agentry_entries WHERE key = ?')
      .get(key) as { bytes: Uint8Array } | undefined;
    if (row === undefined) throw new Error(`No entry ${key} to change.`);
    const changed = change(new Uint8Array(row.bytes));
    raw
      .prepare('UPDATE agentry_entries SET data = CAST(? AS TEXT) WHERE key = ?')
      .run(Buffer.from(changed), key);
  } finally {
    raw.close();
  }
}
