export { createAgUiMapper, type AgUiMapper, type AgUiMapperOptions } from './ag-ui-mapper.js';
export type {
  AgUiEvent,
  AgUiEventBase,
  AgUiEventOf,
  AgUiEventType,
  AgUiInterrupt,
  AgUiJsonPatchOperation,
  AgUiMessage,
  AgUiTokenUsage,
  AgUiToolCall,
} from './ag-ui-types.js';
