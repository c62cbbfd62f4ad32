import { z } from 'zod';
import { errorHandlingStrategySchema } from './error-handling-strategy.js';
import { workflowIdSchema } from './identifiers.js';
import { workflowStepSchema } from './workflow-step.js';
import { workflowTriggerSchema } from './workflow-trigger.js';

/**
 * The shape of a workflow definition, per the specification: plain JSON data that can be stored,
 * versioned, diffed and drawn. This schema checks the shape of each part; the rules that span
 * parts (unique ids, references, cycles, reachability, at least one trigger, error handling on
 * non-trivial workflows) are checked by {@link validateWorkflow}, which also runs this schema.
 *
 * `parallel` says whether several runs of this workflow may be in progress at once; `false`
 * makes the runner queue a new run until the previous one ends. Parallelism inside a run is
 * written with `parallel` steps. `errorHandling` may be left out only on a trivial workflow
 * (see {@link isTrivialWorkflow}).
 *
 * @example
 * ```ts
 * workflowDefinitionSchema.parse({
 *   id: 'greet', name: 'Greet', description: 'Says hello.', parallel: true,
 *   triggers: [{ type: 'manual' }],
 *   steps: [{ id: 'hello', name: 'Hello', type: 'task', configuration: { handler: 'greet' } }],
 * });
 * ```
 */
export const workflowDefinitionSchema = z.strictObject({
  /** Unique among workflows; see {@link WORKFLOW_ID_PATTERN}. */
  id: workflowIdSchema,
  /** A name people read. */
  name: z.string().min(1, { error: 'A workflow needs a name.' }),
  /** What the workflow does. */
  description: z.string().default(''),
  /** The steps; control flow is described on {@link workflowStepSchema}. */
  steps: z.array(workflowStepSchema),
  /** What starts a run; at least one. */
  triggers: z.array(workflowTriggerSchema),
  /** What a run does when a step fails. */
  errorHandling: errorHandlingStrategySchema.optional(),
  /** Whether several runs may be in progress at once. */
  parallel: z.boolean({ error: 'parallel must be true or false.' }).default(false),
});

/**
 * A workflow definition as data; see {@link workflowDefinitionSchema}.
 *
 * @example
 * ```ts
 * import { type WorkflowDefinition } from '@agentry/workflows';
 *
 * const definition: WorkflowDefinition = {
 *   id: 'greet', name: 'Greet', description: '', parallel: false,
 *   triggers: [{ type: 'manual', configuration: {} }],
 *   steps: [{ id: 'hello', name: 'Hello', type: 'task', inputs: {}, outputs: {}, configuration: { handler: 'greet' } }],
 * };
 * ```
 */
export type WorkflowDefinition = z.infer<typeof workflowDefinitionSchema>;

/**
 * A workflow definition as it may be written, before defaults are filled in (`description`,
 * `parallel`, step `inputs` and `outputs`, trigger configurations).
 *
 * @example
 * ```ts
 * import { validateWorkflow, type WorkflowDefinitionInput } from '@agentry/workflows';
 *
 * // As written by hand: description, parallel, step inputs and outputs may be left out.
 * const input: WorkflowDefinitionInput = {
 *   id: 'greet',
 *   name: 'Greet',
 *   triggers: [{ type: 'manual' }],
 *   steps: [{ id: 'hello', name: 'Hello', type: 'task', configuration: { handler: 'greet' } }],
 * };
 * const { definition } = validateWorkflow(input); // with the defaults filled in
 * ```
 */
export type WorkflowDefinitionInput = z.input<typeof workflowDefinitionSchema>;

/**
 * Tells whether a workflow is trivial, and so may leave out `errorHandling`: it has exactly one
 * step, and that step is a task calling a handler (not an agent). Any workflow with more than
 * one step, or with a decision, parallel, subgraph or agent step, is non-trivial.
 *
 * @example
 * ```ts
 * isTrivialWorkflow({ steps: [{ type: 'task', configuration: { handler: 'greet' } }] }); // true
 * ```
 */
export function isTrivialWorkflow(definition: {
  readonly steps: readonly { readonly type?: unknown; readonly configuration?: unknown }[];
}): boolean {
  if (definition.steps.length !== 1) return false;
  const [step] = definition.steps;
  if (step?.type !== 'task') return false;
  const configuration = step.configuration;
  return (
    typeof configuration === 'object' &&
    configuration !== null &&
    !Object.hasOwn(configuration, 'agent')
  );
}
