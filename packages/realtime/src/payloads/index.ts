export { createAgUiMapper, type AgUiMapper, type AgUiMapperOptions } from './ag-ui-mapper.js';
export type {
  AgUiInterrupt,
  AgUiJsonPatchOperation,
  AgUiMessage,
  AgUiTokenUsage,
  AgUiToolCall,
} from './ag-ui-parts.js';
export type { AgUiEvent, AgUiEventBase, AgUiEventOf, AgUiEventType } from './ag-ui-types.js';
export { createRunSnapshot, type RunSnapshot } from './run-snapshot.js';
export { coalesceAgUiEvents } from './coalesce-ag-ui-events.js';
export {
  UI_MESSAGE_STREAM_HEADER,
  UI_MESSAGE_STREAM_HEADERS,
  type AgentryProviderMetadata,
  type UiMessageChunk,
} from './ui-message-chunk.js';
export {
  createUiMessageStreamEncoder,
  encodeUiMessageStream,
  type UiMessageStreamEncoder,
  type UiMessageStreamEncoderOptions,
} from './ui-message-stream.js';
