export { createSqliteRealtimeLog } from './sqlite-realtime-log.js';
export type { SqliteRealtimeLogOptions } from './sqlite-realtime-log-options.js';
