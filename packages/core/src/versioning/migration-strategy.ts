import { z } from 'zod';

/**
 * How a migrator treats a document that is older than the code: `automatic` migrates it on load,
 * `manual` refuses and lists the steps to run, `assisted` shows the plan and a diff and migrates
 * once approved. `rollbackSupport` allows undoing a migration; `dataBackup` stores a copy of the
 * original before each migration. Defaults: `type: 'manual'`, `rollbackSupport: true`,
 * `dataBackup: true`.
 *
 * @example
 * ```ts
 * const strategy = migrationStrategySchema.parse({
 *   type: 'assisted',
 *   rollbackSupport: true,
 *   dataBackup: true,
 * });
 * ```
 */
export const migrationStrategySchema = z.strictObject({
  /**
   * When migrations run: on load, never without an explicit call, or after approval. Default
   * `manual`.
   */
  type: z.literal(['automatic', 'manual', 'assisted']).default('manual'),
  /** Whether a migration may be undone with `migrator.rollback(result)`. Default `true`. */
  rollbackSupport: z.boolean().default(true),
  /**
   * Whether the original document is stored in the backup store before it is migrated. Default
   * `true`.
   */
  dataBackup: z.boolean().default(true),
});

/**
 * How a migrator treats a document that is older than the code.
 *
 * @example
 * ```ts
 * import { type MigrationStrategy } from '@agentry/core';
 *
 * const strategy: MigrationStrategy = { type: 'manual', rollbackSupport: true, dataBackup: true };
 * ```
 */
export type MigrationStrategy = z.infer<typeof migrationStrategySchema>;

/**
 * When migrations run: `automatic`, `manual` or `assisted`.
 *
 * @example
 * ```ts
 * import { type MigrationStrategyType } from '@agentry/core';
 *
 * const type: MigrationStrategyType = 'assisted';
 * ```
 */
export type MigrationStrategyType = MigrationStrategy['type'];
