export type {
  ContentPart,
  ImagePart,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from './content-part.js';
export {
  MODEL_SPECIFICATION_VERSION,
  type LanguageModel,
  type ModelDeprecation,
  type ModelSettings,
  type ProviderFactory,
} from './language-model.js';
export type {
  ModelAssistantMessage,
  ModelMessage,
  ModelSystemMessage,
  ModelToolMessage,
  ModelUserMessage,
} from './model-message.js';
export type {
  JsonSchema,
  ModelCallOptions,
  ModelParameters,
  ModelRequest,
  ResponseFormat,
  ToolChoice,
  ToolSpec,
} from './model-request.js';
export type { FinishReason, ModelResponse, Usage } from './model-response.js';
export type { ModelStreamPart } from './model-stream-part.js';
