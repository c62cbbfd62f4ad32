export type { ComparisonOperator, Condition, ConditionOperand } from './condition.js';
export { conditionSchema } from './condition.js';
export { describeCondition } from './describe-condition.js';
export {
  errorHandlingStrategySchema,
  type ErrorHandlingStrategy,
} from './error-handling-strategy.js';
export {
  evaluateCondition,
  type ConditionPredicate,
  type ConditionScope,
} from './evaluate-condition.js';
export {
  END,
  STEP_ID_PATTERN,
  WORKFLOW_ID_PATTERN,
  stepIdSchema,
  stepTargetSchema,
  workflowIdSchema,
  type StepTarget,
} from './identifiers.js';
export {
  instantiateTemplate,
  type InstantiateTemplateOptions,
  type TemplateParameterProblem,
} from './instantiate-template.js';
export { jsonValueSchema, type JsonValue } from './json-value.js';
export { conditions, input, output, ref } from './references.js';
export { resolveInputs, resolveReference, type ReferenceScope } from './resolve-inputs.js';
export {
  toStepGraph,
  type BranchMembership,
  type StepEdge,
  type StepGraph,
  type StepGraphInput,
  type StepGraphStep,
} from './step-graph.js';
export { toMermaid, type ToMermaidOptions } from './to-mermaid.js';
export {
  assertValidWorkflow,
  validateWorkflow,
  type ValidateWorkflowOptions,
  type WorkflowLookup,
  type WorkflowSteps,
  type WorkflowValidationResult,
} from './validate-workflow.js';
export {
  forEachReference,
  isLiteralValue,
  isValueReference,
  parseReferencePath,
  valueReferenceSchema,
  type LiteralValue,
  type ParsedReferencePath,
  type ValueReference,
} from './value-reference.js';
export {
  WorkflowBuilder,
  workflow,
  type AgentStepOptions,
  type DecisionStepOptions,
  type FlowStepOptions,
  type ParallelStepOptions,
  type StepOptions,
  type SubgraphStepOptions,
  type TaskStepOptions,
  type WorkflowTriggerInput,
} from './workflow-builder.js';
export {
  isTrivialWorkflow,
  workflowDefinitionSchema,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
} from './workflow-definition.js';
export type { WorkflowProblem, WorkflowProblemCode } from './workflow-problem.js';
export {
  createWorkflowRegistry,
  findTemplate,
  registerTemplate,
  registerWorkflow,
  workflowRegistrySchema,
  type RegisterWorkflowOptions,
  type WorkflowRegistry,
  type WorkflowRegistryInput,
} from './workflow-registry.js';
export {
  agentTaskSchema,
  decisionBranchSchema,
  decisionStepSchema,
  parallelBranchSchema,
  parallelStepSchema,
  subgraphStepSchema,
  taskStepSchema,
  workflowStepSchema,
  workflowStepTypes,
  type AgentTask,
  type DecisionBranch,
  type DecisionStep,
  type ParallelBranch,
  type ParallelStep,
  type SubgraphStep,
  type TaskStep,
  type WorkflowStep,
  type WorkflowStepType,
} from './workflow-step.js';
export {
  templateParameterSchema,
  workflowStepTemplateSchema,
  workflowTemplateSchema,
  type TemplateParameter,
  type WorkflowStepTemplate,
  type WorkflowTemplate,
  type WorkflowTemplateInput,
} from './workflow-template.js';
export {
  checkCronExpression,
  eventTriggerSchema,
  isTimeZone,
  manualTriggerSchema,
  scheduleTriggerSchema,
  webhookTriggerSchema,
  workflowTriggerSchema,
  type EventTrigger,
  type ManualTrigger,
  type ScheduleTrigger,
  type WebhookTrigger,
  type WorkflowTrigger,
} from './workflow-trigger.js';
export { workflowsConfigSchema, type WorkflowsConfig } from './workflows-config.js';
