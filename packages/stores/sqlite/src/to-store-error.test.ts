import { AgentryError, type ErrorCode } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { sqliteCodeName } from './drivers/sqlite-result-codes.js';
import { toStoreError } from './to-store-error.js';

const context = { path: '/data/agentry.db', operation: 'put "agent:a"' };

/** An error as better-sqlite3 throws it: a `SqliteError` naming the result code in `code`. */
function betterSqlite3Error(message: string, code: string): Error {
  return Object.assign(new Error(message), { name: 'SqliteError', code });
}

/** An error as node:sqlite throws it: the extended result code's number in `errcode`. */
function nodeSqliteError(message: string, errcode: number): Error {
  return Object.assign(new Error(message), {
    code: 'ERR_SQLITE_ERROR',
    errcode,
    errstr: 'it failed',
  });
}

describe('toStoreError', () => {
  it.each<[string, ErrorCode, boolean]>([
    ['SQLITE_BUSY', 'timeout', true],
    ['SQLITE_BUSY_SNAPSHOT', 'timeout', true],
    ['SQLITE_LOCKED', 'timeout', true],
    ['SQLITE_READONLY', 'permission_denied', false],
    ['SQLITE_READONLY_DBMOVED', 'permission_denied', false],
    ['SQLITE_PERM', 'permission_denied', false],
    ['SQLITE_CANTOPEN', 'permission_denied', false],
    ['SQLITE_FULL', 'limit_exceeded', true],
    ['SQLITE_NOTADB', 'internal', false],
    ['SQLITE_CORRUPT', 'data_corrupted', false],
    ['SQLITE_CORRUPT_INDEX', 'data_corrupted', false],
    ['SQLITE_IOERR_WRITE', 'internal', false],
  ])('maps better-sqlite3 %s to %s', (sqliteCode, code, recoverable) => {
    const cause = betterSqlite3Error('it failed', sqliteCode);
    const error = toStoreError(cause, context);
    expect(error.code).toBe(code);
    expect(error.recoverable).toBe(recoverable);
    expect(error.message).toContain('"/data/agentry.db"');
    expect(error.message).toContain('it failed');
    expect(error.details).toMatchObject({ path: '/data/agentry.db', sqliteCode });
    expect(error.suggestions.length).toBeGreaterThan(0);
    expect(error.cause).toBe(cause);
  });

  it.each<[number, string, ErrorCode]>([
    [5, 'SQLITE_BUSY', 'timeout'],
    [517, 'SQLITE_BUSY_SNAPSHOT', 'timeout'],
    [6, 'SQLITE_LOCKED', 'timeout'],
    [8, 'SQLITE_READONLY', 'permission_denied'],
    [1032, 'SQLITE_READONLY_DBMOVED', 'permission_denied'],
    [14, 'SQLITE_CANTOPEN', 'permission_denied'],
    [13, 'SQLITE_FULL', 'limit_exceeded'],
    [26, 'SQLITE_NOTADB', 'internal'],
    [11, 'SQLITE_CORRUPT', 'data_corrupted'],
    [779, 'SQLITE_CORRUPT_INDEX', 'data_corrupted'],
    [778, 'SQLITE_IOERR_WRITE', 'internal'],
  ])('maps node:sqlite errcode %i (%s) to %s', (errcode, sqliteCode, code) => {
    const cause = nodeSqliteError('it failed', errcode);
    const error = toStoreError(cause, context);
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ path: '/data/agentry.db', sqliteCode });
    expect(error.message).toContain('it failed');
    expect(error.cause).toBe(cause);
  });

  it('passes an AgentryError through unchanged', () => {
    const original = new AgentryError({ code: 'conflict', message: 'stale' });
    expect(toStoreError(original, context)).toBe(original);
  });

  it('wraps other errors as internal, keeping the cause', () => {
    const cause = new RangeError('too deep');
    const error = toStoreError(cause, context);
    expect(error.code).toBe('internal');
    expect(error.cause).toBe(cause);
  });
});

describe('sqliteCodeName', () => {
  it.each<[number, string]>([
    [1, 'SQLITE_ERROR'],
    [5, 'SQLITE_BUSY'],
    [773, 'SQLITE_BUSY_TIMEOUT'],
    [264, 'SQLITE_READONLY_RECOVERY'],
    [1555, 'SQLITE_CONSTRAINT_PRIMARYKEY'],
    [2067, 'SQLITE_CONSTRAINT_UNIQUE'],
    [8714, 'SQLITE_IOERR_IN_PAGE'],
    [26, 'SQLITE_NOTADB'],
    // An extended code newer than the table is named by its primary code.
    [10 | (99 << 8), 'SQLITE_IOERR'],
    [99, 'SQLITE_UNKNOWN_99'],
  ])('names %i %s', (code, name) => {
    expect(sqliteCodeName(code)).toBe(name);
  });
});
