import { setImmediate } from 'node:timers';
import { AgentryError, toAgentryError } from '@agentry/core';
import { END, type WorkflowStep } from '../definitions/index.js';
import { armDeadlines } from './arm-deadlines.js';
import { executeDecision } from './execute-decision.js';
import { executeParallel } from './execute-parallel.js';
import { executeWithPolicy } from './execute-with-policy.js';
import { linkSignals } from './link-signals.js';
import {
  armTakeover,
  beginExecution,
  enqueue,
  executionOf,
  leaseReleased,
  registerController,
  unregisterController,
} from './local-runs.js';
import { applyMigrations, assertDefinitionUsable } from './migrate-run.js';
import { createRunContext, type RunContext } from './run-context.js';
import { append, flush, openRun } from './run-journal.js';
import { claimLease, isHeld, releaseLease, renewLease, type RunLease } from './run-lease.js';
import type { RunState } from './run-state.js';
import { readRunRecord, runNotFound } from './run-store.js';
import { journalSettledChildren } from './settled-children.js';
import { findWorkflow, lookUpWorkflow, type RunnerCore } from './runner-core.js';
import { JournalMoved, RunInterrupted, RunSuspended, StepFailed } from './runner-signals.js';
import type { RunRecord } from './runner-types.js';
import { syncRecord } from './sync-run-record.js';

/**
 * Executes a run in the background, once per process: a second call while it is queued or
 * executes returns the same promise. The execution claims the run's lease first (or uses
 * `claimed`, a lease the caller holds); when another runner holds it, nothing is executed here
 * and a takeover is armed for the lease's expiry. The outcome is read through `wait()`.
 *
 * @internal
 */
export function launch(core: RunnerCore, runId: string, claimed?: RunLease): Promise<RunRecord> {
  const running = executionOf(core, runId);
  if (running) {
    if (claimed) void releaseLease(core, claimed);
    return running;
  }
  const known: { workflowId?: string } = {};
  const controller = new AbortController();
  registerController(core, runId, controller);
  const execution = beginExecution(
    core,
    runId,
    (async () => {
      try {
        const record = await queueFor(core, runId, controller.signal, known, () =>
          executeRun(core, runId, undefined, { controller, lease: claimed }),
        );
        if (record === undefined) {
          // Cancelled while queued: it never ran, and holds nothing.
          if (claimed) await releaseLease(core, claimed);
          const found = await readRunRecord(core.store, runId);
          if (!found) throw runNotFound(runId);
          return found.record;
        }
        // A child run that settles on its own (after a resume) lets its waiting parent go on.
        await notifyParent(core, record);
        return record;
      } finally {
        unregisterController(core, runId, controller);
      }
    })(),
  );
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
  signal: AbortSignal,
  known: { workflowId?: string },
  work: () => Promise<RunRecord>,
): Promise<RunRecord | undefined> {
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  known.workflowId = found.record.workflowId;
  if (signal.aborted) return undefined;
  const workflow = lookUpWorkflow(core, found.record.workflowId);
  if (!workflow || workflow.definition.parallel || found.record.parent) return work();
  // `parallel: false`: runs of the workflow execute one after the other in this runner.
  return enqueue(core, workflow.definition.id, signal, work);
}

/**
 * Executes a run from its journal until it ends, waits for a person or is interrupted, and
 * returns its record then. It claims the run's lease first (unless `options.lease` is one the
 * caller claimed) and releases it at the end; a run another runner holds is left to it.
 *
 * @internal
 */
export async function executeRun(
  core: RunnerCore,
  runId: string,
  parentSignal: AbortSignal | undefined,
  options: { controller?: AbortController; lease?: RunLease | undefined } = {},
): Promise<RunRecord> {
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  const { record } = found;
  let lease = options.lease;
  if (record.status !== 'running' && record.status !== 'waiting-for-person') {
    if (lease) await releaseLease(core, lease);
    return record;
  }
  if (lease === undefined) {
    const claim = await claimLease(core, runId);
    if (isHeld(claim)) {
      // Another runner executes it; should that runner stop renewing, this one takes over.
      const takeOver = record.parent?.runId ?? runId;
      armTakeover(core, runId, claim.expiresAt, () => void launch(core, takeOver));
      return record;
    }
    lease = claim;
  }
  const controller = options.controller ?? new AbortController();
  if (options.controller === undefined) registerController(core, runId, controller);
  lease.onLost = (error) => controller.abort(error);
  const link = linkSignals(
    core.closing.signal,
    controller.signal,
    ...(parentSignal ? [parentSignal] : []),
  );
  try {
    for (let tries = 0; ; tries += 1) {
      try {
        const state = await openRun(core, record, lease);
        return await executeOpened(core, record, state, link.signal, lease);
      } catch (error) {
        if (AgentryError.isInstance(error) && error.code === 'lease_lost') {
          return (await readRunRecord(core.store, runId))?.record ?? record;
        }
        if (!(error instanceof JournalMoved) || tries >= 4) throw error;
        // A late write of a runner that lost the run: read the journal again and go on.
        await renewLease(core, lease);
      }
    }
  } finally {
    link.dispose();
    if (options.controller === undefined) unregisterController(core, runId, controller);
    await releaseLease(core, lease);
  }
}

async function executeOpened(
  core: RunnerCore,
  record: RunRecord,
  state: RunState,
  signal: AbortSignal,
  lease: RunLease,
): Promise<RunRecord> {
  const { runId } = record;
  if (state.ended) return syncRecord(core, runId, state);
  const workflow = findWorkflow(core, record.workflowId);
  const ctx = createRunContext(record, workflow, state, signal, lease);
  try {
    assertDefinitionUsable(core, record, state);
    await applyMigrations(core, ctx);
    // A child that ended while the run waited lets it go on (its notice may have come first).
    if (state.waiting.size > 0) await journalSettledChildren(core, ctx);
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
  }
}

/**
 * After a child run settles on its own (a resume), its waiting parent goes on: the parent's next
 * execution journals the child as settled (see `journalSettledChildren`) and executes on. That
 * execution must begin after this child ended and after whatever this runner does with the parent
 * right now (its execution, or a claim in flight: a sibling child's notice, a person's decision),
 * since a claim of a run this runner holds is refused; so it is chained after them. When another
 * runner holds the parent, `launch` arms a takeover at the lease's expiry. Should the process stop
 * before, `recover()` finds the ended child and lets the parent go on.
 */
async function notifyParent(core: RunnerCore, child: RunRecord): Promise<void> {
  if (!child.parent || child.status === 'running' || child.status === 'waiting-for-person') return;
  const parentRunId = child.parent.runId;
  for (;;) {
    if (core.closed) return;
    const running = executionOf(core, parentRunId);
    if (running) {
      await running.catch(() => undefined);
      continue;
    }
    const released = leaseReleased(core, parentRunId);
    if (!released) break;
    await released;
  }
  await launch(core, parentRunId);
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
