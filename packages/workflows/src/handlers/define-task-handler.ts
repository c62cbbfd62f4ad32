import { AgentryError } from '@agentry/core';
import type { z } from 'zod';
import { listIssues } from '../definitions/list-issues.js';
import type { TaskContext, TaskHandler } from '../runner/runner-types.js';

const definedHandler = Symbol.for('agentry.workflows.task-handler');

/**
 * A task handler with schemas, made by {@link defineTaskHandler}: its input is checked before it
 * runs and its output before the step ends.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import { createWorkflowRunner, defineTaskHandler, workflow, type DefinedTaskHandler } from '@agentry/workflows';
 * import { z } from 'zod';
 *
 * const greet: DefinedTaskHandler<{ name: string }, string> = defineTaskHandler({
 *   input: z.object({ name: z.string() }),
 *   run: ({ name }) => `Hello, ${name}!`,
 * });
 * const definition = workflow('greet').trigger({ type: 'manual' }).task('hello', { handler: 'greet' }).build();
 * const runner = createWorkflowRunner({
 *   store: createMemoryStore(),
 *   registry: { greet: definition },
 *   handlers: { greet }, // registered by name, beside plain functions
 * });
 * ```
 */
export interface DefinedTaskHandler<TInput = unknown, TOutput = unknown> {
  /** Marks the object as a defined handler. */
  readonly [definedHandler]: true;
  /** The schema of the step's resolved inputs. */
  readonly input?: z.ZodType<TInput>;
  /** The schema of what the handler returns. */
  readonly output?: z.ZodType<TOutput>;
  /** Does the work, given the parsed input. */
  run(input: TInput, ctx: TaskContext): TOutput | Promise<TOutput>;
}

/**
 * What {@link defineTaskHandler} takes.
 *
 * @example
 * ```ts
 * import { defineTaskHandler, type TaskHandlerDefinition } from '@agentry/workflows';
 * import { z } from 'zod';
 *
 * const input = z.object({ orderId: z.string() });
 * const output = z.object({ total: z.number() });
 * // Input and output are validated against the schemas; `run` sees the parsed, typed input.
 * const definition: TaskHandlerDefinition<z.infer<typeof input>, z.infer<typeof output>> = {
 *   input,
 *   output,
 *   run: async ({ orderId }, ctx) => {
 *     const response = await fetch(`https://shop.example.com/orders/${orderId}`, { signal: ctx.signal });
 *     return output.parse(await response.json());
 *   },
 * };
 * export const fetchOrder = defineTaskHandler(definition);
 * ```
 */
export interface TaskHandlerDefinition<TInput, TOutput> {
  /**
   * The schema of the step's resolved inputs. A step whose inputs do not match fails its attempt
   * with `validation_failed` before the handler runs, and is not retried; the handler receives
   * the parsed value (defaults and transforms applied).
   */
  input?: z.ZodType<TInput>;
  /**
   * The schema of what the handler returns. Output that does not match fails the attempt with
   * `validation_failed` (not retried) and is never journaled; the parsed value is the step output.
   */
  output?: z.ZodType<TOutput>;
  /** Does the work. */
  run(input: TInput, ctx: TaskContext): TOutput | Promise<TOutput>;
}

/**
 * What the runner's `handlers` option holds: plain functions or handlers with schemas.
 *
 * @example
 * ```ts
 * import { defineTaskHandler, type AnyTaskHandler } from '@agentry/workflows';
 * import { z } from 'zod';
 *
 * // A runner's handlers may mix plain functions and handlers with schemas.
 * const handlers: Record<string, AnyTaskHandler> = {
 *   'orders.ship': async (input, ctx) => ({ shipped: input.orderId, key: ctx.idempotencyKey }),
 *   'orders.fetch': defineTaskHandler({
 *     input: z.object({ orderId: z.string() }),
 *     run: ({ orderId }) => ({ orderId, total: 120 }),
 *   }),
 * };
 * ```
 */
export type AnyTaskHandler = TaskHandler | DefinedTaskHandler<unknown, unknown>;

/**
 * Declares a task handler with zod schemas for its input and output, typed from them. Steps that
 * call it get their resolved inputs checked before it runs, and its output checked before the step
 * ends, each failure a clear `validation_failed` error naming the step, the handler and the paths.
 *
 * @example
 * ```ts
 * const charge = defineTaskHandler({
 *   input: z.object({ orderId: z.string(), amount: z.number().positive() }),
 *   output: z.object({ chargeId: z.string() }),
 *   run: ({ orderId, amount }, ctx) =>
 *     payments.charge({ orderId, amount }, { idempotencyKey: ctx.idempotencyKey }),
 * });
 * createWorkflowRunner({ store, registry, handlers: { 'orders.charge': charge } });
 * ```
 */
export function defineTaskHandler<TInput = Record<string, unknown>, TOutput = unknown>(
  definition: TaskHandlerDefinition<TInput, TOutput>,
): DefinedTaskHandler<TInput, TOutput> {
  return {
    [definedHandler]: true,
    ...(definition.input === undefined ? {} : { input: definition.input }),
    ...(definition.output === undefined ? {} : { output: definition.output }),
    run: (input, ctx) => definition.run(input, ctx),
  };
}

/**
 * Calls a handler of the runner's `handlers`: a plain function directly, a defined one with its
 * input parsed first and its output parsed after.
 *
 * @internal
 */
export async function invokeTaskHandler(
  handler: AnyTaskHandler,
  name: string,
  input: Record<string, unknown>,
  ctx: TaskContext,
): Promise<unknown> {
  if (typeof handler === 'function') return handler(input, ctx);
  const defined = handler;
  const parsedInput = defined.input ? check(defined.input, input, 'input', name, ctx) : input;
  const output = await defined.run(parsedInput, ctx);
  return defined.output ? check(defined.output, output, 'output', name, ctx) : output;
}

function check(
  schema: z.ZodType,
  value: unknown,
  side: 'input' | 'output',
  name: string,
  ctx: TaskContext,
): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { issues, listed } = listIssues(result.error);
  throw new AgentryError({
    code: 'validation_failed',
    recoverable: false,
    message:
      side === 'input'
        ? `The inputs of step "${ctx.stepId}" of "${ctx.workflowId}" do not match the input schema of the handler "${name}": ${listed}.`
        : `The handler "${name}" of step "${ctx.stepId}" of "${ctx.workflowId}" returned output that does not match its output schema: ${listed}.`,
    details: { workflowId: ctx.workflowId, stepId: ctx.stepId, handler: name, side, issues },
    suggestions: [
      side === 'input'
        ? `Fix the step's inputs at the paths listed, or the handler's input schema.`
        : `Fix what the handler returns, or its output schema.`,
    ],
  });
}
