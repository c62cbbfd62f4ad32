import { z } from 'zod';

/**
 * One row of the compatibility matrix: whether moving a document from one schema version to
 * another is allowed, breaking, and needs its migration to run. Either side may be an exact version
 * or, in semantic mode, a semver range (`^1.0.0` to `^1.0.0` covers every step within 1.x);
 * {@link versioningConfigSchema} checks the format against the mode and that an entry between two
 * exact versions moves forward.
 *
 * @example
 * ```ts
 * const row = compatibilityInfoSchema.parse({
 *   fromVersion: '^1.0.0',
 *   toVersion: '2.0.0',
 *   breakingChanges: true,
 *   migrationRequired: true,
 * });
 * ```
 */
export const compatibilityInfoSchema = z.strictObject({
  /** The version (or, in semantic mode, the range) a step starts from. */
  fromVersion: z.string().min(1, 'fromVersion must not be empty.'),
  /** The version (or, in semantic mode, the range) a step arrives at. */
  toVersion: z.string().min(1, 'toVersion must not be empty.'),
  /** Whether the step changes the document in a way older code cannot read. */
  breakingChanges: z.boolean(),
  /**
   * Whether the step's migration must run; `false` means the document is compatible as is and
   * the step only restamps `schemaVersion`.
   */
  migrationRequired: z.boolean(),
});

/**
 * One row of the compatibility matrix.
 *
 * @example
 * ```ts
 * import { type CompatibilityInfo } from '@agentry/core';
 *
 * const row: CompatibilityInfo = {
 *   fromVersion: '1',
 *   toVersion: '2',
 *   breakingChanges: false,
 *   migrationRequired: true,
 * };
 * ```
 */
export type CompatibilityInfo = z.infer<typeof compatibilityInfoSchema>;
