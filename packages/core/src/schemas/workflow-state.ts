import { z } from 'zod';
import { jsonRecordSchema } from './json-record.js';

/**
 * Where an agent stands in a workflow run. Core keeps only this reference; the run itself, with
 * its journal, belongs to `@agentry/workflows`.
 *
 * @example
 * ```ts
 * workflowStateSchema.parse({ workflowId: 'triage', runId: 'run-1', status: 'running', currentStepId: 'classify' });
 * ```
 */
export const workflowStateSchema = z.strictObject({
  /** The workflow definition's id. */
  workflowId: z.string().min(1),
  /** The run's id. */
  runId: z.string().min(1),
  /** Where the run stands. */
  status: z.literal(['running', 'suspended', 'completed', 'failed', 'cancelled']),
  /** The step the agent is working on, if any. */
  currentStepId: z.string().min(1).optional(),
  /** Data the agent keeps for the run; JSON values only. */
  data: jsonRecordSchema.optional(),
});

/**
 * Where an agent stands in a workflow run.
 *
 * @example
 * ```ts
 * import type { Agent, WorkflowState } from '@agentry/core';
 *
 * declare const agent: Agent;
 * // Where the agent is in a workflow run, when a workflow step drives it.
 * const workflow: WorkflowState | undefined = agent.state.currentWorkflow;
 * if (workflow?.status === 'suspended') console.log(`${workflow.workflowId} waits at ${workflow.currentStepId}`);
 * ```
 */
export type WorkflowState = z.infer<typeof workflowStateSchema>;
