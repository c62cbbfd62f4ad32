import { z } from 'zod';
import { compatibilityInfoSchema } from './compatibility-info.js';
import { migrationStrategySchema } from './migration-strategy.js';
import {
  compareSchemaVersions,
  describeSchemaVersionFormat,
  isSchemaVersion,
  isSchemaVersionPattern,
} from './version-scheme.js';

/**
 * How configurations and persisted state are versioned and migrated. With `semantic: true`
 * schema versions are semver strings (`"1.2.0"`) and matrix entries may use semver ranges; with
 * `semantic: false` they are positive integer strings (`"1"`, `"2"`) and matrix entries are exact.
 * Every matrix entry must be well formed for the mode, and an entry between two exact versions
 * must move forward.
 *
 * Defaults: `semantic: true`, `autoDetection: false`, `compatibilityMatrix: []` and
 * `migrationStrategy: { type: 'manual', rollbackSupport: true, dataBackup: true }`, so a
 * document of an older version is never migrated without being asked to; `{}` means all of them.
 *
 * @example
 * ```ts
 * const versioning = versioningConfigSchema.parse({
 *   semantic: false,
 *   autoDetection: false,
 *   compatibilityMatrix: [
 *     { fromVersion: '1', toVersion: '2', breakingChanges: false, migrationRequired: true },
 *   ],
 *   migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
 * });
 * ```
 */
export const versioningConfigSchema = z
  .strictObject({
    /** Whether schema versions are semver strings (`true`) or positive integer strings. Default `true`. */
    semantic: z.boolean().default(true),
    /**
     * Whether a document without `schemaVersion` may have its version detected by the migrator's
     * `detectVersion` callback instead of being refused. Default `false`.
     */
    autoDetection: z.boolean().default(false),
    /**
     * The allowed steps. When empty every registered migration is allowed; otherwise each step of
     * a plan must match an entry. Default `[]`.
     */
    compatibilityMatrix: z.array(compatibilityInfoSchema).default([]),
    /**
     * When migrations run, and whether they can be undone and are backed up first. Default
     * `{ type: 'manual', rollbackSupport: true, dataBackup: true }`.
     */
    migrationStrategy: migrationStrategySchema.prefault({}),
  })
  .superRefine((config, context) => {
    const { semantic } = config;
    config.compatibilityMatrix.forEach((entry, index) => {
      for (const field of ['fromVersion', 'toVersion'] as const) {
        if (!isSchemaVersionPattern(entry[field], semantic)) {
          context.addIssue({
            code: 'custom',
            path: ['compatibilityMatrix', index, field],
            message: `${field} ${JSON.stringify(entry[field])} must be ${describeSchemaVersionFormat(semantic, true)}.`,
          });
        }
      }
      if (
        isSchemaVersion(entry.fromVersion, semantic) &&
        isSchemaVersion(entry.toVersion, semantic) &&
        compareSchemaVersions(entry.fromVersion, entry.toVersion, semantic) >= 0
      ) {
        context.addIssue({
          code: 'custom',
          path: ['compatibilityMatrix', index, 'toVersion'],
          message: `toVersion ${entry.toVersion} must be newer than fromVersion ${entry.fromVersion}.`,
        });
      }
    });
  });

/**
 * How configurations and persisted state are versioned and migrated.
 *
 * @example
 * ```ts
 * import { type VersioningConfig } from '@agentry/core';
 *
 * const versioning: VersioningConfig = {
 *   semantic: true,
 *   autoDetection: false,
 *   compatibilityMatrix: [],
 *   migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
 * };
 * ```
 */
export type VersioningConfig = z.infer<typeof versioningConfigSchema>;
