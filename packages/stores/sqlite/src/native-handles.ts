import type Database from 'better-sqlite3';

/**
 * better-sqlite3 12 (the last line that runs on Node 20) aborts the process on Node 22 and later
 * when V8 collects one of its statements or databases at a moment when no JavaScript context is
 * entered (`Assertion failed: (env) != nullptr` in `RemoveEnvironmentCleanupHook`, a SIGABRT).
 * There, every native handle the store makes is kept for the life of the process, so none is
 * ever collected: a few small objects per store opened. Node 20 collects them as usual.
 */
const keepHandles = Number(process.versions.node.split('.')[0]) >= 22;
const kept: object[] = [];

/**
 * Keeps a native handle from being collected where collecting it can crash the process.
 *
 * @internal
 */
export function keep<T extends object>(handle: T): T {
  if (keepHandles) kept.push(handle);
  return handle;
}

/**
 * Runs a pragma through a statement that is kept, rather than `database.pragma`, whose statement
 * would be left to the collector; returns its first column for a pragma that answers.
 *
 * @internal
 */
export function runPragma(database: Database.Database, source: string): unknown {
  const statement = keep(database.prepare(`PRAGMA ${source}`));
  if (!statement.reader) {
    statement.run();
    return undefined;
  }
  return statement.pluck().get();
}
