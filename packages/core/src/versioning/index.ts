export { compatibilityInfoSchema, type CompatibilityInfo } from './compatibility-info.js';
export { createMemoryBackupStore } from './create-memory-backup-store.js';
export { createMigrator } from './create-migrator.js';
export { defineMigration, type Migration, type MigrationDefinition } from './define-migration.js';
export { diffDocuments } from './diff-documents.js';
export type { MigrationBackupStore } from './migration-backup-store.js';
export type { MigrationPlan, MigrationPlanStep } from './migration-plan.js';
export type { MigrationResult, MigrationStatus } from './migration-result.js';
export {
  migrationStrategySchema,
  type MigrationStrategy,
  type MigrationStrategyType,
} from './migration-strategy.js';
export type { ApplyOptions, MigrateOptions, Migrator, MigratorOptions } from './migrator.js';
export type { VersionedDocument } from './versioned-document.js';
export { versioningConfigSchema, type VersioningConfig } from './versioning-config.js';
