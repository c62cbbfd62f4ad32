import { AgentryError } from '../errors/index.js';
import type { CompatibilityInfo } from './compatibility-info.js';
import type { Migration } from './define-migration.js';
import type { MigrationPlanStep } from './migration-plan.js';
import { compareSchemaVersions, matchesSchemaVersion } from './version-scheme.js';

/** What {@link findMigrationPath} searches. @internal */
export interface MigrationPathRequest {
  /** The kind of document, for messages. */
  documentKind: string;
  /** The document's version. */
  fromVersion: string;
  /** The version to arrive at. */
  toVersion: string;
  /** The registered migrations. */
  migrations: readonly Migration[];
  /** The allowed steps; empty allows every step. */
  compatibilityMatrix: readonly CompatibilityInfo[];
  /** Whether versions are semver strings. */
  semantic: boolean;
}

/**
 * Finds the shortest chain of registered migrations from one version to another that the
 * compatibility matrix allows, and describes each step with what its matrix entry says (the first
 * matching entry wins).
 *
 * @internal
 * @throws {AgentryError} `migration_not_allowed` when chains exist but each has a step the matrix
 *   does not cover; `migration_not_found` when no chain exists.
 * @example
 * ```ts
 * findMigrationPath({ documentKind: 'configuration', fromVersion: '1', toVersion: '3', migrations, compatibilityMatrix: [], semantic: false });
 * ```
 */
export function findMigrationPath(request: MigrationPathRequest): MigrationPlanStep[] {
  const { documentKind, fromVersion, toVersion, migrations, compatibilityMatrix, semantic } =
    request;
  const entryFor = (migration: Migration): CompatibilityInfo | undefined =>
    compatibilityMatrix.find(
      (entry) =>
        matchesSchemaVersion(entry.fromVersion, migration.from, semantic) &&
        matchesSchemaVersion(entry.toVersion, migration.to, semantic),
    );
  const usable = migrations.filter(
    (migration) => compareSchemaVersions(migration.to, toVersion, semantic) <= 0,
  );
  const allowed = (migration: Migration) =>
    compatibilityMatrix.length === 0 || entryFor(migration) !== undefined;

  const path = shortestPath(fromVersion, toVersion, usable.filter(allowed));
  if (path !== undefined) {
    return path.map((migration) => {
      const entry = entryFor(migration);
      return {
        from: migration.from,
        to: migration.to,
        description: migration.description,
        breaking: migration.breaking === true || entry?.breakingChanges === true,
        migrationRequired: entry?.migrationRequired ?? true,
      };
    });
  }

  const forbidden = shortestPath(fromVersion, toVersion, usable)?.find((step) => !allowed(step));
  if (forbidden !== undefined) {
    const jump = `${forbidden.from} -> ${forbidden.to}`;
    throw new AgentryError({
      code: 'migration_not_allowed',
      message: `The compatibility matrix has no entry allowing the ${documentKind} jump ${jump}, which the only migration path from ${fromVersion} to ${toVersion} needs.`,
      details: {
        documentKind,
        fromVersion,
        toVersion,
        jump: { from: forbidden.from, to: forbidden.to },
      },
      suggestions: [
        `Add { fromVersion: '${forbidden.from}', toVersion: '${forbidden.to}', breakingChanges, migrationRequired } to versioning.compatibilityMatrix if the jump is safe.`,
        `Or register migrations from ${fromVersion} to ${toVersion} through versions the matrix allows.`,
      ],
    });
  }

  const registered = migrations.map((migration) => `${migration.from} -> ${migration.to}`);
  throw new AgentryError({
    code: 'migration_not_found',
    message: `No registered migrations lead the ${documentKind} document from ${fromVersion} to ${toVersion}; registered: ${registered.length === 0 ? 'none' : registered.join(', ')}.`,
    details: { documentKind, fromVersion, toVersion, registered },
    suggestions: [
      `Register migrations that lead from ${fromVersion} to ${toVersion} (defineMigration({ from: '${fromVersion}', ... })).`,
    ],
  });
}

/** Breadth-first search over forward-only edges, so it always ends and prefers fewer steps. */
function shortestPath(
  from: string,
  to: string,
  migrations: readonly Migration[],
): Migration[] | undefined {
  const reachedBy = new Map<string, Migration | undefined>([[from, undefined]]);
  const queue = [from];
  for (let index = 0; index < queue.length; index += 1) {
    const version = queue[index] as string;
    if (version === to) break;
    for (const migration of migrations) {
      if (migration.from !== version || reachedBy.has(migration.to)) continue;
      reachedBy.set(migration.to, migration);
      queue.push(migration.to);
    }
  }
  if (!reachedBy.has(to)) return undefined;
  const path: Migration[] = [];
  for (let step = reachedBy.get(to); step !== undefined; step = reachedBy.get(step.from)) {
    path.unshift(step);
  }
  return path;
}
