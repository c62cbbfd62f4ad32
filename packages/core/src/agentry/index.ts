export type { AgentDirectory } from './agent-directory.js';
export { createAgentry, type Agentry, type CreateAgentryOptions } from './create-agentry.js';
