/**
 * One step of a {@link MigrationPlan}: a registered migration, with what the compatibility matrix
 * says about it.
 *
 * @example
 * ```ts
 * import { type MigrationPlanStep } from '@agentry/core';
 *
 * const step: MigrationPlanStep = {
 *   from: '1',
 *   to: '2',
 *   description: 'Rename model to models.defaultModel.',
 *   breaking: false,
 *   migrationRequired: true,
 * };
 * ```
 */
export interface MigrationPlanStep {
  /** The version the step starts from. */
  readonly from: string;
  /** The version the step arrives at. */
  readonly to: string;
  /** What the step changes. */
  readonly description: string;
  /** Whether the migration or its matrix entry marks the step as breaking. */
  readonly breaking: boolean;
  /** Whether `up` runs; `false` (from the matrix) means the step only restamps the version. */
  readonly migrationRequired: boolean;
}

/**
 * What a migrator would do to a document: the ordered steps from its version to the current one,
 * a snapshot of the document they apply to, and a readable diff of the outcome. Pass it to
 * `migrator.apply(plan)` to carry it out.
 *
 * @example
 * ```ts
 * const plan = migrator.inspect(document);
 * console.log(plan.steps.map((step) => `${step.from} -> ${step.to}`).join(', '));
 * console.log(plan.diff.join('\n'));
 * ```
 */
export interface MigrationPlan {
  /** The kind of document, such as `configuration` or `agent-state`. */
  readonly documentKind: string;
  /** The document's version. */
  readonly fromVersion: string;
  /** The version the plan arrives at: the migrator's current version. */
  readonly toVersion: string;
  /** Whether `fromVersion` was detected by `detectVersion` rather than read from the document. */
  readonly versionDetected: boolean;
  /** The steps, oldest first; empty when the document is current. */
  readonly steps: readonly MigrationPlanStep[];
  /** Whether any step is breaking. */
  readonly breaking: boolean;
  /**
   * The changes the plan makes, one line each: `~ path: old -> new`, `+ path: value`, `- path`.
   * Empty when the plan was made without a dry run.
   */
  readonly diff: readonly string[];
  /** A private copy of the document as it was when the plan was made. */
  readonly document: Readonly<Record<string, unknown>>;
}
