export {
  createAgentTaskRunner,
  type AgentTaskHost,
  type AgentTaskOutput,
  type AgentTaskRunnerOptions,
} from './create-agent-task-runner.js';
