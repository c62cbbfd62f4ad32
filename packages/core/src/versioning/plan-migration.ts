import { AgentryError } from '../errors/index.js';
import type { CompatibilityInfo } from './compatibility-info.js';
import type { Migration } from './define-migration.js';
import { diffDocuments } from './diff-documents.js';
import { findMigrationPath } from './find-migration-path.js';
import type { MigrationPlan, MigrationPlanStep } from './migration-plan.js';
import { readSchemaVersion } from './read-schema-version.js';
import { runMigrationSteps } from './run-migration-steps.js';
import { compareSchemaVersions } from './version-scheme.js';
import { isPlainObject } from './versioned-document.js';

/** What {@link planMigration} needs from its migrator. @internal */
export interface PlanMigrationContext {
  /** The kind of document, for messages. */
  documentKind: string;
  /** The version to arrive at. */
  currentVersion: string;
  /** Whether versions are semver strings. */
  semantic: boolean;
  /** Whether `detectVersion` may be asked when `schemaVersion` is missing. */
  autoDetection: boolean;
  /** Works out the version of a document that carries none. */
  detectVersion: ((document: Readonly<Record<string, unknown>>) => string | undefined) | undefined;
  /** The registered migrations. */
  migrations: readonly Migration[];
  /** The allowed steps; empty allows every step. */
  compatibilityMatrix: readonly CompatibilityInfo[];
  /** Finds the registered migration behind a step. */
  findMigration: (step: MigrationPlanStep) => Migration | undefined;
}

/**
 * Plans the migration of a document to the current version, on a private snapshot of it. With
 * `dryRun` the steps run on a copy to fill in the plan's diff.
 *
 * @internal
 * @throws {AgentryError} `validation_failed` (not a plain object, malformed version),
 *   `schema_version_missing`, `schema_version_unsupported`, `migration_not_found`,
 *   `migration_not_allowed`, and `migration_failed` when the dry run throws.
 * @example
 * ```ts
 * const plan = planMigration(document, context, true);
 * ```
 */
export function planMigration(
  input: object,
  context: PlanMigrationContext,
  dryRun: boolean,
): MigrationPlan {
  const { documentKind, currentVersion, semantic } = context;
  if (!isPlainObject(input)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `A ${documentKind} document must be a plain JSON object.`,
      details: { documentKind, received: Array.isArray(input) ? 'array' : typeof input },
    });
  }
  const { version, detected } = readSchemaVersion(input, context);
  if (compareSchemaVersions(version, currentVersion, semantic) > 0) {
    throw new AgentryError({
      code: 'schema_version_unsupported',
      message: `The ${documentKind} document has schemaVersion ${version}, newer than ${currentVersion}, the newest this code understands; it was refused rather than truncated to fit.`,
      details: { documentKind, schemaVersion: version, currentVersion },
      suggestions: [
        `Upgrade to a release that understands ${documentKind} schemaVersion ${version}.`,
        'Or restore a backup written before the newer release touched this document.',
      ],
    });
  }
  const steps =
    version === currentVersion
      ? []
      : findMigrationPath({ ...context, fromVersion: version, toVersion: currentVersion });
  const document = structuredClone(input);
  const migrated =
    dryRun && steps.length > 0
      ? runMigrationSteps(document, { ...context, steps, direction: 'up' })
      : undefined;
  return {
    documentKind,
    fromVersion: version,
    toVersion: currentVersion,
    versionDetected: detected,
    steps,
    breaking: steps.some((step) => step.breaking),
    diff: migrated === undefined ? [] : diffDocuments(document, migrated),
    document,
  };
}
