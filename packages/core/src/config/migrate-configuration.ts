import { AgentryError } from '../errors/index.js';
import {
  createMigrator,
  versioningConfigSchema,
  type Migration,
  type MigrationBackupStore,
  type MigrationPlan,
} from '../versioning/index.js';
import type { ConfigurationIssue } from './configuration-issue.js';
import { CONFIGURATION_SCHEMA_VERSION } from './sdk-configuration.js';

/**
 * The migrations of the configuration format itself, oldest first. `1.0.0` is the first format,
 * so there are none yet; each future format change adds one here and a guide under
 * `docs/migrations/`.
 */
const configurationMigrations: readonly Migration[] = [];

/**
 * How `createAgentry` migrates a configuration written for an older format.
 *
 * @example
 * ```ts
 * import { createAgentry, createMemoryBackupStore, loadConfiguration, type ConfigurationMigrationOptions } from '@agentry/core';
 *
 * // Under the `assisted` strategy: show the plan and approve it; keep the original in a backup store.
 * const migration: ConfigurationMigrationOptions = {
 *   confirm: (plan) => {
 *     console.log(plan.diff);
 *     return true;
 *   },
 *   backupStore: createMemoryBackupStore(),
 * };
 * const agentry = await createAgentry({ config: await loadConfiguration('agentry.config.json'), migration });
 * console.log(`read at ${agentry.sourceVersion}`);
 * ```
 */
export interface ConfigurationMigrationOptions {
  /** Under the `assisted` strategy, approves or declines the plan (its `diff` says what changes). */
  confirm?: (plan: MigrationPlan) => boolean | Promise<boolean>;
  /** Under the `automatic` strategy, lets breaking steps run. */
  allowBreaking?: boolean;
  /** Where the backup of the original goes when `versioning.migrationStrategy.dataBackup` is on. */
  backupStore?: MigrationBackupStore;
  /** @internal Replaces the format's version and migrations (tests). */
  format?: { currentVersion: string; migrations: readonly Migration[] };
}

/**
 * Brings a configuration to the current format. A missing `schemaVersion` becomes an issue (the
 * other checks still run); a newer or unmigratable one stops validation with its own error.
 *
 * @internal
 */
export async function migrateConfiguration(
  input: Record<string, unknown>,
  options: ConfigurationMigrationOptions = {},
  issues: ConfigurationIssue[],
): Promise<{ document: Record<string, unknown>; sourceVersion: string }> {
  const currentVersion = options.format?.currentVersion ?? CONFIGURATION_SCHEMA_VERSION;
  const version = input.schemaVersion;
  if (version === undefined) {
    issues.push({
      path: 'schemaVersion',
      segments: ['schemaVersion'],
      code: 'schema_version_missing',
      message: 'The configuration does not say which format version it is written for.',
      suggestion: `Add "schemaVersion": "${currentVersion}" at the top level.`,
    });
    return { document: input, sourceVersion: 'unknown' };
  }
  if (typeof version !== 'string') {
    issues.push({
      path: 'schemaVersion',
      segments: ['schemaVersion'],
      code: 'validation_failed',
      message: `schemaVersion must be a version string such as "${currentVersion}".`,
      received: version,
      suggestion: `Write "schemaVersion": "${currentVersion}".`,
    });
    return { document: input, sourceVersion: 'unknown' };
  }
  if (version === currentVersion) return { document: input, sourceVersion: currentVersion };

  const versioning = versioningConfigSchema.safeParse(input.versioning);
  // The format's own versions are semver whatever `semantic` says of the application's documents.
  const migrator = createMigrator({
    documentKind: 'configuration',
    currentVersion,
    migrations: options.format?.migrations ?? configurationMigrations,
    versioning: versioning.success
      ? { ...versioning.data, semantic: true, compatibilityMatrix: [] }
      : {
          semantic: true,
          autoDetection: false,
          compatibilityMatrix: [],
          migrationStrategy: { type: 'manual', rollbackSupport: false, dataBackup: false },
        },
    ...(options.backupStore ? { backupStore: options.backupStore } : {}),
  });
  const result = await migrator.migrate(input, {
    ...(options.confirm ? { confirm: options.confirm } : {}),
    ...(options.allowBreaking ? { allowBreaking: true } : {}),
  });
  if (result.status === 'applied' || result.status === 'current')
    return { document: result.document, sourceVersion: version };
  throw new AgentryError({
    code: 'migration_required',
    message: `The configuration is written for format ${version} and must be migrated to ${currentVersion}; the plan was ${result.status === 'declined' ? 'declined' : 'not approved'}.`,
    details: {
      fromVersion: version,
      toVersion: currentVersion,
      steps: result.plan.steps,
      diff: result.plan.diff,
    },
    suggestions: [
      'Pass migration.confirm to createAgentry to approve the plan, or migrate the file and save it.',
    ],
  });
}
