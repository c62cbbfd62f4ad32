import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtures, runBuilt, workDirectory } from './run-built.js';

const migrationsModule = join(fixtures, 'profile-migrations.mjs');
const original = { schemaVersion: '1', name: 'Ada King Lovelace', nickname: 'Ada' };

describe('agentry migrate', () => {
  let work: Awaited<ReturnType<typeof workDirectory>>;
  let file: string;
  const migrate = (...args: string[]) =>
    runBuilt(['migrate', 'profile.json', '--migrations', migrationsModule, ...args], {
      cwd: work.path,
    });
  const read = async () => JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

  beforeEach(async () => {
    work = await workDirectory();
    file = join(work.path, 'profile.json');
    await writeFile(file, JSON.stringify(original));
  });
  afterEach(() => work.remove());

  it('shows the plan and its diff without changing the file', async () => {
    const { code, stdout } = await migrate();
    expect(code).toBe(0);
    expect(stdout).toContain('profile.json: 1 -> 3 (breaking)');
    expect(stdout).toContain('  1 -> 2: Split name into first and last.');
    expect(stdout).toContain('  2 -> 3: Drop the nickname. [breaking]');
    expect(stdout).toContain('+ first: "Ada"');
    expect(await read()).toEqual(original);
  });

  it('exits 1 with --check when a migration is due, 0 when the document is current', async () => {
    expect((await migrate('--check')).code).toBe(1);
    await writeFile(file, JSON.stringify({ schemaVersion: '3', first: 'Ada' }));
    const { code, stdout } = await migrate('--check', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, plan: { steps: [] } });
  });

  it('refuses to apply breaking steps without --allow-breaking', async () => {
    const { code, stderr } = await migrate('--apply');
    expect(code).toBe(3);
    expect(stderr).toContain('has breaking steps; it was not applied');
    expect(stderr).toContain('--allow-breaking');
    expect(await read()).toEqual(original);
  });

  it('applies the plan with the backup the versioning section asks for, then rolls back', async () => {
    const applied = await migrate('--apply', '--allow-breaking', '--json');
    expect(applied.code).toBe(0);
    const report = JSON.parse(applied.stdout) as { backupKey: string; toVersion: string };
    expect(report.toVersion).toBe('3');
    expect(report.backupKey).toMatch(/^profile\/document\/1\//);
    expect(await read()).toEqual({ schemaVersion: '3', first: 'Ada', last: 'King Lovelace' });
    const backups = await readdir(join(work.path, '.agentry', 'backups'));
    expect(backups).toContain(`${encodeURIComponent(report.backupKey)}.json`);

    const rolledBack = await migrate('--rollback');
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toContain('Rolled profile.json back from 3 to 1');
    expect(await read()).toEqual(original);

    const again = await migrate('--rollback');
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('(rollback_unavailable)');
  });

  it('rolls back through down() when no backup was taken', async () => {
    const module = join(work.path, 'no-backup.mjs');
    await writeFile(
      module,
      [
        `import * as format from ${JSON.stringify(migrationsModule)};`,
        "import { defineMigration } from '@agentry/core';",
        "export const documentKind = 'profile';",
        "export const currentVersion = '2';",
        'export const versioning = { ...format.versioning, migrationStrategy: { type: "manual", rollbackSupport: true, dataBackup: false } };',
        'export const migrations = [defineMigration({ from: "1", to: "2", description: "Rename.", up: ({ name, ...rest }) => ({ ...rest, fullName: name }), down: ({ fullName, ...rest }) => ({ ...rest, name: fullName }) })];',
      ].join('\n'),
    );
    const run = (...args: string[]) =>
      runBuilt(['migrate', 'profile.json', '--migrations', module, ...args], { cwd: work.path });
    const applied = await run('--apply');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('No backup taken');
    expect((await run('--rollback')).code).toBe(0);
    expect(await read()).toEqual(original);
  });

  it('says a configuration at the current format has nothing to migrate', async () => {
    await writeFile(
      join(work.path, 'agentry.config.json'),
      JSON.stringify({ schemaVersion: '1.0.0' }),
    );
    const { code, stdout } = await runBuilt(['migrate'], { cwd: work.path });
    expect(code).toBe(0);
    expect(stdout).toContain('agentry.config.json is at 1.0.0, the current version of its format');
  });

  it('refuses a configuration newer than this release', async () => {
    await writeFile(
      join(work.path, 'agentry.config.json'),
      JSON.stringify({ schemaVersion: '9.0.0' }),
    );
    const { code, stderr } = await runBuilt(['migrate'], { cwd: work.path });
    expect(code).toBe(3);
    expect(stderr).toContain('(schema_version_unsupported)');
  });

  it('names a missing document, and refuses two actions at once', async () => {
    const missing = await runBuilt(['migrate', 'gone.json'], { cwd: work.path });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(join(work.path, 'gone.json'));
    const both = await migrate('--apply', '--rollback');
    expect(both.code).toBe(2);
  });
});
