import { dirname, join, resolve } from 'node:path';
import {
  AgentryError,
  CONFIGURATION_SCHEMA_VERSION,
  createMigrator,
  type Migration,
  type Migrator,
  type VersioningConfig,
} from '@agentry/core';
import { createFileBackupStore } from '../file-backup-store.js';
import { importModule } from '../import-module.js';

/** What a `--migrations` module exports. @internal */
export interface DocumentFormat {
  documentKind: string;
  currentVersion: string;
  migrations: readonly Migration[];
  versioning?: VersioningConfig;
  detectVersion?: (document: Readonly<Record<string, unknown>>) => string | undefined;
}

/** Used when the document has no valid `versioning` section and the module gives none. */
export const defaultVersioning: VersioningConfig = {
  semantic: true,
  autoDetection: false,
  compatibilityMatrix: [],
  migrationStrategy: { type: 'assisted', rollbackSupport: true, dataBackup: true },
};

/**
 * The format of the documents to migrate: the `--migrations` module's exports, or core's
 * configuration format without one.
 *
 * @internal
 */
export async function formatOf(cwd: string, modulePath: unknown): Promise<DocumentFormat> {
  if (typeof modulePath !== 'string')
    return {
      documentKind: 'configuration',
      currentVersion: CONFIGURATION_SCHEMA_VERSION,
      migrations: [],
    };
  const namespace = await importModule(cwd, modulePath, 'migrations module');
  const format = (namespace['default'] ?? namespace) as Partial<DocumentFormat>;
  if (
    typeof format.documentKind !== 'string' ||
    typeof format.currentVersion !== 'string' ||
    !Array.isArray(format.migrations)
  )
    throw new AgentryError({
      code: 'config_load_failed',
      message: `The migrations module ${modulePath} must export documentKind, currentVersion and migrations.`,
      details: { file: modulePath },
      suggestions: [
        "export const documentKind = 'profile'; export const currentVersion = '2'; export const migrations = [defineMigration({ … })];",
      ],
    });
  return format as DocumentFormat;
}

/**
 * The migrator of one `agentry migrate` run, with its backups in `--backup-dir` (resolved from
 * `cwd`), else in `.agentry/backups` beside `file`.
 *
 * @internal
 */
export function migratorOf(
  cwd: string,
  backupDir: unknown,
  file: string,
  format: DocumentFormat,
  versioning: VersioningConfig,
): { migrator: Migrator; backupDirectory: string } {
  const backupDirectory = resolve(
    cwd,
    typeof backupDir === 'string' ? backupDir : join(dirname(file), '.agentry', 'backups'),
  );
  const migrator = createMigrator({
    documentKind: format.documentKind,
    currentVersion: format.currentVersion,
    migrations: format.migrations,
    versioning,
    backupStore: createFileBackupStore(backupDirectory),
    ...(format.detectVersion ? { detectVersion: format.detectVersion } : {}),
  });
  return { migrator, backupDirectory };
}
