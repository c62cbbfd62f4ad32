import type { Migration } from './define-migration.js';
import type { MigrationBackupStore } from './migration-backup-store.js';
import type { MigrationPlan } from './migration-plan.js';
import type { MigrationResult } from './migration-result.js';
import type { VersioningConfig } from './versioning-config.js';

/**
 * What {@link createMigrator} takes.
 *
 * @example
 * ```ts
 * const options: MigratorOptions = {
 *   documentKind: 'agent-state',
 *   currentVersion: '2',
 *   migrations: [addMemoryLimit],
 *   versioning: config.versioning,
 *   now: () => new Date('2025-01-01T00:00:00Z'),
 * };
 * ```
 */
export interface MigratorOptions {
  /** The kind of document the migrator handles, such as `configuration` or `agent-state`. */
  documentKind: string;
  /** The schema version this code reads and writes; documents are migrated up to it. */
  currentVersion: string;
  /** The registered steps, each from one exact version to a newer one. */
  migrations: readonly Migration[];
  /** The versioning section of the configuration: mode, matrix and strategy. */
  versioning: VersioningConfig;
  /** Where backups go when `dataBackup` is on; an in-memory store by default. */
  backupStore?: MigrationBackupStore;
  /** The clock used for backup keys; `() => new Date()` by default. */
  now?: () => Date;
  /**
   * Works out the version of a document without `schemaVersion` (asked only when
   * `versioning.autoDetection` is on); return `undefined` when it cannot tell.
   */
  detectVersion?: (document: Readonly<Record<string, unknown>>) => string | undefined;
}

/**
 * What `migrator.apply` takes besides the plan.
 *
 * @example
 * ```ts
 * await migrator.apply(plan, { id: 'production' });
 * ```
 */
export interface ApplyOptions {
  /** The document's id in backup keys; the document's own `id` field, else `document`, by default. */
  id?: string;
}

/**
 * What `migrator.migrate` takes besides the document.
 *
 * @example
 * ```ts
 * await migrator.migrate(document, { confirm: async (plan) => askUser(plan.diff.join('\n')) });
 * ```
 */
export interface MigrateOptions extends ApplyOptions {
  /** Under `automatic`, lets a plan with breaking steps run instead of being refused. */
  allowBreaking?: boolean;
  /**
   * Under `assisted`, approves (`true`) or declines (`false`) the plan; without it the result is
   * `pending` and the plan waits for `migrator.apply(result.plan)`.
   */
  confirm?: (plan: MigrationPlan) => boolean | Promise<boolean>;
}

/**
 * Moves documents of one kind from the schema version they were written with to the current one,
 * following the configured strategy, and undoes migrations when rollback is supported.
 *
 * @example
 * ```ts
 * const result = await migrator.migrate(JSON.parse(await readFile(path, 'utf8')));
 * if (result.status === 'applied') await writeFile(path, JSON.stringify(result.document));
 * ```
 */
export interface Migrator {
  /** The kind of document the migrator handles. */
  readonly documentKind: string;
  /** The schema version documents are migrated up to. */
  readonly currentVersion: string;
  /** Where backups are stored. */
  readonly backupStore: MigrationBackupStore;
  /**
   * Plans the migration of a document without changing it; the plan's diff comes from a dry run.
   *
   * @throws {AgentryError} `schema_version_missing`, `schema_version_unsupported` (newer than
   *   `currentVersion`), `validation_failed` (malformed version), `migration_not_found`,
   *   `migration_not_allowed`, or `migration_failed` when the dry run throws.
   */
  readonly inspect: (document: object) => MigrationPlan;
  /**
   * Migrates a document as the strategy says: `automatic` applies the plan, `manual` refuses,
   * `assisted` applies after `options.confirm` approves and otherwise returns the plan.
   *
   * @throws {AgentryError} what `inspect` throws; `migration_required` under `manual`, or under
   *   `automatic` when a step is breaking and `allowBreaking` is not set.
   */
  readonly migrate: (document: object, options?: MigrateOptions) => Promise<MigrationResult>;
  /**
   * Carries out a plan on a copy of its document, storing a backup first when `dataBackup` is on.
   *
   * @throws {AgentryError} `migration_failed` when a step throws (nothing is returned half done);
   *   `validation_failed` when the plan belongs to another migrator.
   */
  readonly apply: (plan: MigrationPlan, options?: ApplyOptions) => Promise<MigrationResult>;
  /**
   * Undoes an applied migration: returns the backup when one was taken, otherwise runs each step's
   * `down` in reverse.
   *
   * @throws {AgentryError} `rollback_unavailable` when `rollbackSupport` is off or a step without
   *   a backup has no `down`; `migration_failed` when a `down` throws.
   */
  readonly rollback: (result: MigrationResult) => Promise<Record<string, unknown>>;
}
