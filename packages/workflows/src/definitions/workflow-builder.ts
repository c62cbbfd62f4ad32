import type { RetryPolicy } from '@agentry/core';
import type { ErrorHandlingStrategy } from './error-handling-strategy.js';
import type { StepTarget } from './identifiers.js';
import { assertValidWorkflow, type ValidateWorkflowOptions } from './validate-workflow.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import type {
  AgentTask,
  DecisionBranch,
  ParallelBranch,
  ParallelStep,
  WorkflowStep,
} from './workflow-step.js';
import type { WorkflowTrigger } from './workflow-trigger.js';
import type { z } from 'zod';
import type { workflowTriggerSchema } from './workflow-trigger.js';

/**
 * Options every step method of {@link WorkflowBuilder} takes.
 *
 * @example
 * ```ts
 * import { input, workflow, type StepOptions } from '@agentry/workflows';
 *
 * // What every step method takes: a readable name, inputs, a timeout and retries.
 * const fetchOrder: StepOptions = {
 *   name: 'Fetch the order',
 *   inputs: { orderId: input('orderId') },
 *   timeout: 10_000,
 *   retryPolicy: { maxAttempts: 3, baseDelay: 500, maxDelay: 5_000, jitter: true },
 * };
 * const definition = workflow('orders')
 *   .trigger({ type: 'manual' })
 *   .task('fetch', { handler: 'orders.fetch', ...fetchOrder })
 *   .build();
 * ```
 */
export interface StepOptions {
  /** A name people read; defaults to the step id. */
  name?: string;
  /** What the step is for. */
  description?: string;
  /** What the step receives, with `{ $ref }` references (see {@link ref}, {@link input}, {@link output}). */
  inputs?: Record<string, unknown>;
  /** The outputs the step declares. */
  outputs?: Record<string, unknown>;
  /** How long one attempt may take, in milliseconds. */
  timeout?: number;
  /** Retries of this step; `maxAttempts` counts the first attempt. */
  retryPolicy?: RetryPolicy;
}

/**
 * Options of steps that can say where control goes next.
 *
 * @example
 * ```ts
 * import { END, conditions, output, workflow, type FlowStepOptions } from '@agentry/workflows';
 *
 * // "review" is added last but goes on to "ship"; without `next` it would follow the order added.
 * const backToShipping: FlowStepOptions = { name: 'Human review', next: 'ship' };
 * const definition = workflow('orders')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .task('fetch', { handler: 'orders.fetch' })
 *   .decision('route', {
 *     branches: [{ condition: conditions.gt(output('fetch', 'total'), 1000), next: 'review' }],
 *     default: 'ship',
 *   })
 *   .task('ship', { handler: 'orders.ship', next: END })
 *   .task('review', { handler: 'orders.review', ...backToShipping })
 *   .build();
 * ```
 */
export interface FlowStepOptions extends StepOptions {
  /** The step after this one, or `"$end"`; defaults to the next step in order. */
  next?: StepTarget;
}

/**
 * Options of {@link WorkflowBuilder.task}.
 *
 * @example
 * ```ts
 * import { input, workflow, type TaskStepOptions } from '@agentry/workflows';
 *
 * // Calls the handler registered under "invoices.create" with the run's customer id.
 * const createInvoice: TaskStepOptions = {
 *   handler: 'invoices.create',
 *   inputs: { customerId: input('customerId') },
 *   timeout: 30_000,
 * };
 * const definition = workflow('billing').trigger({ type: 'manual' }).task('invoice', createInvoice).build();
 * ```
 */
export interface TaskStepOptions extends FlowStepOptions {
  /** The name of the handler registered with the runner. */
  handler: string;
}

/**
 * Options of {@link WorkflowBuilder.agent}: the agent task and the step options.
 *
 * @example
 * ```ts
 * import { output, workflow, type AgentStepOptions } from '@agentry/workflows';
 *
 * // `{{ticket}}` in the prompt reads the input `ticket`.
 * const triage: AgentStepOptions = {
 *   prompt: 'Classify this support ticket as bug, question or request: {{ticket}}',
 *   model: 'openai:gpt-5.4-mini',
 *   inputs: { ticket: output('load') },
 *   maxSteps: 2,
 * };
 * const definition = workflow('support')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .task('load', { handler: 'tickets.load' })
 *   .agent('triage', triage)
 *   .build();
 * ```
 */
export type AgentStepOptions = FlowStepOptions & AgentTask;

/**
 * Options of {@link WorkflowBuilder.decision}.
 *
 * @example
 * ```ts
 * import { conditions, output, workflow, type DecisionStepOptions } from '@agentry/workflows';
 *
 * // Orders over 1000 go to a person; the rest ship straight away.
 * const route: DecisionStepOptions = {
 *   branches: [{ label: 'large', condition: conditions.gt(output('fetch', 'total'), 1000), next: 'review' }],
 *   default: 'ship',
 * };
 * const definition = workflow('orders')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .task('fetch', { handler: 'orders.fetch' })
 *   .decision('route', route)
 *   .task('review', { handler: 'orders.review', next: 'ship' })
 *   .task('ship', { handler: 'orders.ship' })
 *   .build();
 * ```
 */
