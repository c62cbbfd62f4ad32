import { AgentryError, computeBackoffDelay, sleep, toAgentryError } from '@agentry/core';
import type { SubgraphStep, TaskStep } from '../definitions/index.js';
import { attemptStep, fromJson } from './attempt-step.js';
import type { RunContext } from './run-context.js';
import { append, flush, stage } from './run-journal.js';
import type { StepState } from './run-state.js';
import type { RunnerCore } from './runner-core.js';
import {
  ChildWaiting,
  RunInterrupted,
  RunSuspended,
  StepFailed,
  isRetryable,
} from './runner-signals.js';

const defaultRetryPolicy = { maxAttempts: 3, baseDelay: 1_000, maxDelay: 30_000, jitter: true };
/** The longest delay a timer takes (about 24.8 days); longer waits are taken in pieces. */
const maxTimer = 2 ** 31 - 1;

/**
 * Runs a task or subgraph step under its retry policy and the workflow's fallback, journaling
 * each attempt before it starts and each result before the run moves on. It picks up where the
 * journal left off: a pending retry waits only its remaining delay, an attempt a crash
 * interrupted runs again with the same number, and a person's decision is acted upon.
 *
 * @internal
 */
export async function executeWithPolicy(
  core: RunnerCore,
  ctx: RunContext,
  step: TaskStep | SubgraphStep,
  signal: AbortSignal,
): Promise<unknown> {
  // The start is written with the first attempt, which follows on every path of a new step.
  if (!ctx.state.steps.get(step.id)?.started) {
    stage(core, ctx, { type: 'step-start', stepId: step.id, stepType: step.type });
  }
  const { clock } = core;
  const state = ctx.state.steps.get(step.id) as StepState;
  const idempotencyKey = `${ctx.runId}:${step.id}`;
  for (;;) {
    if (state.ended) {
      ctx.outputs[step.id] = state.output;
      return state.output;
    }
    const resume = state.resume;
    if (resume && resume.decision !== 'child-settled') {
      if (resume.decision === 'skip') {
        const output = resume.data ?? null;
        stage(core, ctx, { type: 'step-end', stepId: step.id, output, skipped: true });
        ctx.outputs[step.id] = output;
        return output;
      }
      if (resume.decision === 'abort') {
        throw new StepFailed(
          step.id,
          new AgentryError({
            code: 'aborted',
            message: `The run was aborted at step "${step.id}"${resume.actor ? ` by ${resume.actor}` : ''}.`,
            details: { stepId: step.id, actor: resume.actor },
          }),
        );
      }
      await append(core, ctx, {
        type: 'step-retry',
        stepId: step.id,
        attempt: state.attempts + 1,
        dueAt: clock.now(),
        newRound: true,
      });
      continue;
    }
    if (state.suspended && state.suspended.childRunId === undefined) throw new RunSuspended();
    if (state.failed) throw new StepFailed(step.id, fromJson(state.failed));
    if (state.retry) await waitUntil(core, state.retry.dueAt, signal);
    const attempt = state.attemptOpen ? state.attempts : state.attempts + 1;
    const childRunId = step.type === 'subgraph' ? `${ctx.runId}/${step.id}/${attempt}` : undefined;
    if (state.attemptOpen && state.suspended?.childRunId !== undefined) {
      // The attempt waits on its child run and goes on without a new entry.
      await flush(core, ctx);
    } else {
      await append(core, ctx, {
        type: 'step-attempt',
        stepId: step.id,
        attempt,
        idempotencyKey,
        ...(state.attemptOpen ? { repeated: true } : {}),
        ...(childRunId === undefined ? {} : { childRunId }),
      });
    }
    let output: unknown;
    try {
      output = await attemptStep(core, ctx, step, { attempt, idempotencyKey, signal, childRunId });
    } catch (error) {
      if (error instanceof RunInterrupted || signal.aborted) throw new RunInterrupted();
      if (error instanceof ChildWaiting) {
        await append(core, ctx, {
          type: 'run-suspend',
          stepId: step.id,
          childRunId: error.childRunId,
          error: new AgentryError({
            code: 'invalid_transition',
            message: `The child run "${error.childRunId}" of step "${step.id}" waits for a person.`,
            details: { childRunId: error.childRunId },
          }).toJSON(),
        });
        throw new RunSuspended();
      }
      await handleFailure(core, ctx, step, state, attempt, error);
      continue;
    }
    if (signal.aborted) throw new RunInterrupted();
    // Written with the run's next entries, before the run does anything further (see stage).
    stage(core, ctx, { type: 'step-end', stepId: step.id, output });
    ctx.outputs[step.id] = output;
    return output;
  }
}

