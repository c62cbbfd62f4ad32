import { AgentryError } from '../errors/index.js';
import type { Migration } from './define-migration.js';
import type { MigratorOptions } from './migrator.js';
import { toValidationError } from './to-validation-error.js';
import {
  compareSchemaVersions,
  describeSchemaVersionFormat,
  isSchemaVersion,
} from './version-scheme.js';
import { versioningConfigSchema, type VersioningConfig } from './versioning-config.js';

/**
 * Checks a migrator's options: the versioning config against its schema, the current version and
 * each migration's versions against the mode, that each migration moves forward, and that no jump
 * is registered twice. Returns the parsed versioning config.
 *
 * @internal
 * @throws {AgentryError} `validation_failed` naming the first problem.
 * @example
 * ```ts
 * const versioning = checkMigratorOptions(options);
 * ```
 */
export function checkMigratorOptions(options: MigratorOptions): VersioningConfig {
  const parsed = versioningConfigSchema.safeParse(options.versioning);
  if (!parsed.success) throw toValidationError(parsed.error, 'The versioning configuration');
  const versioning = parsed.data;
  const { semantic } = versioning;
  const { documentKind, currentVersion } = options;
  const format = describeSchemaVersionFormat(semantic);

  if (typeof documentKind !== 'string' || documentKind.trim() === '') {
    throw invalid('documentKind must be a non-empty label such as "configuration".', [
      'documentKind',
    ]);
  }
  if (!isSchemaVersion(currentVersion, semantic)) {
    throw invalid(
      `The ${documentKind} migrator's currentVersion ${JSON.stringify(currentVersion)} is not ${format}.`,
      ['currentVersion'],
    );
  }
  const seen = new Set<string>();
  options.migrations.forEach((migration: Migration, index) => {
    for (const field of ['from', 'to'] as const) {
      if (!isSchemaVersion(migration[field], semantic)) {
        throw invalid(
          `The ${documentKind} migration at index ${index} has ${field} ${JSON.stringify(migration[field])}, which is not ${format}.`,
          ['migrations', index, field],
        );
      }
    }
    if (compareSchemaVersions(migration.from, migration.to, semantic) >= 0) {
      throw invalid(
        `The ${documentKind} migration ${migration.from} -> ${migration.to} must move to a newer version; undo steps belong in down().`,
        ['migrations', index, 'to'],
      );
    }
    const jump = `${migration.from} -> ${migration.to}`;
    if (seen.has(jump)) {
      throw invalid(`The ${documentKind} migration ${jump} is registered twice.`, [
        'migrations',
        index,
      ]);
    }
    seen.add(jump);
  });
  return versioning;
}

function invalid(message: string, path: readonly (string | number)[]): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message,
    details: { path },
    suggestions: ['Fix the createMigrator options named in the message.'],
  });
}