export interface DecisionStepOptions extends StepOptions {
  /** Tried in order; the first whose condition holds is taken. */
  branches: DecisionBranch[];
  /** Where control goes when no branch holds. */
  default: StepTarget;
}

/**
 * Options of {@link WorkflowBuilder.parallel}.
 *
 * @example
 * ```ts
 * import { workflow, type ParallelStepOptions } from '@agentry/workflows';
 *
 * // Both checks run at once; the run waits for both even when one fails.
 * const checks: ParallelStepOptions = {
 *   branches: [{ name: 'stock', steps: ['check-stock'] }, ['check-fraud']],
 *   onBranchFailure: 'wait-all',
 *   next: 'ship',
 * };
 * const definition = workflow('orders')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .parallel('checks', checks)
 *   .task('check-stock', { handler: 'stock.check' })
 *   .task('check-fraud', { handler: 'fraud.check' })
 *   .task('ship', { handler: 'orders.ship' })
 *   .build();
 * ```
 */
export interface ParallelStepOptions extends FlowStepOptions {
  /** Branches: each a list of step ids, or a named branch. */
  branches: (string[] | ParallelBranch)[];
  /** How many branches run at once; defaults to all. */
  concurrency?: number;
  /** What a failed branch does; defaults to `fail-fast`. */
  onBranchFailure?: ParallelStep['configuration']['onBranchFailure'];
}

/**
 * Options of {@link WorkflowBuilder.subgraph}.
 *
 * @example
 * ```ts
 * import { input, workflow, type SubgraphStepOptions } from '@agentry/workflows';
 *
 * // Runs the "refund" workflow as a child and keeps the refund id from its output.
 * const refund: SubgraphStepOptions = {
 *   workflowId: 'refund',
 *   inputMapping: { orderId: input('orderId') },
 *   outputMapping: { refundId: 'refund.id' },
 * };
 * const definition = workflow('returns')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .subgraph('refund', refund)
 *   .build();
 * ```
 */
export interface SubgraphStepOptions extends FlowStepOptions {
  /** The workflow to run. */
  workflowId: string;
  /** The child's input, with `{ $ref }` references. */
  inputMapping?: Record<string, unknown>;
  /** Output keys to dotted paths in the child's output. */
  outputMapping?: Record<string, string>;
}

/**
 * A trigger as it may be written: a manual trigger's configuration may be left out.
 *
 * @example
 * ```ts
 * import { workflow, type WorkflowTriggerInput } from '@agentry/workflows';
 *
 * // A manual trigger may leave out its configuration.
 * const manual: WorkflowTriggerInput = { type: 'manual' };
 * const definition = workflow('report').trigger(manual).task('build', { handler: 'report.build' }).build();
 * ```
 */
export type WorkflowTriggerInput = z.input<typeof workflowTriggerSchema>;

/**
 * Builds a {@link WorkflowDefinition} step by step. The builder only writes data: `toJSON()`
 * returns the same plain object you would write by hand, and `build()` validates it with
 * {@link assertValidWorkflow}. Each method changes the builder and returns it.
 *
 * @example
 * ```ts
 * const definition = workflow('order-review')
 *   .name('Order review')
 *   .trigger({ type: 'manual' })
 *   .errorHandling({ retryAttempts: 2, backoffStrategy: 'exponential', fallbackAction: 'abort' })
 *   .task('fetch', { handler: 'orders.fetch', inputs: { orderId: input('orderId') } })
 *   .decision('route', {
 *     branches: [{ condition: conditions.gt(output('fetch', 'total'), 100), next: 'review' }],
 *     default: 'ship',
 *   })
 *   .agent('review', { prompt: 'Review order {{order}}', inputs: { order: output('fetch') }, next: 'ship' })
 *   .task('ship', { handler: 'orders.ship' })
 *   .build();
 * ```
 */
export class WorkflowBuilder {
  readonly #id: string;
  #name: string | undefined;
  #description = '';
  #parallel = false;
  #errorHandling: ErrorHandlingStrategy | undefined;
  readonly #triggers: WorkflowTrigger[] = [];
  readonly #steps: WorkflowStep[] = [];

  /** Starts a definition with the given workflow id; {@link workflow} is the short form. */
  constructor(id: string) {
    this.#id = id;
  }

  /** Sets the name people read; defaults to the id. */
  name(name: string): this {
    this.#name = name;
    return this;
  }

  /** Sets what the workflow does. */
  description(description: string): this {
    this.#description = description;
    return this;
  }

  /** Sets whether several runs may be in progress at once (the definition's `parallel`); default false. */
  concurrentRuns(allowed: boolean): this {
    this.#parallel = allowed;
    return this;
  }

