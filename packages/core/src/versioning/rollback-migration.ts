import { AgentryError } from '../errors/index.js';
import type { Migration } from './define-migration.js';
import type { MigrationBackupStore } from './migration-backup-store.js';
import type { MigrationPlanStep } from './migration-plan.js';
import type { MigrationResult } from './migration-result.js';
import { runMigrationSteps } from './run-migration-steps.js';

/** What {@link rollbackMigration} needs from its migrator. @internal */
export interface RollbackMigrationOptions {
  /** The kind of document, for messages. */
  documentKind: string;
  /** Whether the strategy allows rollback. */
  rollbackSupport: boolean;
  /** Where the backup may be. */
  backupStore: MigrationBackupStore;
  /** Finds the registered migration behind a step. */
  findMigration: (step: MigrationPlanStep) => Migration | undefined;
}

/**
 * Undoes an applied migration: returns the stored backup (the exact original) when the result has
 * one, otherwise runs each step's `down` in reverse on a copy.
 *
 * @internal
 * @throws {AgentryError} `rollback_unavailable` when rollback is off or a step has no `down` and
 *   there is no backup; `migration_failed` when a `down` throws.
 * @example
 * ```ts
 * const original = await rollbackMigration(result, { documentKind, rollbackSupport: true, backupStore, findMigration });
 * ```
 */
export async function rollbackMigration(
  result: MigrationResult,
  options: RollbackMigrationOptions,
): Promise<Record<string, unknown>> {
  const { documentKind, backupStore, findMigration } = options;
  if (!options.rollbackSupport) {
    throw new AgentryError({
      code: 'rollback_unavailable',
      message: `Rolling back ${documentKind} migrations is turned off (versioning.migrationStrategy.rollbackSupport is false).`,
      details: { documentKind, fromVersion: result.fromVersion, toVersion: result.toVersion },
      suggestions: [
        'Set versioning.migrationStrategy.rollbackSupport to true to allow rollback.',
        'Or restore the document from a copy you kept before migrating.',
      ],
    });
  }
  if (result.applied.length === 0) return result.document;

  const { backupKey } = result;
  if (backupKey !== undefined) {
    const backup = await backupStore.get(backupKey);
    if (backup !== undefined) return backup;
  }
  const missing = result.applied.find(
    (step) => step.migrationRequired && findMigration(step)?.down === undefined,
  );
  if (missing !== undefined) {
    const jump = `${missing.from} -> ${missing.to}`;
    const lostBackup = backupKey === undefined ? '' : ` and its backup ${backupKey} is gone`;
    throw new AgentryError({
      code: 'rollback_unavailable',
      message: `The ${documentKind} migration step ${jump} has no down()${lostBackup}, so the migration cannot be rolled back.`,
      details: { documentKind, step: { from: missing.from, to: missing.to }, backupKey },
      suggestions: [
        `Add a down() to the migration from ${missing.from} to ${missing.to}.`,
        'Turn on versioning.migrationStrategy.dataBackup so later migrations keep a backup to restore.',
      ],
    });
  }
  return runMigrationSteps(result.document, {
    documentKind,
    steps: result.applied,
    direction: 'down',
    findMigration,
  });
}
