import {
  AgentryError,
  findSerializationProblem,
  toAgentryError,
  type AgentryErrorJson,
  type Logger,
} from '@agentry/core';
import { resolveInputs, type SubgraphStep, type TaskStep } from '../definitions/index.js';
import { executeRun } from './execute-run.js';
import { renderPrompt } from './render-prompt.js';
import { isPromiseLike, runAttempt, untilAborted } from './run-attempt.js';
import type { RunContext } from './run-context.js';
import { createRun } from './run-journal.js';
import { readRunRecord } from './run-store.js';
import type { RunnerCore } from './runner-core.js';
import { ChildWaiting, RunInterrupted } from './runner-signals.js';
import { callThroughBreaker } from './step-breaker.js';
import { invokeTaskHandler } from '../handlers/define-task-handler.js';
import type { TaskContext } from './task-context.js';

/** One attempt of a task or subgraph step. @internal */
export interface StepAttempt {
  attempt: number;
  idempotencyKey: string;
  signal: AbortSignal;
  childRunId?: string;
}

/**
 * Runs one attempt of a task step (its handler or agent, under the step timeout and the
 * workflow's circuit breaker) or of a subgraph step (its child run), and returns the output.
 *
 * @internal
 * @throws whatever the attempt throws; `RunInterrupted` when the run stops meanwhile
 */
export async function attemptStep(
  core: RunnerCore,
  ctx: RunContext,
  step: TaskStep | SubgraphStep,
  attempt: StepAttempt,
): Promise<unknown> {
  if (step.type === 'subgraph')
    return attemptSubgraph(core, ctx, step, attempt.childRunId!, attempt.signal);
  const input = resolveInputs(step.inputs, {
    input: ctx.state.input,
    outputs: ctx.outputs,
  });
  const timeoutMs = step.timeout ?? core.defaults.stepTimeout;
  const guardedByBreaker = ctx.workflow.definition.errorHandling?.circuitBreaker !== undefined;
  if (!guardedByBreaker && timeoutMs === undefined) {
    // Most steps: the handler gets the run's signal, and only a pending result is watched.
    if (attempt.signal.aborted) throw new RunInterrupted();
    const result = callTask(core, ctx, step, input, attempt, attempt.signal);
    return toJsonOutput(
      isPromiseLike(result) ? await untilAborted(result, attempt.signal) : result,
      step.id,
    );
  }
  const work = (signal: AbortSignal) => callTask(core, ctx, step, input, attempt, signal);
  const guarded = () =>
    runAttempt(work, {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      outer: attempt.signal,
      clock: core.clock,
      stepId: step.id,
    });
  // An interruption (a plain Error) gives the breaker's permit back: it says nothing of the
  // dependency.
  const output = guardedByBreaker
    ? await callThroughBreaker(core, ctx, step, guarded)
    : await guarded();
  return toJsonOutput(output, step.id);
}

/**
 * Calls the step's handler or agent, inside the run's trace context when the runner has a
 * propagator (the handler's asynchronous work stays in it too).
 */
function callTask(
  core: RunnerCore,
  ctx: RunContext,
  step: TaskStep,
  input: Record<string, unknown>,
  attempt: StepAttempt,
  signal: AbortSignal,
): unknown {
  const { propagator } = core;
  return propagator === undefined
    ? invokeTask(core, ctx, step, input, attempt, signal)
    : propagator.run(ctx.traceContext, () => invokeTask(core, ctx, step, input, attempt, signal));
}

function invokeTask(
  core: RunnerCore,
  ctx: RunContext,
  step: TaskStep,
  input: Record<string, unknown>,
  attempt: StepAttempt,
  signal: AbortSignal,
): unknown {
  const configuration = step.configuration;
  if ('handler' in configuration) {
    const { handlers } = core;
    const handler = Object.hasOwn(handlers, configuration.handler)
      ? handlers[configuration.handler]
      : undefined;
    if (!handler) {
      throw new AgentryError({
        code: 'not_found',
        message: `No task handler "${configuration.handler}" is registered (step "${step.id}" of "${ctx.workflowId}").`,
        details: {
          handler: configuration.handler,
          stepId: step.id,
          registered: Object.keys(handlers),
        },
        suggestions: ['Pass the handler in createWorkflowRunner({ handlers }).'],
      });
    }
    const taskContext = new StepTaskContext(signal, attempt, ctx, step.id, core.logger);
    return typeof handler === 'function'
      ? handler(input, taskContext)
      : invokeTaskHandler(handler, configuration.handler, input, taskContext);
  }
  if (!core.runAgent) {
    throw new AgentryError({
      code: 'plugin_missing',
      message: `The step "${step.id}" of "${ctx.workflowId}" runs an agent, but the runner has no runAgent.`,
      details: { stepId: step.id },
      suggestions: ['Pass runAgent to createWorkflowRunner.'],
    });
  }
  const { prompt, ...agent } = configuration.agent;
  return core.runAgent({
    prompt: renderPrompt(prompt, input),
    input,
    agent,
    signal,
    idempotencyKey: attempt.idempotencyKey,
    ...(ctx.principal === undefined ? {} : { principal: ctx.principal }),
  });
}

