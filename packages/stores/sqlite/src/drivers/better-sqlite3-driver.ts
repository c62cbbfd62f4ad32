import type {
  SqliteConnection,
  SqliteDriver,
  SqliteOpenOptions,
  SqliteStatement,
} from './sqlite-connection.js';

/** The part of a better-sqlite3 statement the store uses. */
interface BetterSqlite3Statement extends SqliteStatement {
  /** Whether the statement returns rows. */
  readonly reader: boolean;
  pluck(toggle?: boolean): this;
}

/** The part of a better-sqlite3 database the store uses. */
interface BetterSqlite3Database {
  prepare(source: string): BetterSqlite3Statement;
  exec(source: string): unknown;
  close(): unknown;
  readonly inTransaction: boolean;
}

/**
 * better-sqlite3's default export: the `Database` class.
 *
 * @internal
 */
export type BetterSqlite3Constructor = new (
  path: string,
  options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number },
) => BetterSqlite3Database;

/**
 * better-sqlite3 12 (the last line that runs on Node 20) aborts the process on Node 22 and later
 * when V8 collects one of its statements or databases at a moment when no JavaScript context is
 * entered (`Assertion failed: (env) != nullptr` in `RemoveEnvironmentCleanupHook`, a SIGABRT).
 * There, every native handle the store makes is kept for the life of the process, so none is
 * ever collected: a few small objects per store opened. Node 20 collects them as usual.
 */
const keepHandles = Number(process.versions.node.split('.')[0]) >= 22;
const kept: object[] = [];

function keep<T extends object>(handle: T): T {
  if (keepHandles) kept.push(handle);
  return handle;
}

/**
 * The driver over better-sqlite3's `Database` class. Every statement and database it makes goes
 * through `keep` (see above), pragmas included: `database.pragma` would leave its statement to
 * the collector.
 *
 * @internal
 * @example
 * ```ts
 * const driver = betterSqlite3Driver(createRequire(import.meta.url)('better-sqlite3'));
 * const connection = driver.open(':memory:', { readonly: false, busyTimeoutMs: 5000 });
 * ```
 */
export function betterSqlite3Driver(Database: BetterSqlite3Constructor): SqliteDriver {
  return {
    name: 'better-sqlite3',
    open(path: string, { readonly, busyTimeoutMs }: SqliteOpenOptions): SqliteConnection {
      // better-sqlite3's timeout is SQLite's busy_timeout: wait for a locked file, then SQLITE_BUSY.
      const database = keep(
        new Database(path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs }),
      );
      return {
        driver: 'better-sqlite3',
        prepare: <TParameters extends unknown[], TRow>(source: string) =>
          keep(database.prepare(source)) as unknown as SqliteStatement<TParameters, TRow>,
        exec(source) {
          database.exec(source);
        },
        pragma(source) {
          const statement = keep(database.prepare(`PRAGMA ${source}`));
          if (!statement.reader) {
            statement.run();
            return undefined;
          }
          return statement.pluck().get();
        },
        get inTransaction() {
          return database.inTransaction;
        },
        close() {
          database.close();
        },
      };
    },
  };
}