  /** Adds a trigger; a manual trigger's configuration defaults to `{}`. */
  trigger(trigger: WorkflowTriggerInput): this {
    this.#triggers.push(
      trigger.type === 'manual'
        ? { type: 'manual', configuration: trigger.configuration ?? {} }
        : (trigger as WorkflowTrigger),
    );
    return this;
  }

  /** Sets what a run does when a step fails. */
  errorHandling(strategy: ErrorHandlingStrategy): this {
    this.#errorHandling = strategy;
    return this;
  }

  /** Adds a task step that calls a registered handler. */
  task(id: string, options: TaskStepOptions): this {
    const { handler, next, ...common } = options;
    return this.#add({
      ...base(id, common),
      type: 'task',
      configuration: { handler },
      ...withNext(next),
    });
  }

  /** Adds a task step that runs an agent; `{{name}}` in the prompt reads the input `name`. */
  agent(id: string, options: AgentStepOptions): this {
    const { prompt, model, instructions, tools, maxSteps, next, ...common } = options;
    const agent: AgentTask = { prompt };
    if (model !== undefined) agent.model = model;
    if (instructions !== undefined) agent.instructions = instructions;
    if (tools !== undefined) agent.tools = tools;
    if (maxSteps !== undefined) agent.maxSteps = maxSteps;
    return this.#add({
      ...base(id, common),
      type: 'task',
      configuration: { agent },
      ...withNext(next),
    });
  }

  /** Adds a decision step: the first branch whose condition holds is taken, else `default`. */
  decision(id: string, options: DecisionStepOptions): this {
    const { branches, default: fallback, ...common } = options;
    return this.#add({
      ...base(id, common),
      type: 'decision',
      configuration: { branches, default: fallback },
    });
  }

  /** Adds a parallel step; its branches list steps added elsewhere in the builder. */
  parallel(id: string, options: ParallelStepOptions): this {
    const { branches, concurrency, onBranchFailure, next, ...common } = options;
    const configuration: ParallelStep['configuration'] = {
      branches: branches.map((branch) => (Array.isArray(branch) ? { steps: branch } : branch)),
      onBranchFailure: onBranchFailure ?? 'fail-fast',
    };
    if (concurrency !== undefined) configuration.concurrency = concurrency;
    return this.#add({ ...base(id, common), type: 'parallel', configuration, ...withNext(next) });
  }

  /** Adds a subgraph step that runs another workflow. */
  subgraph(id: string, options: SubgraphStepOptions): this {
    const { workflowId, inputMapping, outputMapping, next, ...common } = options;
    const configuration: {
      workflowId: string;
      inputMapping: Record<string, unknown>;
      outputMapping?: Record<string, string>;
    } = {
      workflowId,
      inputMapping: inputMapping ?? {},
    };
    if (outputMapping !== undefined) configuration.outputMapping = outputMapping;
    return this.#add({ ...base(id, common), type: 'subgraph', configuration, ...withNext(next) });
  }

  /**
   * The definition as plain data, not validated; use it to inspect a draft or to see why
   * `build()` refuses it.
   */
  toJSON(): WorkflowDefinition {
    const definition: WorkflowDefinition = {
      id: this.#id,
      name: this.#name ?? this.#id,
      description: this.#description,
      steps: structuredClone(this.#steps),
      triggers: structuredClone(this.#triggers),
      parallel: this.#parallel,
    };
    if (this.#errorHandling !== undefined)
      definition.errorHandling = structuredClone(this.#errorHandling);
    return definition;
  }

  /**
   * Validates the definition and returns it.
   *
   * @param options - other workflows, handler and predicate names to check names against
   * @throws AgentryError `validation_failed` listing every problem (see {@link validateWorkflow})
   */
  build(options?: ValidateWorkflowOptions): WorkflowDefinition {
    return assertValidWorkflow(this.toJSON(), options);
  }

  #add(step: WorkflowStep): this {
    this.#steps.push(step);
    return this;
  }
}

function base(id: string, options: StepOptions) {
  const step: {
    id: string;
    name: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    description?: string;
    timeout?: number;
    retryPolicy?: RetryPolicy;
  } = {
    id,
    name: options.name ?? id,
    inputs: options.inputs ?? {},
    outputs: options.outputs ?? {},
  };
  if (options.description !== undefined) step.description = options.description;
  if (options.timeout !== undefined) step.timeout = options.timeout;
  if (options.retryPolicy !== undefined) step.retryPolicy = options.retryPolicy;
  return step;
}

function withNext(next: StepTarget | undefined): { next?: StepTarget } {
  return next === undefined ? {} : { next };
}

/**
 * Starts a {@link WorkflowBuilder} for the workflow `id`.
 *
 * @example
 * ```ts
 * const definition = workflow('greet').trigger({ type: 'manual' }).task('hello', { handler: 'greet' }).build();
 * ```
 */
export function workflow(id: string): WorkflowBuilder {
  return new WorkflowBuilder(id);
}
