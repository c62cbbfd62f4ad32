export type { AgentDirectory } from './agent-directory.js';
export {
  createAgentry,
  type Agentry,
  type AgentryAgentOptions,
  type CreateAgentryOptions,
} from './create-agentry.js';
export { resolveModelId } from './resolve-model-id.js';
