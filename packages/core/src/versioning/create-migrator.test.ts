import { describe, expect, it, vi } from 'vitest';
import {
  captureError,
  configurationMigrations,
  configurationV1,
  configurationV4,
  fixedNow,
  versioningWith,
} from './__fixtures__/configuration-migrations.js';
import { createMemoryBackupStore } from './create-memory-backup-store.js';
import { createMigrator } from './create-migrator.js';
import { defineMigration, type Migration } from './define-migration.js';
import type { MigratorOptions } from './migrator.js';

function migratorWith(overrides: Partial<MigratorOptions> = {}) {
  return createMigrator({
    documentKind: 'configuration',
    currentVersion: '4',
    migrations: configurationMigrations(),
    versioning: versioningWith(),
    now: fixedNow,
    ...overrides,
  });
}

const v1 = () => structuredClone(configurationV1);

describe('createMigrator', () => {
  describe('options', () => {
    it('does refuse a current version that does not fit the mode', async () => {
      const error = await captureError(() => migratorWith({ currentVersion: '4.0.0' }));
      expect(error.code).toBe('validation_failed');
      expect(error.message).toContain('"4.0.0"');
    });

    it('does refuse a matrix range when versions are integers', async () => {
      const versioning = versioningWith(
        {},
        {
          compatibilityMatrix: [
            {
              fromVersion: '^1.0.0',
              toVersion: '2',
              breakingChanges: false,
              migrationRequired: true,
            },
          ],
        },
      );
      const error = await captureError(() => migratorWith({ versioning }));
      expect(error.code).toBe('validation_failed');
      expect(error.details['issues']).toEqual([
        expect.objectContaining({ path: ['compatibilityMatrix', 0, 'fromVersion'] }),
      ]);
    });

    it('does refuse a migration registered twice or moving backwards', async () => {
      const [first] = configurationMigrations();
      const twice = await captureError(() =>
        migratorWith({ migrations: [first, first] as Migration[] }),
      );
      expect(twice.message).toContain('1 -> 2 is registered twice');
      const backwards = defineMigration({ from: '3', to: '2', description: 'x', up: (d) => d });
      const error = await captureError(() => migratorWith({ migrations: [backwards] }));
      expect(error.code).toBe('validation_failed');
      expect(error.details['path']).toEqual(['migrations', 0, 'to']);
    });
  });

  describe('inspect', () => {
    it('does return an empty plan for a document at the current version', () => {
      const plan = migratorWith().inspect(configurationV4);
      expect(plan.steps).toEqual([]);
      expect(plan.diff).toEqual([]);
      expect(plan.fromVersion).toBe('4');
    });

    it('does plan every step in order with a dry-run diff, leaving the input alone', () => {
      const input = v1();
      const plan = migratorWith().inspect(input);
      expect(plan.steps.map((step) => `${step.from}->${step.to}`)).toEqual([
        '1->2',
        '2->3',
        '3->4',
      ]);
      expect(plan.steps[0]).toEqual({
        from: '1',
        to: '2',
        description: 'Move model to models.defaultModel.',
        breaking: false,
        migrationRequired: true,
      });
      expect(plan.diff).toContain('- model');
      expect(input).toEqual(configurationV1);
    });

    it('does refuse a document newer than the current version without touching it', async () => {
      const input = { ...configurationV4, schemaVersion: '5', futureField: { kept: true } };
      const error = await captureError(() => migratorWith().inspect(input));
      expect(error.code).toBe('schema_version_unsupported');
      expect(error.message).toContain('schemaVersion 5, newer than 4');
      expect(error.details).toMatchObject({ schemaVersion: '5', currentVersion: '4' });
      expect(input.futureField).toEqual({ kept: true });
    });

    it('does refuse a document without schemaVersion, naming its kind', async () => {
      const { schemaVersion: _, ...unversioned } = v1();
      const error = await captureError(() => migratorWith().inspect(unversioned));
      expect(error.code).toBe('schema_version_missing');
      expect(error.message).toContain('configuration document has no schemaVersion');
    });

    it('does detect a missing version only when autoDetection is on', async () => {
      const { schemaVersion: _, ...unversioned } = v1();
      const detectVersion = vi.fn((document: Readonly<Record<string, unknown>>) =>
        typeof document['model'] === 'string' ? '1' : undefined,
      );
      const off = await captureError(() => migratorWith({ detectVersion }).inspect(unversioned));
      expect(off.code).toBe('schema_version_missing');
      expect(detectVersion).not.toHaveBeenCalled();

      const on = migratorWith({
        detectVersion,
        versioning: versioningWith({}, { autoDetection: true }),
      });
      const plan = on.inspect(unversioned);
      expect(plan).toMatchObject({ fromVersion: '1', versionDetected: true });
      expect((await on.migrate(unversioned)).document).toEqual(configurationV4);
      const undetectable = await captureError(() => on.inspect({ id: 'x' }));
      expect(undetectable.code).toBe('schema_version_missing');
    });

    it('does refuse a malformed version', async () => {
      const error = await captureError(() => migratorWith().inspect({ schemaVersion: '1.0' }));
      expect(error.code).toBe('validation_failed');
      expect(error.details['path']).toEqual(['schemaVersion']);
    });

    it('does report migration_not_found listing what is registered', async () => {
      const [first, , third] = configurationMigrations();
      const error = await captureError(() =>
        migratorWith({ migrations: [first, third] }).inspect(v1()),
      );
      expect(error.code).toBe('migration_not_found');
      expect(error.details['registered']).toEqual(['1 -> 2', '3 -> 4']);
      expect(error.message).toContain('registered: 1 -> 2, 3 -> 4');
    });

    it('does refuse a jump the compatibility matrix does not cover', async () => {
      const allow = (fromVersion: string, toVersion: string) => ({
        fromVersion,
        toVersion,
        breakingChanges: false,
        migrationRequired: true,
      });
      const versioning = versioningWith(
        {},
        { compatibilityMatrix: [allow('1', '2'), allow('2', '3')] },
      );
      const error = await captureError(() => migratorWith({ versioning }).inspect(v1()));
      expect(error.code).toBe('migration_not_allowed');
      expect(error.details['jump']).toEqual({ from: '3', to: '4' });
      expect(error.message).toContain('jump 3 -> 4');
    });

    it('does prefer a longer path the matrix allows over a forbidden shortcut', () => {
      const shortcut = defineMigration({
        from: '1',
        to: '4',
        description: 'All at once.',
        up: (d) => d,
      });
      const allowed = ['1', '2', '3'].map((fromVersion, index) => ({
        fromVersion,
        toVersion: String(index + 2),
        breakingChanges: false,
        migrationRequired: true,
      }));
      const plan = migratorWith({
        migrations: [shortcut, ...configurationMigrations()],
        versioning: versioningWith({}, { compatibilityMatrix: allowed }),
      }).inspect(v1());
      expect(plan.steps.map((step) => step.to)).toEqual(['2', '3', '4']);
    });

    it('does match semver ranges in the matrix and take breaking flags from them', () => {
      const migrator = migratorWith({
        currentVersion: '2.0.0',
        migrations: configurationMigrations(['1.0.0', '1.1.0', '1.2.0', '2.0.0']),
        versioning: versioningWith(
          {},
          {
            semantic: true,
            compatibilityMatrix: [
              {
                fromVersion: '^1.0.0',
                toVersion: '^1.0.0',
                breakingChanges: false,
                migrationRequired: true,
              },
              {
                fromVersion: '>=1.2.0 <2.0.0',
                toVersion: '2.0.0',
                breakingChanges: true,
                migrationRequired: true,
              },
            ],
          },
        ),
      });
      const plan = migrator.inspect({ ...v1(), schemaVersion: '1.0.0' });
      expect(plan.steps.map((step) => [step.to, step.breaking])).toEqual([
        ['1.1.0', false],
        ['1.2.0', false],
        ['2.0.0', true],
      ]);
      expect(plan.breaking).toBe(true);
    });
  });

  describe('migrate', () => {
    it('does migrate 1 -> 4 on load under automatic, reshaping every field', async () => {
      const input = v1();
      const result = await migratorWith().migrate(input);
      expect(result.status).toBe('applied');
      expect(result.document).toEqual(configurationV4);
      expect(result).toMatchObject({ fromVersion: '1', toVersion: '4' });
      expect(result.applied).toHaveLength(3);
      expect(result.backupKey).toBeUndefined();
      expect(input).toEqual(configurationV1);
    });

    it('does return a current document unchanged with an empty plan', async () => {
      const input = structuredClone(configurationV4);
      const result = await migratorWith().migrate(input);
      expect(result.status).toBe('current');
      expect(result.document).toBe(input);
      expect(result.applied).toEqual([]);
      expect(result.plan.steps).toEqual([]);
    });

    it('does refuse a breaking step under automatic unless allowBreaking is set', async () => {
      const [first, second, third] = configurationMigrations();
      const breaking: Migration = { ...third, breaking: true };
      const migrator = migratorWith({ migrations: [first, second, breaking] });
      const error = await captureError(() => migrator.migrate(v1()));
      expect(error.code).toBe('migration_required');
      expect(error.details['breakingSteps']).toEqual([
        expect.objectContaining({ from: '3', to: '4' }),
      ]);
      expect(error.details['steps']).toHaveLength(3);
      expect(error.suggestions.join(' ')).toContain('allowBreaking: true');

      const result = await migrator.migrate(v1(), { allowBreaking: true });
      expect(result.document).toEqual(configurationV4);
    });

    it('does refuse every step under manual, listing them and how to run them', async () => {
      const migrator = migratorWith({ versioning: versioningWith({ type: 'manual' }) });
      const error = await captureError(() => migrator.migrate(v1()));
      expect(error.code).toBe('migration_required');
      expect(error.details['steps']).toEqual([
        expect.objectContaining({ from: '1', to: '2' }),
        expect.objectContaining({ from: '2', to: '3' }),
        expect.objectContaining({ from: '3', to: '4' }),
      ]);
      expect(error.suggestions[0]).toContain('migrator.apply(migrator.inspect(document))');
      expect(error.suggestions).toContain('Step 2 -> 3: Split the tools string into a list.');

      const applied = await migrator.apply(migrator.inspect(v1()));
      expect(applied.document).toEqual(configurationV4);
    });

    it('does return a pending plan with a readable diff under assisted', async () => {
      const migrator = migratorWith({ versioning: versioningWith({ type: 'assisted' }) });
      const input = v1();
      const result = await migrator.migrate(input);
      expect(result.status).toBe('pending');
      expect(result.document).toBe(input);
      expect(result.toVersion).toBe('1');
      expect(result.diff.join('\n')).toBe(
        [
          '~ schemaVersion: "1" -> "4"',
          '- model',
          '- temperature',
          '~ tools: "search,calculator" -> ["search","calculator"]',
          '+ models.default.provider: "openai"',
          '+ models.default.name: "gpt-4o"',
          '+ sampling.temperature: 0.2',
        ].join('\n'),
      );
      const later = await migrator.apply(result.plan);
      expect(later.document).toEqual(configurationV4);
    });

    it('does leave the document untouched when assisted confirmation declines', async () => {
      const migrator = migratorWith({
        versioning: versioningWith({ type: 'assisted', dataBackup: true }),
      });
      const input = v1();
      const confirm = vi.fn(() => false);
      const result = await migrator.migrate(input, { confirm });
      expect(confirm).toHaveBeenCalledWith(
        expect.objectContaining({ fromVersion: '1', toVersion: '4' }),
      );
      expect(result).toMatchObject({ status: 'declined', applied: [], toVersion: '1' });
      expect(result.document).toBe(input);
      expect(input).toEqual(configurationV1);
      expect(await migrator.backupStore.list()).toEqual([]);
    });

    it('does apply the plan when assisted confirmation approves asynchronously', async () => {
      const migrator = migratorWith({ versioning: versioningWith({ type: 'assisted' }) });
      const result = await migrator.migrate(v1(), {
        confirm: (plan) => Promise.resolve(plan.steps.length === 3),
      });
      expect(result.status).toBe('applied');
      expect(result.document).toEqual(configurationV4);
      expect(result.diff).toContain('~ schemaVersion: "1" -> "4"');
    });

    it('does only restamp a step the matrix marks as not requiring migration', async () => {
      const up = vi.fn(() => {
        throw new Error('up must not run');
      });
      const migrator = migratorWith({
        currentVersion: '2',
        migrations: [defineMigration({ from: '1', to: '2', description: 'Compatible.', up })],
        versioning: versioningWith(
          {},
          {
            compatibilityMatrix: [
              {
                fromVersion: '1',
                toVersion: '2',
                breakingChanges: false,
                migrationRequired: false,
              },
            ],
          },
        ),
      });
      const result = await migrator.migrate(v1());
      expect(up).not.toHaveBeenCalled();
      expect(result.document).toEqual({ ...configurationV1, schemaVersion: '2' });
      expect(await migrator.rollback(result)).toEqual(configurationV1);
    });

    it('does compare integer versions numerically, so 10 is newer than 9', async () => {
      const migrator = migratorWith({
        currentVersion: '10',
        migrations: [
          defineMigration({
            from: '9',
            to: '10',
            description: 'Add retries.',
            up: (d) => ({ ...d, retries: 3 }),
          }),
        ],
      });
      const result = await migrator.migrate({ schemaVersion: '9' });
      expect(result.document).toEqual({ schemaVersion: '10', retries: 3 });
      const tooNew = await captureError(() => migrator.inspect({ schemaVersion: '11' }));
      expect(tooNew.code).toBe('schema_version_unsupported');
    });
  });

  describe('apply', () => {
    it('does store a backup of the exact original first and return its key', async () => {
      const backupStore = createMemoryBackupStore();
      const migrator = migratorWith({
        backupStore,
        versioning: versioningWith({ dataBackup: true }),
      });
      const result = await migrator.migrate(v1());
      expect(result.backupKey).toBe('configuration/cfg-1/1/2025-01-02T03:04:05.678Z');
      expect(await backupStore.get(result.backupKey ?? '')).toEqual(configurationV1);
    });

    it('does use the id option and never overwrite a backup taken at the same moment', async () => {
      const migrator = migratorWith({ versioning: versioningWith({ dataBackup: true }) });
      const first = await migrator.migrate(v1(), { id: 'main' });
      const second = await migrator.migrate(v1(), { id: 'main' });
      expect(first.backupKey).toBe('configuration/main/1/2025-01-02T03:04:05.678Z');
      expect(second.backupKey).toBe('configuration/main/1/2025-01-02T03:04:05.678Z#2');
      expect(await migrator.backupStore.list('configuration/main/')).toHaveLength(2);
    });

    it('does leave the input untouched and return nothing half done when a step throws', async () => {
      const [first, , third] = configurationMigrations();
      const cause = new Error('tools is not a string');
      const throwing = defineMigration({
        from: '2',
        to: '3',
        description: 'Split tools.',
        up: (document) => {
          document['tools'] = 'mutated before failing';
          throw cause;
        },
      });
      const input = v1();
      const migrator = migratorWith({ migrations: [first, throwing, third] });
      const error = await captureError(() => migrator.apply(migrator.inspect(input)));
      expect(error.code).toBe('migration_failed');
      expect(error.details).toMatchObject({ from: '2', to: '3' });
      expect(error.cause).toBe(cause);
      expect(error.message).toContain('2 -> 3');
      expect(input).toEqual(configurationV1);
    });

    it('does keep the caller document and the plan snapshot intact when steps mutate in place', async () => {
      const inPlace = defineMigration<{ schemaVersion: string; counter: { value: number } }>({
        from: '1',
        to: '2',
        description: 'Double the counter in place.',
        up: (document) => {
          document.counter.value *= 2;
          return document;
        },
      });
      const migrator = migratorWith({ currentVersion: '2', migrations: [inPlace] });
      const input = { schemaVersion: '1', counter: { value: 1 } };
      const plan = migrator.inspect(input);
      expect(plan.diff).toEqual(['~ schemaVersion: "1" -> "2"', '~ counter.value: 1 -> 2']);
      expect(input).toEqual({ schemaVersion: '1', counter: { value: 1 } });
      // The plan is a snapshot: later edits to the caller's object do not leak into it.
      input.counter.value = 100;
      const first = await migrator.apply(plan);
      const second = await migrator.apply(plan);
      expect(first.document).toEqual({ schemaVersion: '2', counter: { value: 2 } });
      expect(second.document).toEqual({ schemaVersion: '2', counter: { value: 2 } });
      expect(plan.document).toEqual({ schemaVersion: '1', counter: { value: 1 } });
    });

    it('does refuse a step that returns something other than a plain object', async () => {
      const asyncStep = defineMigration({
        from: '1',
        to: '2',
        description: 'Async by mistake.',
        up: (document) => Promise.resolve(document) as unknown as typeof document,
      });
      const migrator = migratorWith({ currentVersion: '2', migrations: [asyncStep] });
      const error = await captureError(() => migrator.migrate(v1()));
      expect(error.code).toBe('migration_failed');
      expect(error.message).toContain('a Promise');
    });

    it('does refuse a plan made by a migrator for another kind of document', async () => {
      const other = migratorWith({ documentKind: 'agent-state' });
      const error = await captureError(() => migratorWith().apply(other.inspect(v1())));
      expect(error.code).toBe('validation_failed');
    });
  });

  describe('rollback', () => {
    it('does restore the backup, returning the exact original even without down()', async () => {
      const withoutDown = configurationMigrations().map(({ from, to, description, up }) => ({
        from,
        to,
        description,
        up,
      }));
      const input = { ...v1(), extra: { nested: [1, { deep: null }] } };
      const migrator = migratorWith({
        migrations: withoutDown,
        versioning: versioningWith({ dataBackup: true }),
      });
      const result = await migrator.migrate(input);
      expect(await migrator.rollback(result)).toEqual(input);
    });

    it('does run down() of each applied step in reverse when there is no backup', async () => {
      const order: string[] = [];
      const migrations = configurationMigrations().map((migration) => ({
        ...migration,
        down: (document: Parameters<Migration['up']>[0]) => {
          order.push(`${migration.to}->${migration.from}`);
          return migration.down?.(document);
        },
      }));
      const migrator = migratorWith({ migrations });
      const result = await migrator.migrate(v1());
      expect(await migrator.rollback(result)).toEqual(configurationV1);
      expect(order).toEqual(['4->3', '3->2', '2->1']);
    });

    it('does refuse when rollbackSupport is off', async () => {
      const migrator = migratorWith({
        versioning: versioningWith({ rollbackSupport: false, dataBackup: true }),
      });
      const result = await migrator.migrate(v1());
      const error = await captureError(() => migrator.rollback(result));
      expect(error.code).toBe('rollback_unavailable');
      expect(error.message).toContain('rollbackSupport is false');
    });

    it('does refuse, naming the step, when a step has no down() and no backup exists', async () => {
      const [first, second, third] = configurationMigrations();
      const { down: _, ...secondWithoutDown } = second;
      const migrator = migratorWith({ migrations: [first, secondWithoutDown, third] });
      const result = await migrator.migrate(v1());
      const error = await captureError(() => migrator.rollback(result));
      expect(error.code).toBe('rollback_unavailable');
      expect(error.message).toContain('step 2 -> 3 has no down()');
      expect(error.details['step']).toEqual({ from: '2', to: '3' });
    });
  });
});
