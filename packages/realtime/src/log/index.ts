export { createMemoryRealtimeLog, type MemoryRealtimeLogOptions } from './memory-realtime-log.js';
