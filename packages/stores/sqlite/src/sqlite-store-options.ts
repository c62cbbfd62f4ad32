import { AgentryError, type Clock } from '@agentry/core';
import type { SqliteDriverChoice } from './drivers/sqlite-connection.js';

/**
 * Options of {@link createSqliteStore}.
 *
 * @example
 * ```ts
 * import { type SqliteStoreOptions } from '@agentry/store-sqlite';
 *
 * const options: SqliteStoreOptions = { path: './data/agentry.db', busyTimeoutMs: 10_000 };
 * ```
 */
export interface SqliteStoreOptions {
  /**
   * The database file, created when missing (its directory must exist), or `':memory:'` for a
   * private in-memory database that disappears on `close()`. Files are switched to WAL mode;
   * SQLite keeps `<path>-wal` and `<path>-shm` next to them, so back up and move the three together.
   */
  path: string;
  /**
   * How hard each commit is pushed to disk (SQLite's `PRAGMA synchronous`):
   *
   * - `'full'` (default): every resolved write survives a power loss or an operating system
   *   crash, at the cost of one fsync per commit. The writes issued in one turn of the event loop
   *   share a commit (group commit), so concurrent runs share the fsync; a single run waits for
   *   one per step. State is written after every agent step and a lost step would be replayed or
   *   lost, so durability is the default.
   * - `'normal'`: in WAL mode, commits survive a crash of the process but the last ones may be
   *   rolled back by a power loss or an operating system crash; the database is never corrupted.
   *   Faster for write-heavy work whose last steps can be redone.
   */
  synchronous?: 'full' | 'normal';
  /**
   * How long, in milliseconds, an operation waits for another connection (another process, or
   * another store on the same file) that holds the write lock before failing with `timeout`
   * (default 5000). Waiting blocks the calling thread, as every call of either driver does.
   */
  busyTimeoutMs?: number;
  /**
   * The SQLite driver:
   *
   * - `'auto'` (default): Node's built-in `node:sqlite` where the running Node has it (22.13 and
   *   later, 23.4 and later), better-sqlite3 otherwise (it must then be installed).
   * - `'node:sqlite'`: always the built-in module; refused with `plugin_missing` on an older Node.
   * - `'better-sqlite3'`: always the better-sqlite3 package (an optional peer dependency: install it).
   *
   * Both write the same file format, so a file can move between them. A driver that cannot be
   * loaded makes `createSqliteStore` throw `plugin_missing`, naming what to install.
   */
  driver?: SqliteDriverChoice;
  /**
   * Opens an existing store only to read: `put` and `delete` reject with `permission_denied`.
   * The file must exist and hold a store created by this package.
   */
  readonly?: boolean;
  /**
   * The clock for `createdAt` and `updatedAt` (default `systemClock`); only `now()` is used. Inject
   * a fake one in tests.
   */
  clock?: Pick<Clock, 'now'>;
}

/** The options with defaults applied. */
export interface ResolvedSqliteStoreOptions {
  path: string;
  synchronous: 'full' | 'normal';
  busyTimeoutMs: number;
  readonly: boolean;
  clock: Pick<Clock, 'now'>;
  driver: SqliteDriverChoice;
}

const knownOptions = new Set([
  'path',
  'synchronous',
  'busyTimeoutMs',
  'readonly',
  'clock',
  'driver',
]);

const driverChoices: readonly SqliteDriverChoice[] = ['auto', 'node:sqlite', 'better-sqlite3'];

/** The largest busy timeout accepted: SQLite takes a 32-bit signed number of milliseconds. */
const maxBusyTimeoutMs = 2 ** 31 - 1;

/**
 * Checks the options of `createSqliteStore` and fills in the defaults.
 *
 * @internal
 * @throws AgentryError `validation_failed` naming the option
 * @example
 * ```ts
 * resolveSqliteStoreOptions({ path: ':memory:' }).busyTimeoutMs; // 5000
 * ```
 */
export function resolveSqliteStoreOptions(
  options: unknown,
  defaultClock: Pick<Clock, 'now'>,
): ResolvedSqliteStoreOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalid(
      'options',
      'the options must be an object such as { path: "./agentry.db" }',
      options,
      'Pass an options object: createSqliteStore({ path: "./agentry.db" }).',
    );
  const record = options as Record<string, unknown>;
  for (const name of Object.keys(record))
    if (!knownOptions.has(name))
      throw invalid(
        name,
        `${name} is not an option; the options are ${[...knownOptions].join(', ')}`,
        record[name],
        `Remove ${name} or correct its spelling.`,
      );
  const {
    path,
    synchronous = 'full',
    busyTimeoutMs = 5000,
    readonly = false,
    clock,
    driver = 'auto',
  } = record;
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0'))
    throw invalid(
      'path',
      'path must be a non-empty file path or ":memory:"',
      path,
      'Pass the database file, such as path: "./data/agentry.db", or ":memory:" for tests.',
    );
  if (synchronous !== 'full' && synchronous !== 'normal')
    throw invalid(
      'synchronous',
      'synchronous must be "full" or "normal"',
      synchronous,
      'Use "full" (the default) unless losing the last writes on a power loss is acceptable.',
    );
  if (
    typeof busyTimeoutMs !== 'number' ||
    !Number.isInteger(busyTimeoutMs) ||
    busyTimeoutMs < 0 ||
    busyTimeoutMs > maxBusyTimeoutMs
  )
    throw invalid(
      'busyTimeoutMs',
      `busyTimeoutMs must be an integer from 0 to ${maxBusyTimeoutMs}`,
      busyTimeoutMs,
      'Pass the milliseconds to wait for a locked database, such as busyTimeoutMs: 5000.',
    );
  if (typeof readonly !== 'boolean')
    throw invalid(
      'readonly',
      'readonly must be a boolean',
      readonly,
      'Pass readonly: true or leave it out.',
    );
  if (
    clock !== undefined &&
    (typeof clock !== 'object' ||
      clock === null ||
      typeof (clock as { now?: unknown }).now !== 'function')
  )
    throw invalid(
      'clock',
      'clock must be an object with a now() method returning milliseconds',
      clock,
      'Pass a Clock such as systemClock, or leave clock out.',
    );
  if (!driverChoices.includes(driver as SqliteDriverChoice))
    throw invalid(
      'driver',
      `driver must be one of ${driverChoices.map((choice) => JSON.stringify(choice)).join(', ')}`,
      driver,
      'Leave driver out to use node:sqlite where Node.js has it and better-sqlite3 otherwise.',
    );
  if (readonly && path === ':memory:')
    throw invalid(
      'readonly',
      'an in-memory database cannot be opened read-only: it would always be empty',
      readonly,
      'Open a database file read-only, or drop readonly for ":memory:".',
    );
  return {
    path,
    synchronous,
    busyTimeoutMs,
    readonly,
    clock: (clock as Pick<Clock, 'now'> | undefined) ?? defaultClock,
    driver: driver as SqliteDriverChoice,
  };
}

function invalid(
  option: string,
  problem: string,
  value: unknown,
  suggestion: string,
): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `Invalid createSqliteStore option ${option}: ${problem}.`,
    details: { option, value: describeValue(value), reason: problem },
    suggestions: [suggestion],
  });
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null)
    return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
