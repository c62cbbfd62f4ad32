/**
 * `@agentry/store-sqlite`: Agentry's embedded durable `StateStore` on SQLite,
 * with WAL journaling, atomic writes and optimistic concurrency across processes. It runs on
 * Node's built-in `node:sqlite` (Node 22.13 and later) or on better-sqlite3 (an optional peer
 * dependency, needed on Node 20). `createSqliteRealtimeLog` keeps `@agentry/realtime`'s channels
 * in a SQLite file, so offsets and epochs survive a restart.
 *
 * @packageDocumentation
 */
export { createSqliteStore } from './create-sqlite-store.js';
export type { SqliteDriverChoice, SqliteDriverName } from './drivers/sqlite-connection.js';
export type { SqliteStoreOptions } from './sqlite-store-options.js';
export { sqliteStore, type SqliteStorePluginOptions } from './sqlite-store-plugin.js';
export { createSqliteRealtimeLog, type SqliteRealtimeLogOptions } from './realtime/index.js';
export { VERSION } from './version.js';
