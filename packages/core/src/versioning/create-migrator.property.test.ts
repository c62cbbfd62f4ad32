import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  configurationMigrations,
  fixedNow,
  versioningWith,
} from './__fixtures__/configuration-migrations.js';
import { createMigrator } from './create-migrator.js';

const reserved = new Set([
  'schemaVersion',
  'id',
  'model',
  'models',
  'temperature',
  'tools',
  'sampling',
]);

/** Version 1 configurations with random values and random extra top-level JSON fields. */
const configurationV1 = fc
  .record({
    id: fc.string(),
    model: fc.string(),
    temperature: fc.double({ noNaN: true, noDefaultInfinity: true }),
    tools: fc.string(),
    extras: fc.dictionary(
      fc.string().filter((key) => !reserved.has(key) && key !== '__proto__'),
      fc.jsonValue(),
      { maxKeys: 4 },
    ),
  })
  .map(({ extras, ...fields }) => ({ schemaVersion: '1', ...extras, ...fields }));

describe('createMigrator', () => {
  describe('rollback', () => {
    it.each([
      ['the backup', true],
      ['down()', false],
    ])('does return a deep-equal original after apply, via %s', async (_, dataBackup) => {
      const migrator = createMigrator({
        documentKind: 'configuration',
        currentVersion: '4',
        migrations: configurationMigrations(),
        versioning: versioningWith({ dataBackup }),
        now: fixedNow,
      });
      await fc.assert(
        fc.asyncProperty(configurationV1, async (document) => {
          const original = structuredClone(document);
          const result = await migrator.apply(migrator.inspect(document));
          expect(result.document.schemaVersion).toBe('4');
          expect(result.backupKey !== undefined).toBe(dataBackup);
          expect(document).toEqual(original);
          expect(await migrator.rollback(result)).toEqual(original);
        }),
        { numRuns: 200 },
      );
    });
  });
});
