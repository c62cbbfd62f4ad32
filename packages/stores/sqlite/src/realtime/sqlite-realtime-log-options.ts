import { AgentryError, systemClock } from '@agentry/core';
import type { SqliteDriverChoice } from '../drivers/sqlite-connection.js';
import { resolveSqliteStoreOptions } from '../sqlite-store-options.js';

/**
 * Options of `createSqliteRealtimeLog`.
 *
 * @example
 * ```ts
 * import type { SqliteRealtimeLogOptions } from '@agentry/store-sqlite';
 *
 * const options: SqliteRealtimeLogOptions = { path: './data/realtime.db', maxEntries: 10_000 };
 * console.log(options.path);
 * ```
 */
export interface SqliteRealtimeLogOptions {
  /**
   * The database file, created when missing (its directory must exist), or `':memory:'` for a
   * private in-memory database. It may be the state store's file: the log's tables and format
   * version are its own. Files are switched to WAL mode (`<path>-wal` and `<path>-shm` sit next to
   * them).
   */
  path: string;
  /**
   * How hard each commit is pushed to disk: `'full'` (default) makes a resolved append survive a
   * power loss or an operating system crash, at one fsync per commit (appends issued in one turn of
   * the event loop share it); `'normal'` survives a process crash, SIGKILL included, but an
   * operating system crash or power loss may lose the last commits, whose offsets are then minted
   * again for later entries.
   */
  synchronous?: 'full' | 'normal';
  /** How long (milliseconds) to wait for another process's write lock before `timeout`; default 5000. */
  busyTimeoutMs?: number;
  /** The SQLite driver, as for `createSqliteStore`: `'auto'` (default), `'node:sqlite'` or `'better-sqlite3'`. */
  driver?: SqliteDriverChoice;
  /** Entries kept per channel when a channel does not say; default 10,000. */
  maxEntries?: number;
  /** How long (milliseconds) entries are kept when a channel does not say; default a day. */
  maxAgeMs?: number;
  /** The clock for entries' `at`, epochs and `sweep`; default `Date.now`. */
  clock?: () => number;
  /** Called when a `watch` listener throws; the others are still called. Default: `console.error`. */
  onListenerError?: (error: unknown, channel: string) => void;
}

/** @internal */
export interface ResolvedSqliteRealtimeLogOptions {
  path: string;
  synchronous: 'full' | 'normal';
  busyTimeoutMs: number;
  driver: SqliteDriverChoice;
  maxEntries: number | undefined;
  maxAgeMs: number | undefined;
  clock: () => number;
  onListenerError: (error: unknown, channel: string) => void;
}

function invalid(name: string, value: unknown, expected: string): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `createSqliteRealtimeLog: ${name} is ${typeof value}; ${expected}.`,
    details: { path: name },
    suggestions: [`Pass ${expected}, or leave ${name} out.`],
  });
}

/**
 * Checks the options: the file options as `createSqliteStore` checks them, the rest here.
 *
 * @internal
 * @throws AgentryError `validation_failed` naming the option
 */
export function resolveSqliteRealtimeLogOptions(
  options: unknown,
): ResolvedSqliteRealtimeLogOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalid('options', options, 'an options object such as { path: "./realtime.db" }');
  const { maxEntries, maxAgeMs, clock, onListenerError, ...file } = options as Record<
    string,
    unknown
  >;
  if ('readonly' in file)
    throw new AgentryError({
      code: 'validation_failed',
      message: 'createSqliteRealtimeLog has no readonly option: a realtime log always writes.',
      details: { path: 'readonly' },
      suggestions: ['Remove readonly.'],
    });
  if (clock !== undefined && typeof clock !== 'function')
    throw invalid('clock', clock, 'a function returning milliseconds since the epoch');
  if (onListenerError !== undefined && typeof onListenerError !== 'function')
    throw invalid('onListenerError', onListenerError, 'a function (error, channel) => void');
  const resolved = resolveSqliteStoreOptions(file, systemClock);
  return {
    path: resolved.path,
    synchronous: resolved.synchronous,
    busyTimeoutMs: resolved.busyTimeoutMs,
    driver: resolved.driver,
    maxEntries: maxEntries as number | undefined,
    maxAgeMs: maxAgeMs as number | undefined,
    clock: (clock as (() => number) | undefined) ?? Date.now,
    onListenerError:
      (onListenerError as ResolvedSqliteRealtimeLogOptions['onListenerError'] | undefined) ??
      ((error, channel) => {
        // eslint-disable-next-line no-console -- the documented default of onListenerError
        console.error(`A realtime watch listener on ${JSON.stringify(channel)} threw:`, error);
      }),
  };
}
