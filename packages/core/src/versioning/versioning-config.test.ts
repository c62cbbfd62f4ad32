import { describe, expect, it } from 'vitest';
import { compatibilityInfoSchema } from './compatibility-info.js';
import { migrationStrategySchema } from './migration-strategy.js';
import { versioningConfigSchema } from './versioning-config.js';

const entry = (fromVersion: string, toVersion: string) => ({
  fromVersion,
  toVersion,
  breakingChanges: false,
  migrationRequired: true,
});

const config = (semantic: boolean, compatibilityMatrix: unknown[]) => ({
  semantic,
  autoDetection: false,
  compatibilityMatrix,
  migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
});

function issuesOf(value: unknown) {
  const parsed = versioningConfigSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map(({ path, message }) => ({ path, message }));
}

describe('versioningConfigSchema', () => {
  describe('parse', () => {
    it('does accept integer versions when not semantic and ranges when semantic', () => {
      expect(issuesOf(config(false, [entry('1', '2')]))).toEqual([]);
      expect(issuesOf(config(true, [entry('^1.0.0', '2.0.0'), entry('1.0.0', '1.1.0')]))).toEqual(
        [],
      );
    });

    it('does report a malformed matrix version with its path', () => {
      expect(issuesOf(config(false, [entry('1', '2'), entry('1.0.0', '3')]))).toEqual([
        {
          path: ['compatibilityMatrix', 1, 'fromVersion'],
          message: 'fromVersion "1.0.0" must be a positive integer string such as "2".',
        },
      ]);
      expect(issuesOf(config(true, [entry('latest', '1.2.3.4')]))).toEqual([
        expect.objectContaining({ path: ['compatibilityMatrix', 0, 'fromVersion'] }),
        expect.objectContaining({ path: ['compatibilityMatrix', 0, 'toVersion'] }),
      ]);
    });

    it('does refuse an exact entry that does not move forward', () => {
      expect(issuesOf(config(false, [entry('3', '2')]))).toEqual([
        {
          path: ['compatibilityMatrix', 0, 'toVersion'],
          message: 'toVersion 2 must be newer than fromVersion 3.',
        },
      ]);
    });

    it('does refuse unknown keys at every level', () => {
      const withExtra = { ...config(false, []), extra: true };
      expect(issuesOf(withExtra)).toEqual([expect.objectContaining({ path: [] })]);
      expect(compatibilityInfoSchema.safeParse({ ...entry('1', '2'), note: 'x' }).success).toBe(
        false,
      );
      expect(
        migrationStrategySchema.safeParse({
          type: 'automatic',
          rollbackSupport: true,
          dataBackup: true,
          retries: 1,
        }).success,
      ).toBe(false);
    });

    it('does refuse an unknown strategy type', () => {
      const parsed = migrationStrategySchema.safeParse({
        type: 'eager',
        rollbackSupport: false,
        dataBackup: false,
      });
      expect(parsed.success).toBe(false);
    });
  });
});
