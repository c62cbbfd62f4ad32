import type { MigrationPlan, MigrationPlanStep } from './migration-plan.js';
import type { VersionedDocument } from './versioned-document.js';

/**
 * What became of a document: `current` (nothing to do), `applied` (migrated), `pending` (an
 * assisted plan waits for `migrator.apply(result.plan)`) or `declined` (the confirm callback
 * said no).
 *
 * @example
 * ```ts
 * if (result.status === 'pending') await migrator.apply(result.plan);
 * ```
 */
export type MigrationStatus = 'current' | 'applied' | 'pending' | 'declined';

/**
 * What `migrator.migrate` and `migrator.apply` return. Pass an `applied` result to
 * `migrator.rollback(result)` to undo it.
 *
 * @example
 * ```ts
 * const result = await migrator.migrate(JSON.parse(text));
 * if (result.status === 'applied') await save(result.document);
 * ```
 */
export interface MigrationResult {
  /** What became of the document. */
  readonly status: MigrationStatus;
  /** The migrated document, or the unchanged one when nothing was applied. */
  readonly document: VersionedDocument;
  /** The version the document had. */
  readonly fromVersion: string;
  /** The version `document` has now (equal to `fromVersion` unless steps were applied). */
  readonly toVersion: string;
  /** The steps that ran, oldest first; empty unless `status` is `applied`. */
  readonly applied: readonly MigrationPlanStep[];
  /** Where the backup of the original was stored, when `dataBackup` is on and steps ran. */
  readonly backupKey?: string;
  /** The changes made (or, for `pending` and `declined`, proposed), one line each. */
  readonly diff: readonly string[];
  /** The plan that was followed or awaits approval. */
  readonly plan: MigrationPlan;
}
