export { agentInstanceSchema, type AgentInstance } from './agent-instance.js';
export {
  agentStateSchema,
  agentStatusSchema,
  type AgentState,
  type AgentStatus,
} from './agent-state.js';
export {
  apiKeyRotationConfigSchema,
  type ApiKeyRotationConfig,
} from './api-key-rotation-config.js';
export { authenticationConfigSchema, type AuthenticationConfig } from './authentication-config.js';
export { authenticationMethodSchema, type AuthenticationMethod } from './authentication-method.js';
export { errorDetailSchema, type ErrorDetail } from './error-detail.js';
export { executionContextSchema, type ExecutionContext } from './execution-context.js';
export { isoDateSchema } from './iso-date.js';
export { jsonRecordSchema } from './json-record.js';
export {
  agentMessageSchema,
  errorMessageSchema,
  messageSchema,
  systemMessageSchema,
  userMessageSchema,
  type AgentMessage,
  type ErrorMessage,
  type Message,
  type MessageType,
  type SystemMessage,
  type UserMessage,
} from './message.js';
export { modelCapabilitiesSchema, type ModelCapabilities } from './model-capabilities.js';
export { modelConfigurationSchema, type ModelConfiguration } from './model-configuration.js';
export { modelInfoSchema, type ModelInfo } from './model-info.js';
export {
  modelRegistrySchema,
  parseModelId,
  type ModelRegistry,
  type ParsedModelId,
} from './model-registry.js';
export { oauth2ConfigSchema, type OAuth2Config } from './oauth2-config.js';
export { performanceMetricsSchema, type PerformanceMetrics } from './performance-metrics.js';
export { pricingInfoSchema, type PricingInfo } from './pricing-info.js';
export { positiveIntegerSchema } from './positive-integer.js';
export { providerConfigSchema, type ProviderConfig } from './provider-config.js';
export {
  PROVIDER_TYPE_PATTERN,
  builtInProviderTypeSchema,
  builtInProviderTypes,
  isBuiltInProviderType,
  providerPackages,
  providerTypeSchema,
  type BuiltInProviderType,
  type ProviderType,
} from './provider-type.js';
export { resourceLimitsSchema, type ResourceLimits } from './resource-limits.js';
export {
  assertSerializable,
  findSerializationProblem,
  formatPath,
  type SerializationProblem,
} from './serializable.js';
export { uniqueItemsSchema } from './unique-items.js';
export { workflowStateSchema, type WorkflowState } from './workflow-state.js';
