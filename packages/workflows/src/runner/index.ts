export { createWorkflowRunner } from './create-workflow-runner.js';
export { hashWorkflowDefinition } from './hash-workflow-definition.js';
export type { JournalEntry, JournalEntryBase, ResumeDecision } from './journal-entry.js';
export type {
  HumanInterventionOptions,
  RecoverReport,
  ResumeActor,
  ResumeRequest,
  RunAgent,
  RunAgentRequest,
  RunEvent,
  RunMigration,
  RunRecord,
  RunResult,
  RunStatus,
  TaskContext,
  TaskHandler,
  WorkflowRunner,
  WorkflowRunnerOptions,
} from './runner-types.js';
