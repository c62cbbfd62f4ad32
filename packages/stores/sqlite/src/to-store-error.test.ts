import { AgentryError, type ErrorCode } from '@agentry/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { toStoreError } from './to-store-error.js';

const context = { path: '/data/agentry.db', operation: 'put "agent:a"' };

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
  ])('maps %s to %s', (sqliteCode, code, recoverable) => {
    const cause = new Database.SqliteError('it failed', sqliteCode);
    const error = toStoreError(cause, context);
    expect(error.code).toBe(code);
    expect(error.recoverable).toBe(recoverable);
    expect(error.message).toContain('"/data/agentry.db"');
    expect(error.message).toContain('it failed');
    expect(error.details).toMatchObject({ path: '/data/agentry.db', sqliteCode });
    expect(error.suggestions.length).toBeGreaterThan(0);
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
