import { jsonRecordSchema, retryPolicySchema } from '@agentry/core';
import { z } from 'zod';
import { conditionSchema } from './condition.js';
import { stepIdSchema, stepTargetSchema, workflowIdSchema } from './identifiers.js';

const milliseconds = (what: string) =>
  z
    .int({ error: `${what} must be a positive integer number of milliseconds.` })
    .positive({ error: `${what} must be a positive integer number of milliseconds.` });

/** The fields every step has, whatever its type. */
const stepBase = {
  /** Unique within the workflow; see {@link STEP_ID_PATTERN}. */
  id: stepIdSchema,
  /** A name people read. */
  name: z.string().min(1, { error: 'A step needs a name.' }),
  /** What the step is for. */
  description: z.string().optional(),
  /** What the step receives: JSON with `{ "$ref": … }` references, resolved before it runs. */
  inputs: jsonRecordSchema.default({}),
  /** The outputs the step declares, by name (each a JSON Schema or a note), for tools and readers. */
  outputs: jsonRecordSchema.default({}),
  /** How long one attempt may take, in milliseconds. */
  timeout: milliseconds('timeout').optional(),
  /** Retries of this step; `maxAttempts` counts the first attempt. */
  retryPolicy: retryPolicySchema.optional(),
};

/** Where control goes after a non-decision step: defaults to the next step in array order. */
const nextField = {
  /** The step that runs after this one, or `"$end"`; defaults to the next step in array order. */
  next: stepTargetSchema.optional(),
};

/**
 * What an agent task does: sends `prompt` to an agent. `{{name}}` placeholders in the prompt are
 * filled from the step's resolved `inputs`, so every placeholder must name an input.
 *
 * @example
 * ```ts
 * agentTaskSchema.parse({ prompt: 'Summarise this ticket: {{ticket}}', model: 'openai:gpt-4o-mini' });
 * ```
 */
export const agentTaskSchema = z.strictObject({
  /** The prompt template; `{{name}}` reads the input `name`. */
  prompt: z.string().min(1, { error: 'An agent task needs a prompt.' }),
  /** The model as `provider:model`; defaults to the configuration's default model. */
  model: z.string().min(1).optional(),
  /** System instructions for the agent. */
  instructions: z.string().optional(),
  /** Names of registered tools the agent may call. */
  tools: z.array(z.string().min(1)).optional(),
  /** The most model calls the agent makes for this step. */
  maxSteps: z.int().positive().optional(),
});

/**
 * What an agent task does; see {@link agentTaskSchema}.
 *
 * @example
 * ```ts
 * import type { AgentTask } from '@agentry/workflows';
 *
 * // The `configuration.agent` of a task step written as JSON data.
 * const summarize: AgentTask = {
 *   prompt: 'Summarize the call transcript: {{transcript}}',
 *   instructions: 'Three bullet points, no more.',
 *   tools: ['lookup_customer'],
 *   maxSteps: 3,
 * };
 * ```
 */
export type AgentTask = z.infer<typeof agentTaskSchema>;

/**
 * A `task` step: it either calls a handler registered with the runner by name, or runs an agent
 * with a prompt template (exactly one of `handler` and `agent`).
 *
 * @example
 * ```ts
 * taskStepSchema.parse({ id: 'fetch', name: 'Fetch order', type: 'task', configuration: { handler: 'orders.fetch' } });
 * ```
 */
export const taskStepSchema = z.strictObject({
  ...stepBase,
  ...nextField,
  /** A task step. */
  type: z.literal('task'),
  /** A handler name, or an agent. */
  configuration: z.union(
    [
      z.strictObject({
        /** The name of a handler registered with the runner. */
        handler: z.string().min(1, { error: 'A handler name cannot be empty.' }),
      }),
      z.strictObject({
        /** The agent that does the task. */
        agent: agentTaskSchema,
      }),
    ],
    { error: 'A task configuration is { "handler": "<name>" } or { "agent": { "prompt": … } }.' },
  ),
});

/**
 * A `task` step; see {@link taskStepSchema}.
 *
 * @example
 * ```ts
 * import type { TaskStep } from '@agentry/workflows';
 *
 * // A task step as plain data (what the builder's task() writes).
 * const ship: TaskStep = {
 *   id: 'ship',
 *   name: 'Ship the order',
 *   type: 'task',
 *   configuration: { handler: 'orders.ship' },
 *   inputs: { orderId: { $ref: 'input.orderId' } },
 *   outputs: {},
 *   next: '$end',
 * };
 * ```
 */
export type TaskStep = z.infer<typeof taskStepSchema>;

/**
 * One branch of a decision: when `condition` holds, control goes to `next`. Branches are tried
 * in order and the first that holds wins.
 *
 * @example
 * ```ts
 * decisionBranchSchema.parse({ condition: { op: 'gt', left: { $ref: 'input.total' }, right: 100 }, next: 'review' });
 * ```
 */
