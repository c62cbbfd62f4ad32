/**
 * The SQLite drivers the store can run on: Node's built-in `node:sqlite` (from Node 22.13 and
 * 23.4) and the `better-sqlite3` package.
 *
 * @example
 * ```ts
 * const driver: SqliteDriverName = 'node:sqlite';
 * ```
 */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/**
 * The `driver` option of `createSqliteStore`: a driver by name, or `'auto'` (the default) for
 * `node:sqlite` where the running Node has it and better-sqlite3 otherwise.
 *
 * @example
 * ```ts
 * const store = createSqliteStore({ path: './data/agentry.db', driver: 'better-sqlite3' });
 * ```
 */
export type SqliteDriverChoice = 'auto' | SqliteDriverName;

/** What the store asks of the outcome of a write statement. */
export interface SqliteRunResult {
  /** The rows the statement inserted, updated or deleted. */
  changes: number | bigint;
}

/**
 * A prepared statement. Both drivers' own statements have this shape, so they are used as they
 * are, with nothing in between on the hot path.
 *
 * @internal
 */
export interface SqliteStatement<TParameters extends unknown[] = unknown[], TRow = unknown> {
  run(...parameters: TParameters): SqliteRunResult;
  get(...parameters: TParameters): TRow | undefined;
  all(...parameters: TParameters): TRow[];
}

/**
 * One open database connection, the same over either driver. Errors are the driver's own; the
 * store turns them into `AgentryError`s with `toStoreError`, which reads both drivers' result codes.
 *
 * @internal
 */
export interface SqliteConnection {
  /** The driver under this connection. */
  readonly driver: SqliteDriverName;
  /** Prepares a statement; named parameters are written `@name` and bound from `{ name }`. */
  prepare<TParameters extends unknown[] = unknown[], TRow = unknown>(
    source: string,
  ): SqliteStatement<TParameters, TRow>;
  /** Runs one or more statements that return no rows. */
  exec(source: string): void;
  /**
   * Runs `PRAGMA <source>` and returns the first column of its first row, or `undefined` for a
   * pragma that answers nothing (such as `synchronous = FULL`).
   */
  pragma(source: string): unknown;
  /** Whether a transaction is open (SQLite may roll one back by itself after some errors). */
  readonly inTransaction: boolean;
  /** Closes the connection; its statements can no longer run. */
  close(): void;
}

/** How a connection is opened. */
export interface SqliteOpenOptions {
  /** Open the file only to read (it must exist). */
  readonly: boolean;
  /** SQLite's busy timeout: how long a statement waits for a lock held by another connection. */
  busyTimeoutMs: number;
}

/**
 * A loaded driver: opens connections.
 *
 * @internal
 */
export interface SqliteDriver {
  readonly name: SqliteDriverName;
  open(path: string, options: SqliteOpenOptions): SqliteConnection;
}

/**
 * Runs `body` in a `BEGIN IMMEDIATE` transaction (taking the write lock first, waiting up to the
 * busy timeout for it) and commits; rolls back and rethrows when `body` or the commit throws.
 *
 * @internal
 * @example
 * ```ts
 * immediateTransaction(connection, () => connection.exec('CREATE TABLE t (k TEXT)'));
 * ```
 */
export function immediateTransaction<TResult>(
  connection: SqliteConnection,
  body: () => TResult,
): TResult {
  connection.exec('BEGIN IMMEDIATE');
  try {
    const result = body();
    connection.exec('COMMIT');
    return result;
  } catch (error) {
    if (connection.inTransaction) connection.exec('ROLLBACK');
    throw error;
  }
}