/**
 * Journals a failed attempt and what follows from it: a retry (returns, and the loop takes it),
 * a wait for a person or a final failure (throws).
 */
async function handleFailure(
  core: RunnerCore,
  ctx: RunContext,
  step: TaskStep | SubgraphStep,
  state: StepState,
  attempt: number,
  error: unknown,
): Promise<void> {
  const { clock } = core;
  const policy = policyOf(core, ctx, step);
  const failure = toAgentryError(error);
  const retryable = isRetryable(error);
  const inRound = attempt - state.roundStart + 1;
  if (retryable && inRound < policy.maxAttempts) {
    await append(core, ctx, {
      type: 'step-error',
      stepId: step.id,
      attempt,
      error: failure.toJSON(),
    });
    let delay = computeBackoffDelay(inRound, { ...policy, random: core.random });
    // The next attempt is never due before the dependency said it may be called again: an open
    // breaker's `retryInMs`, or the provider's `retry-after` (`retryAfterMs`, which the model
    // router leaves to its caller rather than sleeping through a turn). The wait is a journaled
    // due time, so it survives a restart.
    const { retryInMs, retryAfterMs } = failure.details;
    if (typeof retryInMs === 'number') delay = Math.max(delay, retryInMs);
    if (typeof retryAfterMs === 'number') delay = Math.max(delay, retryAfterMs);
    await append(core, ctx, {
      type: 'step-retry',
      stepId: step.id,
      attempt: attempt + 1,
      dueAt: clock.now() + delay,
    });
    return;
  }
  if (
    policy.fallback === 'retry' &&
    retryable &&
    (core.maxFallbackRounds === undefined || state.fallbackRounds < core.maxFallbackRounds)
  ) {
    await append(core, ctx, {
      type: 'step-error',
      stepId: step.id,
      attempt,
      error: failure.toJSON(),
    });
    await append(core, ctx, {
      type: 'step-retry',
      stepId: step.id,
      attempt: attempt + 1,
      dueAt: clock.now() + policy.maxDelay,
      newRound: true,
    });
    return;
  }
  if (policy.fallback === 'human_intervention') {
    await append(core, ctx, {
      type: 'step-error',
      stepId: step.id,
      attempt,
      error: failure.toJSON(),
    });
    const human = humanOptionsOf(core, ctx.workflowId, step.id);
    await append(core, ctx, {
      type: 'run-suspend',
      stepId: step.id,
      error: failure.toJSON(),
      ...(human.deadlineMs === undefined ? {} : { deadlineAt: clock.now() + human.deadlineMs }),
      onDeadline: human.onDeadline ?? 'abort',
    });
    throw new RunSuspended();
  }
  await append(core, ctx, {
    type: 'step-error',
    stepId: step.id,
    attempt,
    error: failure.toJSON(),
    final: true,
  });
  throw new StepFailed(step.id, failure);
}

function policyOf(core: RunnerCore, ctx: RunContext, step: TaskStep | SubgraphStep) {
  const handling = ctx.workflow.definition.errorHandling;
  const strategy = handling?.backoffStrategy ?? core.defaults.backoffStrategy ?? 'exponential';
  const base = step.retryPolicy ?? {
    ...(core.defaults.retryPolicy ?? defaultRetryPolicy),
    maxAttempts: (handling?.retryAttempts ?? 0) + 1,
  };
  return { ...base, strategy, fallback: handling?.fallbackAction ?? 'abort' };
}

function humanOptionsOf(core: RunnerCore, workflowId: string, stepId: string) {
  const { humanIntervention } = core;
  const overrides = humanIntervention.overrides ?? {};
  return {
    deadlineMs: humanIntervention.deadlineMs,
    onDeadline: humanIntervention.onDeadline,
    ...overrides[workflowId],
    ...overrides[`${workflowId}.${stepId}`],
  };
}

async function waitUntil(core: RunnerCore, dueAt: number, signal: AbortSignal): Promise<void> {
  const { clock } = core;
  for (;;) {
    const remaining = dueAt - clock.now();
    if (remaining <= 0) return;
    try {
      await sleep(Math.min(remaining, maxTimer), { clock, signal });
    } catch {
      throw new RunInterrupted();
    }
  }
}
