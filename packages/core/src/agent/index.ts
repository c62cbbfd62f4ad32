export type { Agent } from './agent-interface.js';
export {
  defaultMaxToolInputBytes,
  defaultResourceLimits,
  type AgentOptions,
  type RealtimeCompliance,
  type SendInput,
  type SendOptions,
} from './agent-options.js';
export { createAgent } from './agent.js';
export type { AgentEvent, AgentRunPart } from './agent-events.js';
export type { AgentRun, AgentRunResult } from './agent-run.js';
export {
  agentTransitions,
  allowedEvents,
  nextAgentState,
  type AgentLifecycleEvent,
  type AgentLifecycleState,
  type AgentTransition,
} from './agent-state-machine.js';
export { AGENT_SCHEMA_VERSION } from './agent-turn.js';
export { toConversationParts, toModelMessages } from './conversation-mapping.js';
export {
  conversationMetadataSchema,
  conversationPartSchema,
  type ConversationMetadata,
  type ConversationPart,
} from './conversation-parts.js';
export {
  createCircuitBreakerRegistry,
  createModelRouter,
  defaultCircuitBreakerConfig,
  defaultMaxInlineWait,
  defaultModelRetryPolicy,
  type CircuitBreakerRegistry,
  type ModelRouterOptions,
} from './create-model-router.js';
export {
  defineTool,
  toToolSpec,
  type AccessAction,
  type Tool,
  type ToolExecutionContext,
} from './define-tool.js';
export type {
  ModelCallContext,
  SendAdmission,
  SendAdmissionContext,
  ModelMiddleware,
  ToolCallContext,
  ToolMiddleware,
} from './middleware.js';
export type {
  ModelRouter,
  RouterAttempt,
  RouterDeadline,
  RouterFailure,
} from './model-router-types.js';
export { principalProblem, requireAuthorization } from './authorize-agent.js';
export { restoreAgent, type RestoreAgentOptions } from './restore-agent.js';
