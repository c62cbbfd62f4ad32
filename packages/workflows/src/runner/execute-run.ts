import { setImmediate } from 'node:timers';
import { AgentryError, toAgentryError } from '@agentry/core';
import { END, type WorkflowStep } from '../definitions/index.js';
import { armDeadlines } from './arm-deadlines.js';
import { executeDecision } from './execute-decision.js';
import { executeParallel } from './execute-parallel.js';
import { executeWithPolicy } from './execute-with-policy.js';
import { linkSignals } from './link-signals.js';
import { applyMigrations, assertDefinitionUsable } from './migrate-run.js';
import { createRunContext, type RunContext } from './run-context.js';
import { append, flush, loadState } from './run-journal.js';
import type { RunState } from './run-state.js';
import { readRunRecord, runNotFound } from './run-store.js';
import { findWorkflow, lookUpWorkflow, type RunnerCore } from './runner-core.js';
import { RunInterrupted, RunSuspended, StepFailed } from './runner-signals.js';
import type { RunRecord } from './runner-types.js';
import { syncRecord } from './sync-run-record.js';

/**
 * Executes a run in the background, once per process: a second call while it executes returns
 * the same promise. The outcome is read through `wait()`.
 *
 * @internal
 */
export function launch(core: RunnerCore, runId: string): Promise<RunRecord> {
  const running = core.executions.get(runId);
  if (running) return running;
  const known: { workflowId?: string } = {};
  const execution = queueFor(core, runId, known, () => executeRun(core, runId, undefined))
    .then(async (record) => {
      // A child run that settles on its own (after a resume) lets its waiting parent go on.
      await notifyParent(core, record);
      return record;
    })
    .finally(() => {
      core.executions.delete(runId);
    });
  core.executions.set(runId, execution);
  // The outcome is read through wait(); an unexpected failure leaves the run recoverable, and is
  // emitted, since nobody may wait (a recovered run).
  execution.catch((error: unknown) => {
    core.events.next({
      type: 'execution-error',
      runId,
      // Empty only when the run record itself could not be read.
      workflowId: known.workflowId ?? '',
      at: core.clock.now(),
      error: toAgentryError(error).toJSON(),
    });
  });
  return execution;
}

async function queueFor(
  core: RunnerCore,
  runId: string,
  known: { workflowId?: string },
  work: () => Promise<RunRecord>,
): Promise<RunRecord> {
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  known.workflowId = found.record.workflowId;
  const workflow = lookUpWorkflow(core, found.record.workflowId);
  if (!workflow || workflow.definition.parallel || found.record.parent) return work();
  // `parallel: false`: runs of the workflow execute one after the other in this runner.
  const queue = workflow.definition.id;
  const previous = core.workflowQueues.get(queue) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  core.workflowQueues.set(queue, next);
  return next;
}

/**
 * Executes a run from its journal until it ends, waits for a person or is interrupted, and
 * returns its record then.
 *
 * @internal
 */
export async function executeRun(
  core: RunnerCore,
  runId: string,
  parentSignal: AbortSignal | undefined,
): Promise<RunRecord> {
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  const { record } = found;
  if (record.status !== 'running' && record.status !== 'waiting-for-person') return record;
  const state = await loadState(core, runId);
  if (state.ended) return syncRecord(core, runId, state);
  const workflow = findWorkflow(core, record.workflowId);
  const controller = new AbortController();
  core.runControllers.set(runId, controller);
  const link = linkSignals(
    core.closing.signal,
    controller.signal,
    ...(parentSignal ? [parentSignal] : []),
  );
  const signal = link.signal;
  const ctx = createRunContext(record, workflow, state, signal);
  try {
    if (state.nextSeq === 0) {
      await append(core, ctx, {
        type: 'run-start',
        workflowId: record.workflowId,
        definitionHash: record.definitionHash,
        input: record.input,
        ...(record.origin ? { origin: record.origin } : {}),
        ...(record.parent ? { parent: record.parent } : {}),
      });
    }
    assertDefinitionUsable(core, record, state);
    await applyMigrations(core, ctx);
    if (state.waiting.size > 0) {
      const synced = await syncRecord(core, runId, state);
      armDeadlines(core, runId, state);
      return synced;
    }
    let output: unknown;
    try {
      output = await executeFlow(core, ctx);
    } catch (error) {
      if (error instanceof RunSuspended) {
        await flush(core, ctx);
        const synced = await syncRecord(core, runId, state);
        armDeadlines(core, runId, state);
        return synced;
      }
      if (error instanceof StepFailed) {
        await append(core, ctx, { type: 'run-error', error: error.error.toJSON() });
        return await syncRecord(core, runId, state);
      }
      throw error;
    }
    await append(core, ctx, { type: 'run-end', output: output ?? null });
    return await syncRecord(core, runId, state);
  } catch (error) {
    if (error instanceof RunInterrupted || signal.aborted) {
      // A step that ended before the interruption stays ended. If the write fails too, the step
      // is open in the journal and runs again after recovery, as after a crash.
      await flush(core, ctx).catch(() => undefined);
      return (await readRunRecord(core.store, runId))?.record ?? record;
    }
    throw error;
  } finally {
    link.dispose();
    if (core.runControllers.get(runId) === controller) core.runControllers.delete(runId);
  }
}

