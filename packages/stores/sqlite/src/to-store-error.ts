import { AgentryError, toAgentryError } from '@agentry/core';
import { sqliteCodeName } from './drivers/sqlite-result-codes.js';

/** What a failure happened to: the file and the operation, named in the message. */
interface FailureContext {
  /** The database path, as passed to `createSqliteStore`. */
  path: string;
  /** What the store was doing, such as `open` or `put "agent:a"`. */
  operation: string;
}

/**
 * Turns what SQLite threw (through either driver) into an {@link AgentryError} that names the file
 * and says what to do; an `AgentryError` passes through unchanged. The SQLite result code (such as
 * `SQLITE_READONLY`) is kept in `details.sqliteCode`, named the same for both drivers, and the
 * original error as `cause`.
 *
 * | SQLite code                         | Agentry code        |
 * | ----------------------------------- | ------------------- |
 * | `SQLITE_BUSY*`, `SQLITE_LOCKED*`    | `timeout`           |
 * | `SQLITE_READONLY*`, `SQLITE_PERM`, `SQLITE_AUTH`, `SQLITE_CANTOPEN*` | `permission_denied` |
 * | `SQLITE_FULL`                       | `limit_exceeded`    |
 * | `SQLITE_CORRUPT*`                   | `data_corrupted`    |
 * | `SQLITE_NOTADB`                     | `internal`          |
 * | anything else                       | `internal`          |
 *
 * @internal
 * @example
 * ```ts
 * try { statement.run(key); } catch (error) { throw toStoreError(error, { path, operation: 'put' }); }
 * ```
 */
export function toStoreError(error: unknown, context: FailureContext): AgentryError {
  if (AgentryError.isInstance(error)) return error;
  const sqliteCode = readSqliteCode(error);
  if (sqliteCode === undefined) return toAgentryError(error);
  const reason = error instanceof Error ? error.message : String(error);
  const where = `the SQLite store ${JSON.stringify(context.path)} (${context.operation})`;
  const details = { path: context.path, operation: context.operation, sqliteCode, reason };
  const base = { details, cause: error };
  if (/^SQLITE_(BUSY|LOCKED)/.test(sqliteCode))
    return new AgentryError({
      ...base,
      code: 'timeout',
      message: `Timed out waiting for another connection to release ${where}: ${reason}.`,
      suggestions: [
        'Retry the operation; another process was writing to the same file.',
        'Raise busyTimeoutMs if writers routinely wait longer, and keep other connections from holding long transactions.',
      ],
    });
  if (/^SQLITE_(READONLY|PERM|AUTH|CANTOPEN)/.test(sqliteCode))
    return new AgentryError({
      ...base,
      code: 'permission_denied',
      message: `Cannot write to ${where}: ${reason}.`,
      suggestions: [
        'Give the process read and write access to the database file and to its directory (SQLite creates -wal and -shm files next to it).',
        'Do not open the store with readonly: true when you need to write, and do not place it on a read-only file system.',
      ],
    });
  if (sqliteCode === 'SQLITE_FULL')
    return new AgentryError({
      ...base,
      code: 'limit_exceeded',
      message: `The disk holding ${where} is full: ${reason}.`,
      suggestions: ['Free disk space or move the database to a larger volume, then retry.'],
    });
  if (sqliteCode.startsWith('SQLITE_CORRUPT'))
    return new AgentryError({
      ...base,
      code: 'data_corrupted',
      message: `SQLite found a damaged page in the file of ${where}: ${reason}. Restore the file from a backup.`,
      suggestions: [
        'Restore the file from a backup; if it was copied while in use, copy its -wal file with it.',
        'Run "PRAGMA integrity_check" with the sqlite3 shell to see what is damaged, and check the disk.',
      ],
    });
  if (sqliteCode === 'SQLITE_NOTADB')
    return new AgentryError({
      ...base,
      code: 'internal',
      message: `The file of ${where} is not a valid SQLite database: ${reason}.`,
      suggestions: [
        'Check that path points to a database created by @agentry/store-sqlite, not another file.',
        'Restore the file from a backup; if it was copied while in use, copy its -wal file with it.',
        'Run "PRAGMA integrity_check" with the sqlite3 shell to see what is damaged.',
      ],
    });
  return new AgentryError({
    ...base,
    code: 'internal',
    message: `SQLite failed in ${where}: ${reason}.`,
    suggestions: [
      'Check the disk and the file system holding the database, then retry.',
      'Report the issue with details.sqliteCode if it persists.',
    ],
  });
}

/**
 * The SQLite result code of a driver's error: better-sqlite3 names it in `code`; node:sqlite sets
 * `code` to `ERR_SQLITE_ERROR` and the (extended) result code's number in `errcode`.
 */
function readSqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  const { code, errcode } = error as { code: unknown; errcode?: unknown };
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') return sqliteCodeName(errcode);
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