export const decisionBranchSchema = z.strictObject({
  /** A label for diagrams; defaults to the condition written out. */
  label: z.string().optional(),
  /** When the branch is taken. */
  condition: conditionSchema,
  /** The step that runs when it is, or `"$end"`. */
  next: stepTargetSchema,
});

/**
 * One branch of a decision; see {@link decisionBranchSchema}.
 *
 * @example
 * ```ts
 * import type { DecisionBranch } from '@agentry/workflows';
 *
 * const urgent: DecisionBranch = {
 *   label: 'urgent',
 *   condition: { op: 'eq', left: { $ref: 'steps.triage.output.priority' }, right: 'high' },
 *   next: 'page-oncall',
 * };
 * ```
 */
export type DecisionBranch = z.infer<typeof decisionBranchSchema>;

/**
 * A `decision` step: it routes the run to the `next` of the first branch whose condition holds,
 * or to `default`. A decision has no `next` of its own.
 *
 * @example
 * ```ts
 * decisionStepSchema.parse({
 *   id: 'route', name: 'Route', type: 'decision',
 *   configuration: {
 *     branches: [{ condition: { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 }, next: 'review' }],
 *     default: 'ship',
 *   },
 * });
 * ```
 */
export const decisionStepSchema = z.strictObject({
  ...stepBase,
  /** A decision step. */
  type: z.literal('decision'),
  /** Ordered branches and the default target. */
  configuration: z.strictObject({
    /** Tried in order; the first whose condition holds is taken. */
    branches: z
      .array(decisionBranchSchema)
      .min(1, { error: 'A decision needs at least one branch.' }),
    /** Where control goes when no branch holds, a step id or `"$end"`. */
    default: stepTargetSchema,
  }),
});

/**
 * A `decision` step; see {@link decisionStepSchema}.
 *
 * @example
 * ```ts
 * import { workflowStepSchema, type DecisionStep } from '@agentry/workflows';
 *
 * const route: DecisionStep = {
 *   id: 'route',
 *   name: 'Route by size',
 *   type: 'decision',
 *   inputs: {},
 *   outputs: {},
 *   configuration: {
 *     branches: [{ condition: { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 1000 }, next: 'review' }],
 *     default: 'ship',
 *   },
 * };
 * workflowStepSchema.parse(route);
 * ```
 */
export type DecisionStep = z.infer<typeof decisionStepSchema>;

/**
 * One branch of a parallel step: the ids of steps (listed elsewhere in the workflow's `steps`)
 * that run in this order, one after the other. A step belongs to at most one branch, and branch
 * steps take no `next` and are never decisions.
 *
 * @example
 * ```ts
 * parallelBranchSchema.parse({ name: 'enrich', steps: ['lookup-customer', 'score-customer'] });
 * ```
 */
export const parallelBranchSchema = z.strictObject({
  /** A name for diagrams and events. */
  name: z.string().optional(),
  /** Step ids, run in order. */
  steps: z.array(stepIdSchema).min(1, { error: 'A parallel branch needs at least one step.' }),
});

/**
 * One branch of a parallel step; see {@link parallelBranchSchema}.
 *
 * @example
 * ```ts
 * import type { ParallelBranch } from '@agentry/workflows';
 *
 * // A named branch runs its steps in order; branches of one parallel step run side by side.
 * const stock: ParallelBranch = { name: 'stock', steps: ['reserve-stock', 'confirm-stock'] };
 * ```
 */
export type ParallelBranch = z.infer<typeof parallelBranchSchema>;

/**
 * A `parallel` step: it runs its branches at the same time (at most `concurrency` at once) and
 * continues with its `next` when they are done. `onBranchFailure` says what a failed branch does:
 * `fail-fast` cancels the others and fails the step, `wait-all` lets the others finish and then
 * fails, `ignore` carries on without the failed branch's outputs.
 *
 * @example
 * ```ts
 * parallelStepSchema.parse({
 *   id: 'enrich', name: 'Enrich', type: 'parallel',
 *   configuration: { branches: [{ steps: ['crm'] }, { steps: ['billing'] }], onBranchFailure: 'wait-all' },
 * });
 * ```
 */
export const parallelStepSchema = z.strictObject({
  ...stepBase,
  ...nextField,
  /** A parallel step. */
  type: z.literal('parallel'),
  /** Branches, concurrency and the failure policy. */
  configuration: z.strictObject({
    /** The branches. */
    branches: z
      .array(parallelBranchSchema)
      .min(1, { error: 'A parallel step needs at least one branch.' }),
    /** How many branches run at once; defaults to all of them. */
    concurrency: z
      .int({ error: 'concurrency must be a positive integer.' })
      .positive({ error: 'concurrency must be a positive integer.' })
      .optional(),
    /** What a failed branch does. */
    onBranchFailure: z
      .literal(['fail-fast', 'wait-all', 'ignore'], {
        error: 'onBranchFailure must be "fail-fast", "wait-all" or "ignore".',
      })
      .default('fail-fast'),
  }),
});