/** After a child run settles on its own (a resume), its waiting parent goes on. */
async function notifyParent(core: RunnerCore, child: RunRecord): Promise<void> {
  if (!child.parent || child.status === 'running' || child.status === 'waiting-for-person') return;
  const parentId = child.parent.runId;
  const parentState = await loadState(core, parentId);
  if (parentState.ended || !parentState.waiting.has(child.parent.stepId)) return;
  const parent = await readRunRecord(core.store, parentId);
  if (!parent) return;
  await append(core, bareContext(core, parent.record, parentState), {
    type: 'run-resume',
    stepId: child.parent.stepId,
    decision: 'child-settled',
  });
  await launch(core, parentId);
}

/** A context to journal a decision on a run that is not executing. @internal */
export function bareContext(core: RunnerCore, record: RunRecord, state: RunState): RunContext {
  return createRunContext(
    record,
    findWorkflow(core, record.workflowId),
    state,
    core.closing.signal,
  );
}

/**
 * Steps the flow takes between two yields to the event loop. Steps that already ended (a
 * recovered run replaying its journal) and handlers that return at once on a store that answers
 * in microtasks never leave the microtask queue, so a long flow would starve timers and I/O; one
 * `setImmediate` (5 to 11 µs measured) per this many steps costs about 0.02-0.04 µs a step,
 * against the 10 µs per step target of bench/workflow-overhead.
 */
const stepsPerYield = 256;

/**
 * Follows the run's flow from its first step to the end and returns the run's output. A flow
 * visits each step at most once (validation refuses cycles), so it takes at most as many steps as
 * the workflow has; a flow that takes more fails the run with `limit_exceeded` naming the loop,
 * instead of spinning forever.
 *
 * @internal
 * @throws StepFailed when a step fails for good, or the flow comes back to a step
 */
export async function executeFlow(core: RunnerCore, ctx: RunContext): Promise<unknown> {
  const { graph, next, steps } = ctx.workflow;
  // Only a flow that loops takes more steps than the workflow has; the path names the loop then.
  // A push and a compare per step, rather than a set lookup (bench/workflow-overhead, target 1).
  const limit = steps.size;
  const visited: string[] = [];
  let current = graph.start;
  let last: unknown = null;
  while (current !== END) {
    visited.push(current);
    if (visited.length > limit) throw loopFailure(ctx, visited);
    if (visited.length % stepsPerYield === 0) await yieldToEventLoop();
    const step = stepById(ctx, current);
    const output = await executeStep(core, ctx, step, ctx.signal);
    if (step.type === 'decision') {
      current = (output as { next: string }).next;
    } else {
      last = output;
      current = next.get(step.id) ?? END;
    }
  }
  return last;
}

/** Lets timers and I/O run; `node:timers` rather than the global, which fake timers replace. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function loopFailure(ctx: RunContext, visited: string[]): StepFailed {
  const firstSeen = new Map<string, number>();
  let loop = visited;
  for (const [index, id] of visited.entries()) {
    const first = firstSeen.get(id);
    if (first !== undefined) {
      loop = visited.slice(first, index + 1);
      break;
    }
    firstSeen.set(id, index);
  }
  const stepId = loop[loop.length - 1]!;
  const limit = ctx.workflow.steps.size;
  return new StepFailed(
    stepId,
    new AgentryError({
      code: 'limit_exceeded',
      // Running the same definition again loops again.
      recoverable: false,
      message: `The run "${ctx.runId}" of workflow "${ctx.workflowId}" came back to step "${stepId}" (${loop.join(' -> ')}); a run visits each of its ${limit} steps at most once, so it fails instead of looping forever.`,
      details: { workflowId: ctx.workflowId, stepId, loop, limit },
      suggestions: [
        'Remove the cycle from the definition; validateWorkflow reports it as a cycle.',
        'Repeat work with a retry policy or a subgraph instead of a loop.',
      ],
    }),
  );
}

/**
 * The step of the run's workflow with that id.
 *
 * @internal
 * @throws AgentryError `not_found` for an id the workflow lacks (an unvalidated definition)
 */
export function stepById(ctx: RunContext, stepId: string): WorkflowStep {
  const step = ctx.workflow.steps.get(stepId);
  if (step) return step;
  throw new AgentryError({
    code: 'not_found',
    message: `The workflow "${ctx.workflowId}" has no step "${stepId}".`,
    details: { workflowId: ctx.workflowId, stepId },
    suggestions: ['Validate the definition with assertValidWorkflow before running it.'],
  });
}

/**
 * Executes one step, or returns its journaled output when it already ended. Each kind of step
 * records its output in `ctx.outputs` before it settles.
 *
 * @internal
 */
export function executeStep(
  core: RunnerCore,
  ctx: RunContext,
  step: WorkflowStep,
  signal: AbortSignal,
): Promise<unknown> {
  const known = ctx.state.steps.get(step.id);
  if (known?.ended) {
    ctx.outputs[step.id] = known.output;
    return Promise.resolve(known.output);
  }
  if (signal.aborted) return Promise.reject(new RunInterrupted());
  switch (step.type) {
    case 'decision':
      return executeDecision(core, ctx, step);
    case 'parallel':
      return executeParallel(core, ctx, step, signal);
    case 'task':
    case 'subgraph':
      return executeWithPolicy(core, ctx, step, signal);
  }
}
