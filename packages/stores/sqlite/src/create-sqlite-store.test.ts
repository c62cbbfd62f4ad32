import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentryError, type StateStore } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { missingDrivers, openRaw, testedDrivers } from './__fixtures__/drivers.js';
import { createSqliteStore } from './create-sqlite-store.js';
import { loadSqliteDriver } from './drivers/load-sqlite-driver.js';
import { immediateTransaction, type SqliteDriverName } from './drivers/sqlite-connection.js';
import { schemaVersion, storeApplicationId } from './migrate-schema.js';

const entry = (data: unknown) => ({ kind: 'agent', schemaVersion: '1', data });

let directory = '';
let file = '';
let driver: SqliteDriverName = 'node:sqlite';
const opened: StateStore[] = [];

function open(options: Partial<Parameters<typeof createSqliteStore>[0]> = {}): StateStore {
  const store = createSqliteStore({ path: file, driver, ...options });
  opened.push(store);
  return store;
}

async function rejection(promise: Promise<unknown>): Promise<AgentryError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (!AgentryError.isInstance(outcome)) throw outcome;
  return outcome;
}

function thrown(action: () => unknown): AgentryError {
  try {
    action();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-'));
  file = join(directory, 'agentry.db');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  rmSync(directory, { recursive: true, force: true });
});

