import type { AuthorizationPrincipal, Logger } from '@agentry/core';

/**
 * What a task handler receives beside its resolved input.
 *
 * @example
 * ```ts
 * import type { TaskContext } from '@agentry/workflows';
 *
 * declare const payments: { charge(input: unknown, options: { idempotencyKey: string; signal: AbortSignal }): Promise<unknown> };
 * export async function charge(input: Record<string, unknown>, ctx: TaskContext): Promise<unknown> {
 *   ctx.logger.info({ amount: input.amount }, 'charging'); // bound to workflow, run, step and attempt
 *   return payments.charge(input, { idempotencyKey: ctx.idempotencyKey, signal: ctx.signal });
 * }
 * ```
 */
export interface TaskContext {
  /** Aborts when the attempt times out, the run is cancelled or the runner closes. */
  signal: AbortSignal;
  /**
   * `<runId>:<stepId>`: the same for every attempt of the step, and after a crash. Pass it to the
   * systems the handler changes so that a repeated attempt is recognised there.
   */
  idempotencyKey: string;
  /** The attempt, from 1; a repeat after a crash has the number of the interrupted attempt. */
  attempt: number;
  /** The run. */
  runId: string;
  /** The step. */
  stepId: string;
  /** The workflow. */
  workflowId: string;
  /**
   * A logger bound to `{ workflowId, runId, stepId, attempt }`: the runner's `logger` (for a runner
   * made from an Agentry instance, the instance's logger, which monitoring provides).
   */
  logger: Logger;
}

/**
 * A task handler: receives the step's resolved inputs and returns the step's output (JSON).
 *
 * @example
 * ```ts
 * const handlers: Record<string, TaskHandler> = { 'orders.fetch': async ({ orderId }) => db.orders.get(orderId) };
 * ```
 */
export type TaskHandler = (input: Record<string, unknown>, ctx: TaskContext) => unknown;

/** What {@link RunAgent} receives. *
 * @example
 * ```ts
 * const runAgent = async ({ prompt, agent, signal }: RunAgentRequest) => callModel(agent.model, prompt, signal);
 * ```
 */
export interface RunAgentRequest {
  /** The step's prompt with every `{{name}}` filled from the resolved inputs. */
  prompt: string;
  /** The resolved inputs. */
  input: Record<string, unknown>;
  /** The agent configuration of the step (its `configuration.agent` without the prompt). */
  agent: {
    /** The model as `provider:model`, when the step names one. */
    model?: string;
    /** System instructions for the agent, when the step gives them. */
    instructions?: string;
    /** Names of registered tools the agent may call, when the step lists them. */
    tools?: string[];
    /** The most model calls the agent makes for this step, when the step limits them. */
    maxSteps?: number;
  };
  /** Aborts on timeout, cancel or close. */
  signal: AbortSignal;
  /** As {@link TaskContext.idempotencyKey}. */
  idempotencyKey: string;
  /**
   * The principal the run acts for (`StartRunOptions.principal`), when it has one: the agent is
   * sent the prompt on its behalf, so each of its tool calls is authorized for it at that moment.
   */
  principal?: AuthorizationPrincipal;
}

/**
 * Runs an agent task. Injected, so the runner depends on no provider.
 *
 * @example
 * ```ts
 * const runAgent: RunAgent = async ({ prompt, signal }) => (await agent.run(prompt, { signal })).text;
 * ```
 */
export type RunAgent = (request: RunAgentRequest) => unknown;
