import { AgentryError } from '@agentry/core';
import { z } from 'zod';
import { closestMatch } from '../definitions/closest-match.js';
import { listIssues, type ListedIssue } from '../definitions/list-issues.js';
import type { WorkflowDefinition } from '../definitions/workflow-definition.js';
import type { ManualTrigger } from '../definitions/workflow-trigger.js';
import type {
  RunOrigin,
  StartRunOptions,
  StartedRun,
  WorkflowStarter,
} from '../workflow-starter.js';
import { listWorkflows, type WorkflowSource } from './workflow-source.js';

/**
 * Options of {@link startManually}.
 *
 * @example
 * ```ts
 * import { startManually, type StartManuallyOptions, type WorkflowRegistry, type WorkflowStarter } from '@agentry/workflows';
 *
 * declare const runner: WorkflowStarter;
 * declare const registry: WorkflowRegistry;
 * const options: StartManuallyOptions = {
 *   workflows: registry,
 *   idempotencyKey: 'refund-A-1001',
 *   details: { requestedBy: 'ana@example.com' },
 * };
 * // Checks the input against the manual trigger's inputSchema before starting.
 * const run = await startManually(runner, 'refund', { orderId: 'A-1001' }, options);
 * ```
 */
export interface StartManuallyOptions {
  /** Where the workflow's definition is found, to read its manual triggers. */
  workflows: WorkflowSource;
  /** Makes the start idempotent: a second start with the same key returns the first run. */
  idempotencyKey?: string;
  /** Recorded on the run's origin, such as who started it: `{ user: 'ada' }`. */
  details?: RunOrigin['details'];
  /**
   * Who starts the run and whom it acts for (`StartRunOptions.principal`): a runner with an
   * authorizer asks it whether this principal may start the workflow.
   */
  principal?: StartRunOptions['principal'];
}

const compiled = new WeakMap<object, z.ZodType>();

/**
 * Starts a run by hand, as a workflow's `manual` trigger does: the workflow must have a manual
 * trigger, and the input must match that trigger's `inputSchema` (a JSON Schema) when it has one.
 * With several manual triggers, the input must match one of them. Nothing is started when the
 * check fails.
 *
 * @param starter - the runner (or anything implementing {@link WorkflowStarter})
 * @param workflowId - the workflow to run
 * @param input - the run's input
 * @returns the run's id, and whether the idempotency key matched an earlier run
 * @throws AgentryError `not_found` when the workflow is not in `options.workflows`;
 *   `permission_denied` when it has no manual trigger; `validation_failed` when the input does
 *   not match the input schema (`details.issues` lists each path and problem) or the schema
 *   cannot be read; anything the starter throws
 * @example
 * ```ts
 * const { runId } = await startManually(runner, 'order-review', { orderId: 'A-7' }, {
 *   workflows: registry,
 *   details: { user: 'ada' },
 * });
 * ```
 */
export async function startManually(
  starter: WorkflowStarter,
  workflowId: string,
  input: unknown,
  options: StartManuallyOptions,
): Promise<StartedRun> {
  const definitions = listWorkflows(options.workflows);
  const definition = definitions.find((candidate) => candidate.id === workflowId);
  if (!definition) {
    const near = closestMatch(
      workflowId,
      definitions.map((candidate) => candidate.id),
    );
    throw new AgentryError({
      code: 'not_found',
      message: `There is no workflow "${workflowId}" to start.${near ? ` Did you mean "${near}"?` : ''}`,
      details: { workflowId, known: definitions.map((candidate) => candidate.id) },
      suggestions: [near ? `Start "${near}".` : 'Register the workflow before starting it.'],
    });
  }
  checkManualInput(definition, input);
  return starter.start(workflowId, input, {
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    ...(options.principal === undefined ? {} : { principal: options.principal }),
    origin: { type: 'manual', ...(options.details ? { details: options.details } : {}) },
  });
}

function checkManualInput(definition: WorkflowDefinition, input: unknown): void {
  const manual = definition.triggers
    .map((trigger, index) => ({ trigger, index }))
    .filter(
      (entry): entry is { trigger: ManualTrigger; index: number } =>
        entry.trigger.type === 'manual',
    );
  if (manual.length === 0) {
    throw new AgentryError({
      code: 'permission_denied',
      message: `The workflow "${definition.id}" has no manual trigger, so it cannot be started by hand.`,
      details: { workflowId: definition.id, triggers: definition.triggers.map((t) => t.type) },
      suggestions: [`Add { type: 'manual' } to the triggers of "${definition.id}".`],
    });
  }
  let first: { index: number; issues: ListedIssue[]; listed: string } | undefined;
  for (const { trigger, index } of manual) {
    const inputSchema = trigger.configuration.inputSchema;
    if (inputSchema === undefined) return;
    const result = compile(inputSchema, definition.id, index).safeParse(input);
    if (result.success) return;
    first ??= { index, ...listIssues(result.error) };
  }
  // Every manual trigger has a schema the input failed (a trigger without one returned above).
  const { index: firstIndex, issues, listed } = first!;
  throw new AgentryError({
    code: 'validation_failed',
    message: `The input of "${definition.id}" does not match the input schema of its manual trigger (triggers[${firstIndex}]): ${listed}.`,
    details: { workflowId: definition.id, trigger: `triggers[${firstIndex}]`, issues },
    suggestions: ["Fix the input at the paths listed, or change the trigger's inputSchema."],
  });
}

function compile(schema: Record<string, unknown>, workflowId: string, index: number): z.ZodType {
  const cached = compiled.get(schema);
  if (cached) return cached;
  let result: z.ZodType;
  try {
    result = z.fromJSONSchema(schema);
  } catch (error) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The inputSchema of "${workflowId}" at triggers[${index}].configuration.inputSchema is not a JSON Schema that can be checked: ${error instanceof Error ? error.message : String(error)}`,
      details: { workflowId, path: `triggers[${index}].configuration.inputSchema` },
      suggestions: ['Write the inputSchema as JSON Schema (draft 2020-12 or draft 7).'],
      cause: error,
    });
  }
  compiled.set(schema, result);
  return result;
}
