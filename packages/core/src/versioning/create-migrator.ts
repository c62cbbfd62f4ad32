import { AgentryError } from '../errors/index.js';
import { checkMigratorOptions } from './check-migrator-options.js';
import { createMemoryBackupStore } from './create-memory-backup-store.js';
import type { Migration } from './define-migration.js';
import { diffDocuments } from './diff-documents.js';
import type { MigrationPlan, MigrationPlanStep } from './migration-plan.js';
import type { MigrationResult, MigrationStatus } from './migration-result.js';
import type { ApplyOptions, Migrator, MigratorOptions } from './migrator.js';
import { planMigration, type PlanMigrationContext } from './plan-migration.js';
import { refuseMigration } from './refuse-migration.js';
import { rollbackMigration } from './rollback-migration.js';
import { runMigrationSteps } from './run-migration-steps.js';
import { storeMigrationBackup } from './store-migration-backup.js';
import type { VersionedDocument } from './versioned-document.js';

/**
 * Creates a {@link Migrator} for one kind of document. The options are checked up front: the
 * versioning config against its schema, and every version against the mode (`semantic`).
 *
 * @throws {AgentryError} `validation_failed` when the options are not valid.
 * @example
 * ```ts
 * const migrator = createMigrator({
 *   documentKind: 'configuration',
 *   currentVersion: '3',
 *   migrations: [renameModel, splitTools],
 *   versioning: config.versioning,
 * });
 * const { document } = await migrator.migrate(JSON.parse(text));
 * ```
 */
export function createMigrator(options: MigratorOptions): Migrator {
  const versioning = checkMigratorOptions(options);
  const { semantic, autoDetection, compatibilityMatrix, migrationStrategy } = versioning;
  const { documentKind, currentVersion, migrations } = options;
  const backupStore = options.backupStore ?? createMemoryBackupStore();
  const now = options.now ?? (() => new Date());
  const findMigration = (step: MigrationPlanStep): Migration | undefined =>
    migrations.find((migration) => migration.from === step.from && migration.to === step.to);

  const context: PlanMigrationContext = {
    documentKind,
    currentVersion,
    semantic,
    autoDetection,
    detectVersion: options.detectVersion,
    migrations,
    compatibilityMatrix,
    findMigration,
  };

  function unchanged(
    input: object,
    migrationPlan: MigrationPlan,
    status: MigrationStatus,
  ): MigrationResult {
    // A detected version is made explicit; otherwise the caller gets its own object back.
    const document = (
      migrationPlan.versionDetected
        ? { schemaVersion: migrationPlan.fromVersion, ...structuredClone(input) }
        : input
    ) as VersionedDocument;
    const { fromVersion } = migrationPlan;
    const { diff } = migrationPlan;
    return {
      status,
      document,
      fromVersion,
      toVersion: fromVersion,
      applied: [],
      diff,
      plan: migrationPlan,
    };
  }

  async function apply(migrationPlan: MigrationPlan, applyOptions: ApplyOptions = {}) {
    if (migrationPlan.documentKind !== documentKind || migrationPlan.toVersion !== currentVersion) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `The plan moves a ${migrationPlan.documentKind} document to ${migrationPlan.toVersion}, but this migrator moves ${documentKind} documents to ${currentVersion}.`,
        details: {
          documentKind,
          currentVersion,
          plan: { documentKind: migrationPlan.documentKind, toVersion: migrationPlan.toVersion },
        },
        suggestions: ['Apply a plan with the migrator whose inspect() made it.'],
      });
    }
    const { steps, fromVersion } = migrationPlan;
    if (steps.length === 0) return unchanged(migrationPlan.document, migrationPlan, 'current');
    const backupKey = migrationStrategy.dataBackup
      ? await storeMigrationBackup(migrationPlan, { backupStore, now, id: applyOptions.id })
      : undefined;
    const document = runMigrationSteps(migrationPlan.document, {
      ...context,
      steps,
      direction: 'up',
    });
    const diff = diffDocuments(migrationPlan.document, document);
    const result: MigrationResult = {
      status: 'applied',
      document,
      fromVersion,
      toVersion: currentVersion,
      applied: steps,
      diff,
      plan: { ...migrationPlan, diff },
    };
    return backupKey === undefined ? result : { ...result, backupKey };
  }

  return {
    documentKind,
    currentVersion,
    backupStore,
    inspect: (document) => planMigration(document, context, true),
    async migrate(document, migrateOptions = {}) {
      const strategy = migrationStrategy.type;
      const migrationPlan = planMigration(document, context, strategy === 'assisted');
      if (migrationPlan.steps.length === 0) return unchanged(document, migrationPlan, 'current');
      switch (strategy) {
        case 'automatic':
          if (migrationPlan.breaking && migrateOptions.allowBreaking !== true) {
            throw refuseMigration(migrationPlan, 'automatic');
          }
          return apply(migrationPlan, migrateOptions);
        case 'manual':
          throw refuseMigration(migrationPlan, 'manual');
        case 'assisted': {
          if (migrateOptions.confirm === undefined) {
            return unchanged(document, migrationPlan, 'pending');
          }
          const approved = await migrateOptions.confirm(migrationPlan);
          if (approved !== true) return unchanged(document, migrationPlan, 'declined');
          return apply(migrationPlan, migrateOptions);
        }
      }
    },
    apply,
    rollback: (result) =>
      rollbackMigration(result, {
        documentKind,
        rollbackSupport: migrationStrategy.rollbackSupport,
        backupStore,
        findMigration,
      }),
  };
}
