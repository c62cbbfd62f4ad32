import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRaw, testedDrivers } from './__fixtures__/drivers.js';
import type { SqliteConnection } from './drivers/sqlite-connection.js';
import { createGroupCommit } from './group-commit.js';

let directory = '';
let database: SqliteConnection;

const insert = (id: string) => () =>
  Number(database.prepare('INSERT INTO items VALUES (?)').run(id).changes);
const ids = () =>
  database
    .prepare<[], { id: string }>('SELECT id FROM items ORDER BY id')
    .all()
    .map((row) => row.id);
const wrap = (error: unknown) => new Error(`wrapped: ${(error as Error).message}`);

describe.each(testedDrivers)('createGroupCommit on %s', (driver) => {
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'agentry-group-commit-'));
    database = openRaw(join(directory, 'test.db'), driver);
    database.pragma('journal_mode = WAL');
    database.exec('CREATE TABLE items (id TEXT PRIMARY KEY)');
  });

  afterEach(() => {
    database.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('commits the writes queued in one turn in one transaction, in order', async () => {
    const writes = createGroupCommit(database);
    const seen: boolean[] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        writes.enqueue(() => {
          seen.push(database.inTransaction);
          return insert(id)();
        }, wrap),
      ),
    );
    expect(results).toEqual([1, 1, 1]);
    expect(seen).toEqual([true, true, true]);
    expect(ids()).toEqual(['a', 'b', 'c']);
  });

  it('resolves a write only once its transaction is committed and visible to others', async () => {
    const writes = createGroupCommit(database);
    const other = openRaw(join(directory, 'test.db'), driver);
    try {
      await writes.enqueue(insert('a'), wrap);
      expect(database.inTransaction).toBe(false);
      expect(other.prepare<[], { n: number }>('SELECT count(*) AS n FROM items').get()?.n).toBe(1);
    } finally {
      other.close();
    }
  });

  it('fails a write that throws alone, keeping the others of its transaction', async () => {
    const writes = createGroupCommit(database);
    const results = await Promise.allSettled([
      writes.enqueue(insert('a'), wrap),
      writes.enqueue(insert('a'), wrap),
      writes.enqueue(insert('b'), wrap),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      message: expect.stringMatching(/^wrapped: UNIQUE constraint failed/),
    });
    expect(ids()).toEqual(['a', 'b']);
  });

  it('rejects every write and writes none when SQLite ends the transaction', async () => {
    const writes = createGroupCommit(database);
    const results = await Promise.allSettled([
      writes.enqueue(insert('a'), wrap),
      writes.enqueue(() => {
        // What SQLite does on some I/O and out-of-memory errors: it rolls the transaction back.
        database.prepare('ROLLBACK').run();
        throw new Error('disk I/O error');
      }, wrap),
      writes.enqueue(insert('c'), wrap),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
      message: 'wrapped: disk I/O error',
    });
    expect(ids()).toEqual([]);
  });

  it('rolls back and rejects every write when COMMIT fails', async () => {
    database.pragma('foreign_keys = ON');
    database.exec(
      'CREATE TABLE links (target TEXT REFERENCES items (id) DEFERRABLE INITIALLY DEFERRED)',
    );
    const writes = createGroupCommit(database);
    const results = await Promise.allSettled([
      writes.enqueue(insert('a'), wrap),
      // Checked only at COMMIT, which then fails.
      writes.enqueue(() => database.prepare("INSERT INTO links VALUES ('missing')").run(), wrap),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
      message: expect.stringMatching(/FOREIGN KEY/),
    });
    expect(database.inTransaction).toBe(false);
    expect(ids()).toEqual([]);
    await writes.enqueue(insert('b'), wrap);
    expect(ids()).toEqual(['b']);
  });

  it('commits what is queued at once on flush', async () => {
    const writes = createGroupCommit(database);
    const pending = writes.enqueue(insert('a'), wrap);
    writes.flush();
    expect(ids()).toEqual(['a']);
    expect(await pending).toBe(1);
  });
});