async function attemptSubgraph(
  core: RunnerCore,
  ctx: RunContext,
  step: SubgraphStep,
  childRunId: string,
  signal: AbortSignal,
): Promise<unknown> {
  const existing = await readRunRecord(core.store, childRunId);
  if (!existing) {
    const input = resolveInputs(step.configuration.inputMapping, {
      input: ctx.state.input,
      outputs: ctx.outputs,
    });
    await createRun(core, {
      runId: childRunId,
      workflowId: step.configuration.workflowId,
      input,
      parent: { runId: ctx.runId, stepId: step.id },
      ...(ctx.userId === undefined ? {} : { userId: ctx.userId }),
      ...(ctx.principal === undefined ? {} : { principal: ctx.principal }),
      ...(ctx.traceContext === undefined ? {} : { traceContext: ctx.traceContext }),
    });
  }
  const child = await executeRun(core, childRunId, signal);
  if (signal.aborted) throw new RunInterrupted();
  switch (child.status) {
    case 'completed':
      return mapOutput(child.output, step.configuration.outputMapping);
    case 'waiting-for-person':
      throw new ChildWaiting(childRunId);
    case 'failed':
    case 'cancelled':
      throw fromJson(
        child.error ?? toAgentryError(new Error(`The child run "${childRunId}" failed.`)).toJSON(),
      );
    case 'running':
      throw new RunInterrupted();
  }
}

/** Rebuilds an error from its journaled form. @internal */
export function fromJson(error: AgentryErrorJson): AgentryError {
  return new AgentryError({
    code: error.code,
    message: error.message,
    recoverable: error.recoverable,
    details: error.details,
    suggestions: error.suggestions,
  });
}

function toJsonOutput(output: unknown, stepId: string): unknown {
  const value = output === undefined ? null : output;
  const problem = findSerializationProblem(value);
  if (problem) {
    throw new AgentryError({
      code: 'not_serializable',
      message: `The output of step "${stepId}" is not JSON: ${problem.reason}`,
      details: { stepId, path: problem.path },
      suggestions: ['Return plain JSON data from task handlers.'],
    });
  }
  return value;
}

function mapOutput(output: unknown, mapping: Record<string, string> | undefined): unknown {
  if (!mapping) return output ?? null;
  const mapped: Record<string, unknown> = {};
  for (const [key, path] of Object.entries(mapping)) {
    let current: unknown = output;
    for (const segment of path.split('.')) {
      current =
        typeof current === 'object' && current !== null && Object.hasOwn(current, segment)
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    }
    mapped[key] = current ?? null;
  }
  return mapped;
}

/**
 * A task handler's context. A class rather than an object literal with a getter: its logger is
 * made only when the handler reads it (most handlers never log), and instances of a class with a
 * prototype getter are as cheap to make as plain objects, where a literal with a getter is not
 * (bench/workflow-overhead.bench.ts: per step).
 */
class StepTaskContext implements TaskContext {
  readonly idempotencyKey: string;
  readonly attempt: number;
  readonly runId: string;
  readonly workflowId: string;
  #logger: Logger | undefined;
  readonly #parent: Logger;

  constructor(
    readonly signal: AbortSignal,
    attempt: StepAttempt,
    ctx: RunContext,
    readonly stepId: string,
    parent: Logger,
  ) {
    this.idempotencyKey = attempt.idempotencyKey;
    this.attempt = attempt.attempt;
    this.runId = ctx.runId;
    this.workflowId = ctx.workflowId;
    this.#parent = parent;
  }

  get logger(): Logger {
    this.#logger ??= this.#parent.child({
      workflowId: this.workflowId,
      runId: this.runId,
      stepId: this.stepId,
      attempt: this.attempt,
    });
    return this.#logger;
  }
}
