import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createSqliteStore } from '@agentry/store-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtures, runBuilt, workDirectory } from './run-built.js';

const migrationsModule = join(fixtures, 'profile-migrations.mjs');

describe('agentry migrate --store', () => {
  let work: Awaited<ReturnType<typeof workDirectory>>;
  let storePath: string;
  const migrate = (...args: string[]) =>
    runBuilt(['migrate', '--store', 'app.db', '--migrations', migrationsModule, ...args], {
      cwd: work.path,
    });
  const withStore = async <T>(work: (store: Awaited<ReturnType<typeof open>>) => Promise<T>) => {
    const store = await open();
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };
  const open = () => Promise.resolve(createSqliteStore({ path: storePath }));

  beforeEach(async () => {
    work = await workDirectory();
    storePath = join(work.path, 'app.db');
    await withStore(async (store) => {
      await store.put('profile:ada', {
        kind: 'profile',
        schemaVersion: '1',
        data: { name: 'Ada Lovelace', nickname: 'Ada' },
      });
      await store.put('profile:alan', {
        kind: 'profile',
        schemaVersion: '3',
        data: { first: 'Alan', last: 'Turing' },
      });
      await store.put('agent:bot', {
        kind: 'agent',
        schemaVersion: '1',
        data: { name: 'Not a profile' },
      });
    });
  });
  afterEach(() => work.remove());

  it("plans the migration of the module's kind of entries only", async () => {
    const { code, stdout } = await migrate();
    expect(code).toBe(0);
    expect(stdout).toContain('2 profile entries in');
    expect(stdout).toContain('1 to migrate to 3.');
    expect(stdout).toContain('  profile:ada: 1 -> 3 (breaking)');
    expect(stdout).not.toContain('agent:bot');
    expect((await migrate('--check')).code).toBe(1);
  });

  it('applies it with a backup per entry, then rolls it back', async () => {
    const applied = await migrate('--apply', '--allow-breaking', '--json');
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({
      migrated: [
        {
          key: 'profile:ada',
          fromVersion: '1',
          toVersion: '3',
          backupKey: expect.stringMatching(/^profile\/profile:ada\/1\//) as unknown,
        },
      ],
    });
    await withStore(async (store) => {
      expect(await store.get('profile:ada')).toMatchObject({
        schemaVersion: '3',
        data: { first: 'Ada', last: 'Lovelace' },
      });
      expect(await store.get('agent:bot')).toMatchObject({ schemaVersion: '1', revision: 1 });
    });
    expect((await readdir(join(work.path, '.agentry', 'backups'))).length).toBe(2);

    const rolledBack = await migrate('--rollback');
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toContain('Rolled back 1 entry.');
    await withStore(async (store) => {
      expect(await store.get('profile:ada')).toMatchObject({
        schemaVersion: '1',
        data: { name: 'Ada Lovelace', nickname: 'Ada' },
      });
    });
  });

  it('refuses to roll back an entry that changed after the migration', async () => {
    await migrate('--apply', '--allow-breaking');
    await withStore(async (store) => {
      const entry = await store.get('profile:ada');
      await store.put(
        'profile:ada',
        { kind: 'profile', schemaVersion: '3', data: { first: 'Augusta' } },
        { expectedRevision: entry?.revision ?? 0 },
      );
    });
    const { code, stderr } = await migrate('--rollback');
    expect(code).toBe(3);
    expect(stderr).toContain('profile:ada changed after it was migrated');
    expect(stderr).toContain('(conflict)');
  });

  it('needs a migrations module, and names a missing store file', async () => {
    const noModule = await runBuilt(['migrate', '--store', 'app.db'], { cwd: work.path });
    expect(noModule.code).toBe(2);
    expect(noModule.stderr).toContain('needs --migrations <module>');
    const missing = await runBuilt(
      ['migrate', '--store', 'gone.db', '--migrations', migrationsModule],
      { cwd: work.path },
    );
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(join(work.path, 'gone.db'));
  });
});
