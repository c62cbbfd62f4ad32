import type {
  SqliteConnection,
  SqliteDriver,
  SqliteOpenOptions,
  SqliteStatement,
} from './sqlite-connection.js';

/** The part of a `node:sqlite` `DatabaseSync` the store uses. */
interface NodeSqliteDatabase {
  prepare(source: string): SqliteStatement;
  exec(source: string): void;
  close(): void;
  /** Whether a transaction is open; Node 22.16 and 24.0 added it. */
  readonly isTransaction?: boolean;
}

/**
 * The part of the `node:sqlite` module the store uses.
 *
 * @internal
 */
export interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => NodeSqliteDatabase;
}

/**
 * The driver over Node's built-in `node:sqlite` (`DatabaseSync`). Its statements already have the
 * shape the store uses; named parameters bind from keys without their `@`, as with better-sqlite3.
 *
 * @internal
 * @example
 * ```ts
 * const driver = nodeSqliteDriver(process.getBuiltinModule('node:sqlite'));
 * const connection = driver.open(':memory:', { readonly: false, busyTimeoutMs: 5000 });
 * ```
 */
export function nodeSqliteDriver(sqlite: NodeSqliteModule): SqliteDriver {
  return {
    name: 'node:sqlite',
    open(path: string, { readonly, busyTimeoutMs }: SqliteOpenOptions): SqliteConnection {
      const database = new sqlite.DatabaseSync(path, { readOnly: readonly });
      const connection = nodeSqliteConnection(database);
      try {
        // First, so that every later statement (the WAL switch included) waits for a lock.
        connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
      } catch (error) {
        database.close();
        throw error;
      }
      return connection;
    },
  };
}

/**
 * Wraps an open `DatabaseSync`.
 *
 * @internal
 * @example
 * ```ts
 * const connection = nodeSqliteConnection(new DatabaseSync(':memory:'));
 * ```
 */
export function nodeSqliteConnection(database: NodeSqliteDatabase): SqliteConnection {
  return {
    driver: 'node:sqlite',
    prepare: <TParameters extends unknown[], TRow>(source: string) =>
      database.prepare(source) as SqliteStatement<TParameters, TRow>,
    exec(source) {
      database.exec(source);
    },
    pragma(source) {
      const row = database.prepare(`PRAGMA ${source}`).get() as Record<string, unknown> | undefined;
      return row === undefined ? undefined : Object.values(row)[0];
    },
    get inTransaction() {
      const open = database.isTransaction;
      if (typeof open === 'boolean') return open;
      // Node 22.13 to 22.15 cannot say: BEGIN fails inside a transaction and starts one
      // (deferred, so it takes no lock) outside, which is ended at once.
      try {
        database.exec('BEGIN');
      } catch (error) {
        if (error instanceof Error && /within a transaction/.test(error.message)) return true;
        throw error;
      }
      database.exec('ROLLBACK');
      return false;
    },
    close() {
      database.close();
    },
  };
}
