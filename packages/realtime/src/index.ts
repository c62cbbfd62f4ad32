/**
 * `@agentry/realtime`: every run's events as a durable, offset-addressed log per channel, served
 * over WebSocket, SSE and long polling.
 *
 * @packageDocumentation
 */
export { VERSION } from './version.js';
export { createBatcher, type Batcher, type BatcherOptions } from './batching/batcher.js';
export {
  communicationConfigSchema,
  defaultCommunicationConfig,
  type CommunicationConfig,
} from './config/index.js';
export {
  encodeChannelSegment,
  realtime,
  realtimeChannels,
  type RealtimeChannelKind,
  type RealtimeHandle,
  type RealtimeOptions,
  type RealtimePlugin,
} from './plugin/index.js';
export { createMemoryRealtimeLog, type MemoryRealtimeLogOptions } from './log/index.js';
export {
  createAgUiMapper,
  type AgUiEvent,
  type AgUiEventBase,
  type AgUiEventOf,
  type AgUiEventType,
  type AgUiInterrupt,
  type AgUiJsonPatchOperation,
  type AgUiMapper,
  type AgUiMapperOptions,
  type AgUiMessage,
  type AgUiTokenUsage,
  type AgUiToolCall,
  createRunSnapshot,
  type RunSnapshot,
  coalesceAgUiEvents,
  createUiMessageStreamEncoder,
  encodeUiMessageStream,
  UI_MESSAGE_STREAM_HEADER,
  UI_MESSAGE_STREAM_HEADERS,
  type AgentryProviderMetadata,
  type UiMessageChunk,
  type UiMessageStreamEncoder,
  type UiMessageStreamEncoderOptions,
} from './payloads/index.js';
