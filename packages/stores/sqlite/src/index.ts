/**
 * `@agentry/store-sqlite`: Agentry's embedded durable `StateStore` on SQLite,
 * with WAL journaling, atomic writes and optimistic concurrency across processes.
 *
 * @packageDocumentation
 */
export { createSqliteStore } from './create-sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite-store-options.js';
export { sqliteStore, type SqliteStorePluginOptions } from './sqlite-store-plugin.js';
export { VERSION } from './version.js';