describe.each(testedDrivers)('createSqliteStore on %s', (tested) => {
  beforeEach(() => {
    driver = tested;
  });

  it('opens its file with the driver asked for', async () => {
    const chosen = loadSqliteDriver(tested);
    const spy = vi.spyOn(chosen, 'open');
    try {
      await open().put('agent:a', entry(1));
      expect(spy).toHaveBeenCalledWith(file, { readonly: false, busyTimeoutMs: 5000 });
    } finally {
      spy.mockRestore();
    }
  });

  describe('durability', () => {
    it('keeps data, revisions and createdAt across close and reopen', async () => {
      const first = open();
      const created = await first.put('agent:a', entry({ turns: 0 }));
      await first.put('agent:b', entry('b'));
      await first.close();

      const second = open();
      expect(await second.get('agent:a')).toStrictEqual(created);
      const updated = await second.put('agent:a', entry({ turns: 1 }), { expectedRevision: 1 });
      expect(updated).toMatchObject({ revision: 2, createdAt: created.createdAt });
      expect((await second.list('agent:')).entries.map((envelope) => envelope.key)).toEqual([
        'agent:a',
        'agent:b',
      ]);
    });

    it('puts files in WAL mode', async () => {
      const store = open();
      await store.put('agent:a', entry(1));
      const reader = openRaw(file, driver, { readonly: true });
      try {
        expect(reader.pragma('journal_mode')).toBe('wal');
      } finally {
        reader.close();
      }
      expect(existsSync(`${file}-wal`)).toBe(true);
    });

    it('records the file format in user_version and application_id', () => {
      open();
      const reader = openRaw(file, driver, { readonly: true });
      try {
        expect(reader.pragma('user_version')).toBe(schemaVersion);
        expect(reader.pragma('application_id')).toBe(storeApplicationId);
      } finally {
        reader.close();
      }
    });
  });

  describe('group commit', () => {
    const walFrames = () => statSync(`${file}-wal`).size / (4096 + 24);

    it('commits writes issued together in one transaction, one WAL commit for all', async () => {
      const store = open();
      await store.put('agent:first', entry(0));
      const before = walFrames();
      const written = await Promise.all(
        Array.from({ length: 20 }, (_, index) => store.put(`agent:${index}`, entry(index))),
      );
      expect(written.map((item) => item.revision)).toEqual(Array.from({ length: 20 }, () => 1));
      // One transaction writes each page it changed once: the leaf holding the 20 small rows.
      expect(walFrames() - before).toBeLessThanOrEqual(3);
      const reader = openRaw(file, driver, { readonly: true });
      const counted = reader.prepare<[], { n: number }>(
        'SELECT count(*) AS n FROM agentry_entries',
      );
      expect(counted.get()?.n).toBe(21);
      reader.close();
    });

    it('reports a conflict per write and commits the others of the same transaction', async () => {
      const store = open();
      await store.put('agent:a', entry('first'));
      const results = await Promise.allSettled([
        store.put('agent:a', entry('second'), { expectedRevision: 1 }),
        store.put('agent:a', entry('third'), { expectedRevision: 1 }),
        store.put('agent:b', entry('other')),
        store.delete('agent:a', { expectedRevision: 2 }),
      ]);
      expect(results.map((result) => result.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
        code: 'conflict',
        details: { key: 'agent:a', expectedRevision: 1, actualRevision: 2 },
      });
      expect(await store.get('agent:a')).toBeUndefined();
      expect(await store.get('agent:b')).toMatchObject({ data: 'other' });
    });

    it('commits under fake timers installed after the store was loaded', async () => {
      const store = open();
      vi.useFakeTimers();
      try {
        expect(await store.put('agent:a', entry(1))).toMatchObject({ revision: 1 });
      } finally {
        vi.useRealTimers();
      }
    });

    it('commits writes still queued when the store is closed', async () => {
      const store = open();
      const pending = store.put('agent:a', entry(1));
      await store.close();
      expect(await pending).toMatchObject({ revision: 1 });
      const reopened = open();
      expect(await reopened.get('agent:a')).toMatchObject({ data: 1 });
    });
  });

  describe('timestamps', () => {
    it('takes times from the clock, keeps createdAt and never moves updatedAt backwards', async () => {
      let now = Date.parse('2026-01-01T00:00:00.000Z');
      const store = open({ clock: { now: () => now } });
      const created = await store.put('agent:a', entry(1));
      expect(created).toMatchObject({
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      });
      now += 60_000;
      const updated = await store.put('agent:a', entry(2));
      expect(updated).toMatchObject({
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:01:00.000Z',
      });
      now -= 3_600_000;
      expect((await store.put('agent:a', entry(3))).updatedAt).toBe('2026-01-01T00:01:00.000Z');
    });
  });

  describe('several stores on one file', () => {
    it("see each other's writes, and a stale expectedRevision gets conflict", async () => {
      const left = open();
      const right = open();
      const created = await left.put('agent:a', entry('left'));
      expect(await right.get('agent:a')).toStrictEqual(created);

      await right.put('agent:a', entry('right'), { expectedRevision: 1 });
      const error = await rejection(left.put('agent:a', entry('lost'), { expectedRevision: 1 }));
      expect(error.code).toBe('conflict');
      expect(error.recoverable).toBe(true);
      expect(error.details).toMatchObject({
        key: 'agent:a',
        expectedRevision: 1,
        actualRevision: 2,
      });
      expect(await left.get('agent:a')).toMatchObject({ revision: 2, data: 'right' });

      const deleteError = await rejection(left.delete('agent:a', { expectedRevision: 1 }));
      expect(deleteError.details).toMatchObject({ expectedRevision: 1, actualRevision: 2 });
      expect(await right.delete('agent:a', { expectedRevision: 2 })).toBe(true);
      expect(await left.get('agent:a')).toBeUndefined();
    });
  });

  describe('list', () => {
    it('treats % and _ in a prefix as plain characters, case-sensitively', async () => {
      const store = open();
      for (const key of ['a%b', 'a%c', 'aXb', 'a_', 'a_b', 'aab', 'A%b', 'a%', 'b%'])
        await store.put(key, entry(key));
      const keys = async (prefix: string) =>
        (await store.list(prefix)).entries.map((envelope) => envelope.key);
      expect(await keys('a%')).toEqual(['a%', 'a%b', 'a%c']);
      expect(await keys('a_')).toEqual(['a_', 'a_b']);
      expect(await keys('A')).toEqual(['A%b']);
    });

    it('pages through a prefix in code point order', async () => {
      const store = open();
      const keys = ['run:\u{1F600}', 'run:\uE000', 'run:b', 'run:a', 'run;', 'ru'];
      for (const key of keys) await store.put(key, entry(key));
      const first = await store.list('run:', { limit: 2 });
      expect(first.entries.map((envelope) => envelope.key)).toEqual(['run:a', 'run:b']);
      expect(first.next).toBe('run:b');
      const second = await store.list('run:', { limit: 2, after: first.next });
      expect(second.entries.map((envelope) => envelope.key)).toEqual([
        'run:\uE000',
        'run:\u{1F600}',
      ]);
      expect(second.next).toBeUndefined();
    });
  });

  describe('options', () => {
    it.each<[string, unknown, string]>([
      ['no options', undefined, 'options'],
      ['an empty path', { path: '' }, 'path'],
      ['a path that is not a string', { path: 42 }, 'path'],
      ['an unknown option', { path: ':memory:', file: 'x.db' }, 'file'],
      ['an unknown synchronous mode', { path: ':memory:', synchronous: 'off' }, 'synchronous'],
      ['a negative busy timeout', { path: ':memory:', busyTimeoutMs: -1 }, 'busyTimeoutMs'],
      ['a fractional busy timeout', { path: ':memory:', busyTimeoutMs: 1.5 }, 'busyTimeoutMs'],
      ['a clock without now', { path: ':memory:', clock: {} }, 'clock'],
      ['readonly that is not a boolean', { path: ':memory:', readonly: 'yes' }, 'readonly'],
      ['a read-only in-memory database', { path: ':memory:', readonly: true }, 'readonly'],
      ['an unknown driver', { path: ':memory:', driver: 'sqlite3' }, 'driver'],
    ])('refuses %s with validation_failed naming the option', (_, options, option) => {
      const error = thrown(() => createSqliteStore(options as never));
      expect(error.code).toBe('validation_failed');
      expect(error.details.option).toBe(option);
      expect(error.message).toContain(option);
      expect(error.suggestions.length).toBeGreaterThan(0);
    });

    it('refuses a file in a missing directory with not_found', () => {
      const error = thrown(() =>
        createSqliteStore({ path: join(directory, 'missing', 'a.db'), driver }),
      );
      expect(error.code).toBe('not_found');
      expect(error.details.missing).toBe(join(directory, 'missing'));
    });
  });

  describe('files it cannot use', () => {
    it('refuses a file that is not a database with an error naming it', () => {
      writeFileSync(file, 'this is a text file, not a database. '.repeat(50));
      const error = thrown(() => createSqliteStore({ path: file, driver }));
      expect(error.code).toBe('internal');
      expect(error.details).toMatchObject({ path: file, sqliteCode: 'SQLITE_NOTADB' });
      expect(error.message).toContain(file);
      expect(error.suggestions.join(' ')).toContain('backup');
    });

    it('refuses the database of another application', () => {
      const other = openRaw(file, driver);
      other.exec('CREATE TABLE orders (id INTEGER); PRAGMA user_version = 7;');
      other.close();
      const error = thrown(() => createSqliteStore({ path: file, driver }));
      expect(error.code).toBe('validation_failed');
      expect(error.details).toMatchObject({ path: file, userVersion: 7 });
    });

    it('refuses a file written in a newer format', () => {
      open();
      for (const store of opened.splice(0)) void store.close();
      const newer = openRaw(file, driver);
      newer.pragma(`user_version = ${schemaVersion + 1}`);
      newer.close();
      const error = thrown(() => createSqliteStore({ path: file, driver }));
      expect(error.code).toBe('schema_version_unsupported');
      expect(error.details).toMatchObject({ fileVersion: schemaVersion + 1 });
    });

    it('reports data that is not JSON, changed outside the store, as data_corrupted', async () => {
      const store = open();
      await store.put('agent:a', entry(1));
      const writer = openRaw(file, driver);
      writer.prepare("UPDATE agentry_entries SET data = '{broken' WHERE key = 'agent:a'").run();
      writer.close();
      const error = await rejection(store.get('agent:a'));
      expect(error.code).toBe('data_corrupted');
      expect(error.details).toMatchObject({ key: 'agent:a', path: file });
    });
  });

  describe('integrity', () => {
    function change(sql: string, ...parameters: unknown[]): void {
      const writer = openRaw(file, driver);
      writer.prepare(sql).run(...parameters);
      writer.close();
    }

    it('reads AMOUNT-9000-EUR, changed outside the store from AMOUNT-1000-EUR, as data_corrupted', async () => {
      const store = open();
      await store.put('payment:a', entry({ amount: 'AMOUNT-1000-EUR' }));
      change("UPDATE agentry_entries SET data = replace(data, '1000', '9000')");
      const error = await rejection(store.get('payment:a'));
      expect(error.code).toBe('data_corrupted');
      expect(error.recoverable).toBe(false);
      expect(error.details).toMatchObject({ path: file, key: 'payment:a' });
      expect(error.message).toContain('payment:a');
      // A page around it is still read; the damaged entry is reported by key, never returned.
      const listed = await store.list('payment:');
      expect(listed.entries).toEqual([]);
      expect(listed.unreadable).toEqual([
        {
          key: 'payment:a',
          error: expect.objectContaining({
            code: 'data_corrupted',
            details: expect.objectContaining({ key: 'payment:a' }),
          }),
        },
      ]);
    });

    it.each([
      ['revision', 'revision = revision + 1'],
      ['kind', "kind = 'agenT'"],
      ['schema version', "schema_version = '2'"],
      ['creation time', "created_at = '2000-01-01T00:00:00.000Z'"],
      ['update time', "updated_at = '2999-01-01T00:00:00.000Z'"],
    ])('detects a changed %s', async (_, assignment) => {
      const store = open();
      await store.put('agent:a', entry({ turns: 1 }));
      change(`UPDATE agentry_entries SET ${assignment}`);
      expect((await rejection(store.get('agent:a'))).code).toBe('data_corrupted');
    });

    it('detects an entry moved to another key', async () => {
      const store = open();
      await store.put('agent:a', entry({ owner: 'a' }));
      change("UPDATE agentry_entries SET key = 'agent:b'");
      expect((await rejection(store.get('agent:b'))).details).toMatchObject({
        key: 'agent:b',
      });
    });

    it('adds checksums to the entries of a file in format 1 when it opens it', async () => {
      const legacy = openRaw(file, driver);
      legacy.exec(`
        CREATE TABLE agentry_entries (
          key TEXT NOT NULL PRIMARY KEY, revision INTEGER NOT NULL CHECK (revision >= 1),
          kind TEXT NOT NULL, schema_version TEXT NOT NULL, data TEXT NOT NULL,
          created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
        PRAGMA application_id = ${storeApplicationId};
        PRAGMA user_version = 1;`);
      const insert = legacy.prepare(
        "INSERT INTO agentry_entries VALUES (?, 3, 'agent', '1', ?, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z')",
      );
      immediateTransaction(legacy, () => {
        for (let index = 0; index < 1200; index += 1)
          insert.run(`agent:${String(index).padStart(4, '0')}`, JSON.stringify({ index }));
      });
      legacy.close();
      const store = open();
      expect(await store.get('agent:0777')).toMatchObject({
        revision: 3,
        data: { index: 777 },
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-02T00:00:00.000Z',
      });
      expect((await store.list('agent:', { limit: 1000 })).entries).toHaveLength(1000);
      change("UPDATE agentry_entries SET data = '{\"index\":9}' WHERE key = 'agent:1199'");
      expect((await rejection(store.get('agent:1199'))).code).toBe('data_corrupted');
    });

    it('lists the rest of a page around an entry changed outside the store, reporting it by key', async () => {
      const store = open();
      for (const key of ['agent:a', 'agent:b', 'agent:c', 'agent:d'])
        await store.put(key, entry(key));
      const writer = openRaw(file, driver);
      writer.prepare("UPDATE agentry_entries SET data = '{broken' WHERE key = 'agent:b'").run();
      writer.close();
      const first = await store.list('agent:', { limit: 2 });
      expect(first.entries.map((found) => found.key)).toEqual(['agent:a']);
      expect(first.unreadable).toEqual([
        { key: 'agent:b', error: expect.objectContaining({ code: 'data_corrupted' }) },
      ]);
      expect(first.next).toBe('agent:b');
      const second = await store.list('agent:', { limit: 2, after: first.next! });
      expect(second.entries.map((found) => found.key)).toEqual(['agent:c', 'agent:d']);
      expect(second.unreadable).toBeUndefined();
    });
  });

  describe('readonly', () => {
    it('reads an existing store and rejects writes with permission_denied', async () => {
      const writer = open();
      await writer.put('agent:a', entry(1));
      const reader = open({ readonly: true });
      expect(await reader.get('agent:a')).toMatchObject({ data: 1 });
      const error = await rejection(reader.put('agent:b', entry(2)));
      expect(error.code).toBe('permission_denied');
      expect(error.details).toMatchObject({
        sqliteCode: expect.stringMatching(/^SQLITE_READONLY/),
      });
      expect(await writer.get('agent:b')).toBeUndefined();
    });

    it('refuses a missing file with not_found', () => {
      const error = thrown(() => createSqliteStore({ path: file, readonly: true, driver }));
      expect(error.code).toBe('not_found');
      expect(existsSync(file)).toBe(false);
    });
  });

  describe('close', () => {
    it('rejects later calls with invalid_transition', async () => {
      const store = open();
      await store.close();
      const error = await rejection(store.put('agent:a', entry(1)));
      expect(error.code).toBe('invalid_transition');
      expect(error.details).toMatchObject({ path: file, state: 'closed' });
    });
  });
});

describe.runIf(missingDrivers.length > 0)('createSqliteStore without a driver', () => {
  it.each(missingDrivers)(
    'refuses driver %s, which this Node cannot load, with plugin_missing',
    (name) => {
      const error = thrown(() => createSqliteStore({ path: ':memory:', driver: name }));
      expect(error.code).toBe('plugin_missing');
      expect(error.message).toContain(name);
      expect(error.message).toContain(process.versions.node);
      expect(error.details).toMatchObject({ driver: name, unavailable: [{ driver: name }] });
      expect(error.suggestions.length).toBeGreaterThan(0);
    },
  );
});
