/**
 * `@agentry/realtime`: every run's events as a durable, offset-addressed log per channel, served
 * over WebSocket, SSE and long polling.
 *
 * @packageDocumentation
 */
export { VERSION } from './version.js';
export { createBatcher, type Batcher, type BatcherOptions } from './batching/batcher.js';
export type { CommunicationConfig } from './config/communication-config.js';
export { createMemoryRealtimeLog, type MemoryRealtimeLogOptions } from './log/index.js';