/**
 * A `parallel` step; see {@link parallelStepSchema}.
 *
 * @example
 * ```ts
 * import type { ParallelStep } from '@agentry/workflows';
 *
 * const checks: ParallelStep = {
 *   id: 'checks',
 *   name: 'Checks',
 *   type: 'parallel',
 *   inputs: {},
 *   outputs: {},
 *   configuration: {
 *     branches: [{ steps: ['check-stock'] }, { steps: ['check-fraud'] }],
 *     concurrency: 2,
 *     onBranchFailure: 'fail-fast',
 *   },
 *   next: 'ship',
 * };
 * ```
 */
export type ParallelStep = z.infer<typeof parallelStepSchema>;

/**
 * A `subgraph` step: it runs another workflow. The child's input is `inputMapping` with its
 * references resolved; the step's output is the child's output, or, with `outputMapping`, an
 * object whose keys are read from the child's output by dotted path (`"invoice.total"`). A
 * subgraph step takes its data from `inputMapping`, so its `inputs` stay empty.
 *
 * @example
 * ```ts
 * subgraphStepSchema.parse({
 *   id: 'ship', name: 'Ship', type: 'subgraph',
 *   configuration: { workflowId: 'shipping', inputMapping: { orderId: { $ref: 'input.orderId' } }, outputMapping: { tracking: 'label.tracking' } },
 * });
 * ```
 */
export const subgraphStepSchema = z.strictObject({
  ...stepBase,
  ...nextField,
  /** A subgraph step. */
  type: z.literal('subgraph'),
  /** The child workflow and how data goes in and out. */
  configuration: z.strictObject({
    /** The id of the workflow to run. */
    workflowId: workflowIdSchema,
    /** The child's input: JSON with `{ "$ref": … }` references. */
    inputMapping: jsonRecordSchema.default({}),
    /** Output keys to dotted paths in the child's output. */
    outputMapping: z
      .record(
        z.string(),
        z.string().regex(/^[^.]+(\.[^.]+)*$/, {
          error: 'An output path is dotted keys such as "invoice.total".',
        }),
      )
      .optional(),
  }),
});

/**
 * A `subgraph` step; see {@link subgraphStepSchema}.
 *
 * @example
 * ```ts
 * import type { SubgraphStep } from '@agentry/workflows';
 *
 * const refund: SubgraphStep = {
 *   id: 'refund',
 *   name: 'Refund',
 *   type: 'subgraph',
 *   inputs: {},
 *   outputs: {},
 *   configuration: {
 *     workflowId: 'refund',
 *     inputMapping: { orderId: { $ref: 'input.orderId' } },
 *     outputMapping: { refundId: 'refund.id' },
 *   },
 * };
 * ```
 */
export type SubgraphStep = z.infer<typeof subgraphStepSchema>;

/**
 * A step of a workflow, one of four types told apart by `type`: `task`, `decision`, `parallel`
 * and `subgraph`.
 *
 * Control flow: the run starts at the first step that is not inside a parallel branch. After a
 * step, control goes to its `next`, or, without one, to the next step in array order that is not
 * inside a parallel branch; after the last, the run ends. A decision goes to the `next` of its
 * first matching branch or to its `default`. A parallel step runs its branches' steps and then
 * goes on to its own `next`.
 *
 * @example
 * ```ts
 * workflowStepSchema.parse({ id: 'fetch', name: 'Fetch', type: 'task', configuration: { handler: 'orders.fetch' } });
 * ```
 */
export const workflowStepSchema = z.discriminatedUnion(
  'type',
  [taskStepSchema, decisionStepSchema, parallelStepSchema, subgraphStepSchema],
  { error: 'A step type must be "task", "decision", "parallel" or "subgraph".' },
);

/**
 * A step of a workflow; see {@link workflowStepSchema}.
 *
 * @example
 * ```ts
 * import type { WorkflowStep } from '@agentry/workflows';
 *
 * // Narrow on `type` to read a step's configuration.
 * function describe(step: WorkflowStep): string {
 *   switch (step.type) {
 *     case 'task':
 *       return 'handler' in step.configuration ? `calls ${step.configuration.handler}` : 'runs an agent';
 *     case 'decision':
 *       return `${step.configuration.branches.length} branches`;
 *     case 'parallel':
 *       return `${step.configuration.branches.length} branches side by side`;
 *     case 'subgraph':
 *       return `runs ${step.configuration.workflowId}`;
 *   }
 * }
 * ```
 */
export type WorkflowStep = z.infer<typeof workflowStepSchema>;

/**
 * The four step types.
 *
 * @example
 * ```ts
 * import { workflowStepTypes, type WorkflowStepType } from '@agentry/workflows';
 *
 * const kinds: readonly WorkflowStepType[] = workflowStepTypes; // task, decision, parallel, subgraph
 * ```
 */
export type WorkflowStepType = WorkflowStep['type'];

/** The four step types, in the order the specification lists them. */
export const workflowStepTypes: readonly WorkflowStepType[] = [
  'task',
  'decision',
  'parallel',
  'subgraph',
];
