export {
  createAgentTaskRunner,
  type AgentTaskHost,
  type AgentTaskOutput,
  type AgentTaskRunnerOptions,
} from './create-agent-task-runner.js';
export {
  createConfiguredWorkflowRunner,
  type ConfiguredWorkflowRunnerOptions,
} from './create-configured-workflow-runner.js';
