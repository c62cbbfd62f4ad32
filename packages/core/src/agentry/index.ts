export type { AgentDirectory } from './agent-directory.js';
export { createAgentry } from './create-agentry.js';
export type {
  Agentry,
  AgentryAgentOptions,
  AgentryExtensions,
  CreateAgentryOptions,
} from './agentry-types.js';
export { resolveModelId } from './resolve-model-id.js';
