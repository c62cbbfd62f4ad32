import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import {
  AgentryError,
  computeBackoffDelay,
  createCircuitBreaker,
  findSerializationProblem,
  sleep,
  systemClock,
  toAgentryError,
  type AgentryErrorJson,
  type CircuitBreaker,
} from '@agentry/core';
import { Subject } from 'rxjs';
import {
  END,
  evaluateCondition,
  resolveInputs,
  toStepGraph,
  type DecisionStep,
  type ParallelStep,
  type StepGraph,
  type SubgraphStep,
  type TaskStep,
  type WorkflowDefinition,
  type WorkflowStep,
} from '../definitions/index.js';
import type { RunOrigin, StartedRun } from '../workflow-starter.js';
import { hashWorkflowDefinition } from './hash-workflow-definition.js';
import {
  journalEntryKind,
  runRecordKind,
  runnerSchemaVersion,
  startRecordKind,
  type JournalEntry,
  type NewJournalEntry,
  type ResumeDecision,
} from './journal-entry.js';
import { linkSignals } from './link-signals.js';
import { renderPrompt } from './render-prompt.js';
import { runAttempt } from './run-attempt.js';
import { applyJournalEntry, emptyRunState, type RunState, type StepState } from './run-state.js';
import {
  journalKey,
  readJournal,
  readRunRecord,
  readRunRecords,
  runKey,
  runNotFound,
  startKey,
  listAll,
  updateRunRecord,
} from './run-store.js';
import {
  ChildWaiting,
  RunInterrupted,
  RunSuspended,
  StepFailed,
  isRetryable,
} from './runner-signals.js';
import type {
  RecoverReport,
  ResumeActor,
  ResumeRequest,
  RunEvent,
  RunRecord,
  WorkflowRunner,
  WorkflowRunnerOptions,
} from './runner-types.js';

/** An execution of one run in this process. */
interface RunContext {
  runId: string;
  workflowId: string;
  definition: WorkflowDefinition;
  graph: StepGraph;
  steps: Map<string, WorkflowStep>;
  state: RunState;
  signal: AbortSignal;
  outputs: Record<string, unknown>;
  parentRunId?: string;
}

const defaultRetryPolicy = { maxAttempts: 3, baseDelay: 1_000, maxDelay: 30_000, jitter: true };
const maxTimer = 2 ** 31 - 1;

/**
 * Creates a durable workflow runner. Every run start, step start, attempt, result, retry, suspension
 * and run end is appended to the run's journal in `store` before the run moves on; recovery folds
 * the journal and goes on from there, so a finished step never runs again. A step that was running
 * when the process stopped runs again with the same `idempotencyKey` (at-least-once, with a stable
 * key: handlers that change other systems should pass it on).
 *
 * @param options - the store, the workflows, handlers, predicates, agent runner, clock and policies
 * @returns a {@link WorkflowRunner}, which also implements `WorkflowStarter` for triggers
 * @throws AgentryError `validation_failed` when `options.store` is missing
 * @example
 * ```ts
 * import { createSqliteStore } from '@agentry/store-sqlite';
 *
 * const runner = createWorkflowRunner({
 *   store: createSqliteStore({ path: './runs.db' }),
 *   registry,
 *   handlers: { 'orders.fetch': async ({ orderId }, ctx) => fetchOrder(orderId, ctx.idempotencyKey) },
 * });
 * await runner.recover(); // go on with runs a crash interrupted
 * const result = await runner.run('order-review', { orderId: 'A-7' });
 * ```
 */
export function createWorkflowRunner(options: WorkflowRunnerOptions): WorkflowRunner {
  if (typeof options?.store?.put !== 'function') {
    throw new AgentryError({
      code: 'validation_failed',
      message: 'createWorkflowRunner needs options.store, a StateStore.',
      details: { path: ['store'] },
      suggestions: [
        'Pass createMemoryStore() for tests or createSqliteStore({ path }) for durable runs.',
      ],
    });
  }
  const {
    store,
    handlers = {},
    predicates = {},
    runAgent,
    clock = systemClock,
    random = Math.random,
    generateId = randomUUID,
    defaults = {},
    humanIntervention = {},
    maxFallbackRounds,
    resumePermission = 'workflows:resume',
    migrations = [],
  } = options;
  const registry = options.registry as Record<string, unknown>;
  const definitions = (
    isDefinitionMap(registry.workflows) ? registry.workflows : registry
  ) as Record<string, WorkflowDefinition>;

  const events = new Subject<RunEvent>();
  const executions = new Map<string, Promise<RunRecord>>();
  const runControllers = new Map<string, AbortController>();
  const deadlineTimers = new Map<string, unknown>();
  const breakers = new Map<string, CircuitBreaker>();
  const workflowQueues = new Map<string, Promise<unknown>>();
  const closing = new AbortController();
  // Every run in progress links to it; many listeners are expected (each run removes its own).
  setMaxListeners(0, closing.signal);
  let closed = false;

  function assertOpen(): void {
    if (closed)
      throw new AgentryError({
        code: 'invalid_transition',
        message: 'The workflow runner is closed.',
        suggestions: ['Create a new runner; runs left unfinished are picked up by its recover().'],
      });
  }

  function findDefinition(workflowId: string): WorkflowDefinition {
    const definition = Object.hasOwn(definitions, workflowId) ? definitions[workflowId] : undefined;
    if (definition) return definition;
    throw new AgentryError({
      code: 'not_found',
      message: `No workflow "${workflowId}" is registered with the runner (registered: ${Object.keys(definitions).join(', ') || 'none'}).`,
      details: { workflowId },
      suggestions: ['Register the workflow in the registry passed to createWorkflowRunner.'],
    });
  }

  // ---------------------------------------------------------------- journal and records

  async function append(ctx: RunContext, entry: NewJournalEntry): Promise<JournalEntry> {
    const full = { ...entry, seq: ctx.state.nextSeq, at: clock.now() };
    ctx.state.nextSeq += 1;
    // Create-only: a second runner executing the same run gets `conflict` and stops.
    await store.put(
      journalKey(ctx.runId, full.seq),
      { kind: journalEntryKind, schemaVersion: runnerSchemaVersion, data: full },
      { expectedRevision: null },
    );
    applyJournalEntry(ctx.state, full);
    emit(full, ctx.runId, ctx.workflowId, ctx.parentRunId);
    return full;
  }

  function emit(entry: JournalEntry, runId: string, workflowId: string, parentRunId?: string) {
    if (entry.type === 'run-migrate') return;
    events.next({
      type: entry.type,
      runId,
      workflowId,
      ...('stepId' in entry ? { stepId: entry.stepId } : {}),
      ...(parentRunId === undefined ? {} : { parentRunId }),
      at: entry.at,
      entry,
    });
  }

  async function loadState(runId: string): Promise<RunState> {
    const state = emptyRunState();
    for (const entry of await readJournal(store, runId)) applyJournalEntry(state, entry);
    return state;
  }

  async function createRun(run: {
    runId: string;
    workflowId: string;
    input: unknown;
    origin?: RunOrigin;
    idempotencyKey?: string;
    parent?: { runId: string; stepId: string };
  }): Promise<void> {
    const definition = findDefinition(run.workflowId);
    const now = clock.now();
    const record: RunRecord = {
      runId: run.runId,
      workflowId: run.workflowId,
      definitionHash: hashWorkflowDefinition(definition),
      input: run.input === undefined ? null : run.input,
      status: 'running',
      ...(run.origin ? { origin: run.origin } : {}),
      ...(run.idempotencyKey === undefined ? {} : { idempotencyKey: run.idempotencyKey }),
      ...(run.parent ? { parent: run.parent } : {}),
      startedAt: now,
      updatedAt: now,
    };
    try {
      await store.put(
        runKey(run.runId),
        { kind: runRecordKind, schemaVersion: runnerSchemaVersion, data: record },
        { expectedRevision: null },
      );
    } catch (error) {
      if (!(AgentryError.isInstance(error) && error.code === 'conflict')) throw error;
      return;
    }
    // A crash between the two writes leaves a record without a journal: its execution writes the
    // run-start entry then (see executeRun).
    const entry: JournalEntry = {
      type: 'run-start',
      seq: 0,
      at: now,
      workflowId: record.workflowId,
      definitionHash: record.definitionHash,
      input: record.input,
      ...(record.origin ? { origin: record.origin } : {}),
      ...(record.parent ? { parent: record.parent } : {}),
    };
    await store.put(
      journalKey(record.runId, 0),
      { kind: journalEntryKind, schemaVersion: runnerSchemaVersion, data: entry },
      { expectedRevision: null },
    );
    emit(entry, record.runId, record.workflowId, record.parent?.runId);
  }

  function recordFromState(record: RunRecord, state: RunState): RunRecord {
    const next: RunRecord = {
      ...record,
      definitionHash: state.definitionHash || record.definitionHash,
      updatedAt: clock.now(),
    };
    delete next.waiting;
    if (state.ended) {
      next.status = state.cancelled ? 'cancelled' : state.error ? 'failed' : 'completed';
      if (state.error) next.error = state.error;
      else next.output = state.output ?? null;
    } else if (state.waiting.size > 0) {
      next.status = 'waiting-for-person';
      next.waiting = [...state.waiting].map((stepId) => {
        const suspended = state.steps.get(stepId)?.suspended;
        return {
          stepId,
          ...(suspended?.deadlineAt === undefined ? {} : { deadlineAt: suspended.deadlineAt }),
          ...(suspended?.onDeadline === undefined ? {} : { onDeadline: suspended.onDeadline }),
          ...(suspended?.childRunId === undefined ? {} : { childRunId: suspended.childRunId }),
          error: suspended?.error ?? lastErrorOf(state, stepId),
        };
      });
    } else {
      next.status = 'running';
    }
    return next;
  }

  function lastErrorOf(state: RunState, stepId: string): AgentryErrorJson {
    return (
      state.steps.get(stepId)?.failed ??
      toAgentryError(new Error(`The step "${stepId}" waits for a person.`)).toJSON()
    );
  }

  async function syncRecord(runId: string, state: RunState): Promise<RunRecord> {
    return updateRunRecord(store, runId, (record) => recordFromState(record, state));
  }

  // ---------------------------------------------------------------- definitions and migrations

  function migrationPath(workflowId: string, from: string, to: string): typeof migrations {
    const path: typeof migrations = [];
    let at = from;
    const seen = new Set<string>();
    while (at !== to) {
      if (seen.has(at)) return [];
      seen.add(at);
      const step = migrations.find((m) => m.workflowId === workflowId && m.from === at);
      if (!step) return [];
      path.push(step);
      at = step.to;
    }
    return path;
  }

  function assertDefinitionUsable(record: RunRecord, state: RunState): void {
    const definition = findDefinition(record.workflowId);
    const current = hashWorkflowDefinition(definition);
    const stored = state.definitionHash || record.definitionHash;
    if (stored === current) return;
    if (migrationPath(record.workflowId, stored, current).length > 0) return;
    throw new AgentryError({
      code: 'migration_required',
      message: `The workflow "${record.workflowId}" changed after run "${record.runId}" started (definition ${stored.slice(0, 12)}… is now ${current.slice(0, 12)}…), and no migration between them is registered, so the run is not resumed.`,
      details: { runId: record.runId, workflowId: record.workflowId, from: stored, to: current },
      suggestions: [
        `Register a migration { workflowId: "${record.workflowId}", from: "${stored}", to: "${current}" } with the runner,`,
        'or resume the run with the definition it started with.',
      ],
    });
  }

  async function applyMigrations(ctx: RunContext): Promise<void> {
    const current = hashWorkflowDefinition(ctx.definition);
    for (const migration of migrationPath(ctx.workflowId, ctx.state.definitionHash, current)) {
      const outputs: Record<string, unknown> = {};
      for (const [stepId, step] of ctx.state.steps) if (step.ended) outputs[stepId] = step.output;
      const migrated = migration.migrate
        ? migration.migrate({ input: ctx.state.input, outputs })
        : { input: ctx.state.input, outputs };
      await append(ctx, {
        type: 'run-migrate',
        from: migration.from,
        to: migration.to,
        input: migrated.input ?? null,
        outputs: migrated.outputs,
      });
    }
  }

  // ---------------------------------------------------------------- execution

  function launch(runId: string): Promise<RunRecord> {
    const running = executions.get(runId);
    if (running) return running;
    const execution = queueFor(runId, () => executeRun(runId, undefined))
      .then(async (record) => {
        // A child run that settles on its own (after a resume) lets its waiting parent go on.
        await notifyParent(record);
        return record;
      })
      .finally(() => {
        executions.delete(runId);
      });
    executions.set(runId, execution);
    // The outcome is read through wait(); an unexpected failure leaves the run recoverable.
    execution.catch(() => undefined);
    return execution;
  }

  async function queueFor(runId: string, work: () => Promise<RunRecord>): Promise<RunRecord> {
    const found = await readRunRecord(store, runId);
    if (!found) throw runNotFound(runId);
    const definition = Object.hasOwn(definitions, found.record.workflowId)
      ? definitions[found.record.workflowId]
      : undefined;
    if (!definition || definition.parallel || found.record.parent) return work();
    // `parallel: false`: runs of the workflow execute one after the other in this runner.
    const previous = workflowQueues.get(definition.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    workflowQueues.set(definition.id, next);
    return next;
  }

  async function executeRun(
    runId: string,
    parentSignal: AbortSignal | undefined,
  ): Promise<RunRecord> {
    const found = await readRunRecord(store, runId);
    if (!found) throw runNotFound(runId);
    const { record } = found;
    if (record.status !== 'running' && record.status !== 'waiting-for-person') return record;
    const state = await loadState(runId);
    if (state.ended) return syncRecord(runId, state);
    const definition = findDefinition(record.workflowId);
    const controller = new AbortController();
    runControllers.set(runId, controller);
    const link = linkSignals(
      closing.signal,
      controller.signal,
      ...(parentSignal ? [parentSignal] : []),
    );
    const signal = link.signal;
    const ctx: RunContext = {
      runId,
      workflowId: record.workflowId,
      definition,
      graph: toStepGraph(definition),
      steps: new Map(definition.steps.map((step) => [step.id, step])),
      state,
      signal,
      outputs: {},
      ...(record.parent ? { parentRunId: record.parent.runId } : {}),
    };
    try {
      if (state.nextSeq === 0) {
        await append(ctx, {
          type: 'run-start',
          workflowId: record.workflowId,
          definitionHash: record.definitionHash,
          input: record.input,
          ...(record.origin ? { origin: record.origin } : {}),
          ...(record.parent ? { parent: record.parent } : {}),
        });
      }
      assertDefinitionUsable(record, state);
      await applyMigrations(ctx);
      if (state.waiting.size > 0) {
        const synced = await syncRecord(runId, state);
        armDeadlines(runId, state);
        return synced;
      }
      let output: unknown;
      try {
        output = await executeFlow(ctx);
      } catch (error) {
        if (error instanceof RunSuspended) {
          const synced = await syncRecord(runId, state);
          armDeadlines(runId, state);
          return synced;
        }
        if (error instanceof StepFailed) {
          await append(ctx, { type: 'run-error', error: error.error.toJSON() });
          return await syncRecord(runId, state);
        }
        throw error;
      }
      await append(ctx, { type: 'run-end', output: output ?? null });
      return await syncRecord(runId, state);
    } catch (error) {
      if (error instanceof RunInterrupted || signal.aborted) {
        return (await readRunRecord(store, runId))?.record ?? record;
      }
      throw error;
    } finally {
      link.dispose();
      if (runControllers.get(runId) === controller) runControllers.delete(runId);
    }
  }

  /** After a child run settles on its own (a resume), its waiting parent goes on. */
  async function notifyParent(child: RunRecord): Promise<void> {
    if (!child.parent || child.status === 'running' || child.status === 'waiting-for-person')
      return;
    const parentId = child.parent.runId;
    const parentState = await loadState(parentId);
    if (parentState.ended || !parentState.waiting.has(child.parent.stepId)) return;
    const parent = await readRunRecord(store, parentId);
    if (!parent) return;
    const ctx = bareContext(parent.record, parentState);
    await append(ctx, {
      type: 'run-resume',
      stepId: child.parent.stepId,
      decision: 'child-settled',
    });
    await launch(parentId);
  }

  function bareContext(record: RunRecord, state: RunState): RunContext {
    const definition = findDefinition(record.workflowId);
    return {
      runId: record.runId,
      workflowId: record.workflowId,
      definition,
      graph: toStepGraph(definition),
      steps: new Map(definition.steps.map((step) => [step.id, step])),
      state,
      signal: closing.signal,
      outputs: {},
      ...(record.parent ? { parentRunId: record.parent.runId } : {}),
    };
  }

  async function executeFlow(ctx: RunContext): Promise<unknown> {
    let current = ctx.graph.start;
    let last: unknown = null;
    while (current !== END) {
      const step = stepById(ctx, current);
      const output = await executeStep(ctx, step, ctx.signal);
      if (step.type === 'decision') {
        current = (output as { next: string }).next;
      } else {
        last = output;
        current =
          ctx.graph.edges.find((edge) => edge.from === step.id && edge.kind === 'next')?.to ?? END;
      }
    }
    return last;
  }

  function stepById(ctx: RunContext, stepId: string): WorkflowStep {
    const step = ctx.steps.get(stepId);
    if (step) return step;
    throw new AgentryError({
      code: 'not_found',
      message: `The workflow "${ctx.workflowId}" has no step "${stepId}".`,
      details: { workflowId: ctx.workflowId, stepId },
      suggestions: ['Validate the definition with assertValidWorkflow before running it.'],
    });
  }

  async function executeStep(
    ctx: RunContext,
    step: WorkflowStep,
    signal: AbortSignal,
  ): Promise<unknown> {
    const known = ctx.state.steps.get(step.id);
    let output: unknown;
    if (known?.ended) {
      output = known.output;
    } else {
      if (signal.aborted) throw new RunInterrupted();
      switch (step.type) {
        case 'decision':
          output = await executeDecision(ctx, step);
          break;
        case 'parallel':
          output = await executeParallel(ctx, step, signal);
          break;
        case 'task':
        case 'subgraph':
          output = await executeWithPolicy(ctx, step, signal);
          break;
      }
    }
    ctx.outputs[step.id] = output;
    return output;
  }

  function scopeOf(ctx: RunContext) {
    return { input: ctx.state.input, outputs: ctx.outputs, predicates };
  }

  async function executeDecision(ctx: RunContext, step: DecisionStep): Promise<unknown> {
    if (!ctx.state.steps.get(step.id)?.started) {
      await append(ctx, { type: 'step-start', stepId: step.id, stepType: step.type });
    }
    let output: { next: string; branch: number | 'default' };
    try {
      const index = step.configuration.branches.findIndex((branch) =>
        evaluateCondition(branch.condition, scopeOf(ctx)),
      );
      output =
        index === -1
          ? { next: step.configuration.default, branch: 'default' }
          : { next: step.configuration.branches[index]!.next, branch: index };
    } catch (error) {
      const failure = toAgentryError(error);
      await append(ctx, {
        type: 'step-error',
        stepId: step.id,
        attempt: 1,
        error: failure.toJSON(),
        final: true,
      });
      throw new StepFailed(step.id, failure);
    }
    await append(ctx, { type: 'step-end', stepId: step.id, output });
    return output;
  }

  async function executeParallel(
    ctx: RunContext,
    step: ParallelStep,
    signal: AbortSignal,
  ): Promise<unknown> {
    if (!ctx.state.steps.get(step.id)?.started) {
      await append(ctx, { type: 'step-start', stepId: step.id, stepType: step.type });
    }
    const { branches, concurrency, onBranchFailure } = step.configuration;
    const cancelBranches = new AbortController();
    const branchLink = linkSignals(signal, cancelBranches.signal);
    const branchSignal = branchLink.signal;
    type Outcome =
      | { status: 'completed' }
      | { status: 'failed'; error: AgentryError }
      | { status: 'waiting' }
      | { status: 'cancelled' };
    const outcomes: Outcome[] = new Array<Outcome>(branches.length);
    let nextBranch = 0;
    const worker = async () => {
      while (nextBranch < branches.length) {
        const index = nextBranch;
        nextBranch += 1;
        if (branchSignal.aborted) {
          outcomes[index] = { status: 'cancelled' };
          continue;
        }
        try {
          for (const stepId of branches[index]!.steps) {
            await executeStep(ctx, stepById(ctx, stepId), branchSignal);
          }
          outcomes[index] = { status: 'completed' };
        } catch (error) {
          if (error instanceof StepFailed) {
            outcomes[index] = { status: 'failed', error: error.error };
            if (onBranchFailure === 'fail-fast') cancelBranches.abort();
          } else if (error instanceof RunSuspended) {
            outcomes[index] = { status: 'waiting' };
          } else if (error instanceof RunInterrupted && !signal.aborted) {
            outcomes[index] = { status: 'cancelled' };
          } else {
            throw error;
          }
        }
      }
    };
    const workers = Array.from(
      { length: Math.min(concurrency ?? branches.length, branches.length) },
      worker,
    );
    const settled = await Promise.allSettled(workers);
    branchLink.dispose();
    if (signal.aborted) throw new RunInterrupted();
    const crashed = settled.find((result) => result.status === 'rejected');
    if (crashed) throw crashed.reason;
    const failure = outcomes.find((outcome) => outcome.status === 'failed');
    if (failure && onBranchFailure !== 'ignore') {
      await append(ctx, {
        type: 'step-error',
        stepId: step.id,
        attempt: 1,
        error: failure.error.toJSON(),
        final: true,
      });
      throw new StepFailed(step.id, failure.error);
    }
    if (outcomes.some((outcome) => outcome.status === 'waiting')) throw new RunSuspended();
    const output = {
      branches: outcomes.map((outcome, index) => ({
        ...(branches[index]!.name === undefined ? {} : { name: branches[index]!.name }),
        status: outcome.status,
        ...(outcome.status === 'failed' ? { error: outcome.error.toJSON() } : {}),
      })),
    };
    await append(ctx, { type: 'step-end', stepId: step.id, output });
    return output;
  }

  function policyOf(ctx: RunContext, step: TaskStep | SubgraphStep) {
    const handling = ctx.definition.errorHandling;
    const strategy = handling?.backoffStrategy ?? defaults.backoffStrategy ?? 'exponential';
    const base = step.retryPolicy ?? {
      ...(defaults.retryPolicy ?? defaultRetryPolicy),
      maxAttempts: (handling?.retryAttempts ?? 0) + 1,
    };
    return { ...base, strategy, fallback: handling?.fallbackAction ?? 'abort' };
  }

  function humanOptionsOf(workflowId: string, stepId: string) {
    const overrides = humanIntervention.overrides ?? {};
    return {
      deadlineMs: humanIntervention.deadlineMs,
      onDeadline: humanIntervention.onDeadline,
      ...overrides[workflowId],
      ...overrides[`${workflowId}.${stepId}`],
    };
  }

  async function executeWithPolicy(
    ctx: RunContext,
    step: TaskStep | SubgraphStep,
    signal: AbortSignal,
  ): Promise<unknown> {
    if (!ctx.state.steps.get(step.id)?.started) {
      await append(ctx, { type: 'step-start', stepId: step.id, stepType: step.type });
    }
    const state = ctx.state.steps.get(step.id) as StepState;
    const policy = policyOf(ctx, step);
    const idempotencyKey = `${ctx.runId}:${step.id}`;
    for (;;) {
      if (state.ended) return state.output;
      const resume = state.resume;
      if (resume && resume.decision !== 'child-settled') {
        if (resume.decision === 'skip') {
          const output = resume.data ?? null;
          await append(ctx, { type: 'step-end', stepId: step.id, output, skipped: true });
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
        await append(ctx, {
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
      if (state.retry) await waitUntil(state.retry.dueAt, signal);
      const attempt = state.attemptOpen ? state.attempts : state.attempts + 1;
      const childRunId =
        step.type === 'subgraph' ? `${ctx.runId}/${step.id}/${attempt}` : undefined;
      if (!(state.attemptOpen && state.suspended?.childRunId !== undefined)) {
        await append(ctx, {
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
        output = await attemptStep(ctx, step, { attempt, idempotencyKey, signal, childRunId });
      } catch (error) {
        if (error instanceof RunInterrupted || signal.aborted) throw new RunInterrupted();
        if (error instanceof ChildWaiting) {
          await append(ctx, {
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
        const failure = toAgentryError(error);
        const retryable = isRetryable(error);
        const inRound = attempt - state.roundStart + 1;
        if (retryable && inRound < policy.maxAttempts) {
          await append(ctx, {
            type: 'step-error',
            stepId: step.id,
            attempt,
            error: failure.toJSON(),
          });
          let delay = computeBackoffDelay(inRound, { ...policy, random });
          const retryIn = failure.details.retryInMs;
          if (typeof retryIn === 'number') delay = Math.max(delay, retryIn);
          await append(ctx, {
            type: 'step-retry',
            stepId: step.id,
            attempt: attempt + 1,
            dueAt: clock.now() + delay,
          });
          continue;
        }
        if (
          policy.fallback === 'retry' &&
          retryable &&
          (maxFallbackRounds === undefined || state.fallbackRounds < maxFallbackRounds)
        ) {
          await append(ctx, {
            type: 'step-error',
            stepId: step.id,
            attempt,
            error: failure.toJSON(),
          });
          await append(ctx, {
            type: 'step-retry',
            stepId: step.id,
            attempt: attempt + 1,
            dueAt: clock.now() + policy.maxDelay,
            newRound: true,
          });
          continue;
        }
        if (policy.fallback === 'human_intervention') {
          await append(ctx, {
            type: 'step-error',
            stepId: step.id,
            attempt,
            error: failure.toJSON(),
          });
          const human = humanOptionsOf(ctx.workflowId, step.id);
          await append(ctx, {
            type: 'run-suspend',
            stepId: step.id,
            error: failure.toJSON(),
            ...(human.deadlineMs === undefined
              ? {}
              : { deadlineAt: clock.now() + human.deadlineMs }),
            onDeadline: human.onDeadline ?? 'abort',
          });
          throw new RunSuspended();
        }
        await append(ctx, {
          type: 'step-error',
          stepId: step.id,
          attempt,
          error: failure.toJSON(),
          final: true,
        });
        throw new StepFailed(step.id, failure);
      }
      if (signal.aborted) throw new RunInterrupted();
      await append(ctx, { type: 'step-end', stepId: step.id, output });
      return output;
    }
  }

  async function waitUntil(dueAt: number, signal: AbortSignal): Promise<void> {
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

  async function attemptStep(
    ctx: RunContext,
    step: TaskStep | SubgraphStep,
    attempt: { attempt: number; idempotencyKey: string; signal: AbortSignal; childRunId?: string },
  ): Promise<unknown> {
    if (step.type === 'subgraph')
      return attemptSubgraph(ctx, step, attempt.childRunId!, attempt.signal);
    const input = resolveInputs(step.inputs, scopeOf(ctx));
    const timeoutMs = step.timeout ?? defaults.stepTimeout;
    const configuration = step.configuration;
    const work = (signal: AbortSignal): unknown => {
      if ('handler' in configuration) {
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
        return handler(input, {
          signal,
          idempotencyKey: attempt.idempotencyKey,
          attempt: attempt.attempt,
          runId: ctx.runId,
          stepId: step.id,
          workflowId: ctx.workflowId,
        });
      }
      if (!runAgent) {
        throw new AgentryError({
          code: 'plugin_missing',
          message: `The step "${step.id}" of "${ctx.workflowId}" runs an agent, but the runner has no runAgent.`,
          details: { stepId: step.id },
          suggestions: ['Pass runAgent to createWorkflowRunner.'],
        });
      }
      const { prompt, ...agent } = configuration.agent;
      return runAgent({
        prompt: renderPrompt(prompt, input),
        input,
        agent,
        signal,
        idempotencyKey: attempt.idempotencyKey,
      });
    };
    const guarded = () =>
      runAttempt(work, {
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        outer: attempt.signal,
        clock,
        stepId: step.id,
      });
    const breaker = breakerOf(ctx, step);
    const output = breaker
      ? await breaker.execute(guarded, { isFailure: (error) => !(error instanceof RunInterrupted) })
      : await guarded();
    return toJsonOutput(output, step.id);
  }

  function breakerOf(ctx: RunContext, step: TaskStep): CircuitBreaker | undefined {
    const config = ctx.definition.errorHandling?.circuitBreaker;
    if (!config) return undefined;
    const name = 'handler' in step.configuration ? step.configuration.handler : `agent:${step.id}`;
    const key = `${ctx.workflowId}:${name}`;
    let breaker = breakers.get(key);
    if (!breaker) {
      breaker = createCircuitBreaker(config, { name: key, clock });
      breakers.set(key, breaker);
    }
    return breaker;
  }

  async function attemptSubgraph(
    ctx: RunContext,
    step: SubgraphStep,
    childRunId: string,
    signal: AbortSignal,
  ): Promise<unknown> {
    const existing = await readRunRecord(store, childRunId);
    if (!existing) {
      const input = resolveInputs(step.configuration.inputMapping, scopeOf(ctx));
      await createRun({
        runId: childRunId,
        workflowId: step.configuration.workflowId,
        input,
        parent: { runId: ctx.runId, stepId: step.id },
      });
    }
    const child = await executeRun(childRunId, signal);
    if (signal.aborted) throw new RunInterrupted();
    switch (child.status) {
      case 'completed':
        return mapOutput(child.output, step.configuration.outputMapping);
      case 'waiting-for-person':
        throw new ChildWaiting(childRunId);
      case 'failed':
      case 'cancelled':
        throw fromJson(
          child.error ??
            toAgentryError(new Error(`The child run "${childRunId}" failed.`)).toJSON(),
        );
      case 'running':
        throw new RunInterrupted();
    }
  }

  // ---------------------------------------------------------------- deadlines

  function armDeadlines(runId: string, state: RunState): void {
    for (const stepId of state.waiting) {
      const suspended = state.steps.get(stepId)?.suspended;
      if (!suspended || suspended.deadlineAt === undefined || suspended.childRunId !== undefined)
        continue;
      const key = `${runId}\u0000${stepId}`;
      if (deadlineTimers.has(key)) continue;
      const deadlineAt = suspended.deadlineAt;
      const decision = suspended.onDeadline ?? 'abort';
      const arm = () => {
        const remaining = Math.max(0, deadlineAt - clock.now());
        deadlineTimers.set(
          key,
          clock.setTimeout(
            () => {
              deadlineTimers.delete(key);
              if (closed) return;
              if (deadlineAt - clock.now() > 0) {
                arm();
                return;
              }
              resumeInternal(runId, { decision, stepId }, 'deadline').catch(() => undefined);
            },
            Math.min(remaining, maxTimer),
          ),
        );
      };
      arm();
    }
  }

  // ---------------------------------------------------------------- public API

  async function start(
    workflowId: string,
    input: unknown,
    startOptions: { idempotencyKey?: string; origin?: RunOrigin } = {},
  ): Promise<StartedRun> {
    assertOpen();
    findDefinition(workflowId);
    const problem = findSerializationProblem(input ?? null);
    if (problem) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `The input of workflow "${workflowId}" is not JSON: ${problem.reason}`,
        details: { workflowId, path: problem.path },
        suggestions: ['Pass plain JSON data as the workflow input.'],
      });
    }
    const runId = generateId();
    const { idempotencyKey, origin } = startOptions;
    const run = {
      runId,
      workflowId,
      input: input ?? null,
      ...(origin ? { origin } : {}),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    };
    if (idempotencyKey !== undefined) {
      try {
        await store.put(
          startKey(workflowId, idempotencyKey),
          { kind: startRecordKind, schemaVersion: runnerSchemaVersion, data: run },
          { expectedRevision: null },
        );
      } catch (error) {
        if (!(AgentryError.isInstance(error) && error.code === 'conflict')) throw error;
        const first = (await store.get(startKey(workflowId, idempotencyKey)))?.data as typeof run;
        if (!(await readRunRecord(store, first.runId))) {
          // The first start stopped between its two writes: finish it now.
          await createRun(first);
          void launch(first.runId);
        }
        return { runId: first.runId, deduplicated: true };
      }
    }
    await createRun(run);
    void launch(runId);
    return { runId, deduplicated: false };
  }

  async function wait(runId: string): Promise<RunRecord> {
    const running = executions.get(runId);
    if (running) await running;
    const found = await readRunRecord(store, runId);
    if (!found) throw runNotFound(runId);
    return found.record;
  }

  async function resumeInternal(
    runId: string,
    request: ResumeRequest,
    actor: string | undefined,
  ): Promise<RunRecord> {
    assertOpen();
    const running = executions.get(runId);
    if (running) await running.catch(() => undefined);
    const found = await readRunRecord(store, runId);
    if (!found) throw runNotFound(runId);
    const state = await loadState(runId);
    if (state.waiting.size === 0 || state.ended) {
      throw new AgentryError({
        code: 'invalid_transition',
        message: `The run "${runId}" is ${found.record.status}, not waiting for a person, so it cannot be resumed.`,
        details: { runId, status: found.record.status },
        suggestions: ['Resume only runs whose status is waiting-for-person.'],
      });
    }
    const decisions: ResumeDecision[] = ['retry', 'skip', 'abort'];
    if (!decisions.includes(request.decision)) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `The decision "${String(request.decision)}" is not one of retry, skip, abort.`,
        details: { path: ['decision'], value: request.decision },
        suggestions: ['Resume with decision "retry", "skip" or "abort".'],
      });
    }
    let stepId = request.stepId;
    if (stepId === undefined) {
      if (state.waiting.size > 1) {
        throw new AgentryError({
          code: 'validation_failed',
          message: `The run "${runId}" waits at several steps (${[...state.waiting].join(', ')}); name one with stepId.`,
          details: { runId, waiting: [...state.waiting] },
          suggestions: ['Pass { stepId } with the decision.'],
        });
      }
      stepId = [...state.waiting][0]!;
    } else if (!state.waiting.has(stepId)) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `The run "${runId}" does not wait at step "${stepId}" (it waits at ${[...state.waiting].join(', ')}).`,
        details: { runId, stepId, waiting: [...state.waiting] },
        suggestions: ['Pass the stepId of a waiting step.'],
      });
    }
    const childRunId = state.steps.get(stepId)?.suspended?.childRunId;
    if (childRunId !== undefined) {
      await resumeInternal(childRunId, { decision: request.decision, data: request.data }, actor);
      return wait(runId);
    }
    if (request.data !== undefined) {
      const problem = findSerializationProblem(request.data);
      if (problem) {
        throw new AgentryError({
          code: 'validation_failed',
          message: `The resume data is not JSON: ${problem.reason}`,
          details: { path: ['data', ...problem.path] },
          suggestions: ['Pass plain JSON data.'],
        });
      }
    }
    assertDefinitionUsable(found.record, state);
    const key = `${runId}\u0000${stepId}`;
    const timer = deadlineTimers.get(key);
    if (timer !== undefined) {
      clock.clearTimeout(timer);
      deadlineTimers.delete(key);
    }
    await append(bareContext(found.record, state), {
      type: 'run-resume',
      stepId,
      decision: request.decision,
      ...(request.data === undefined ? {} : { data: request.data }),
      ...(actor === undefined ? {} : { actor }),
    });
    await updateRunRecord(store, runId, (record) => recordFromState(record, state));
    await launch(runId);
    return wait(runId);
  }

  async function resume(
    runId: string,
    request: ResumeRequest,
    who: ResumeActor = {},
  ): Promise<RunRecord> {
    const permissions = who.permissions ?? [];
    if (!permissions.includes(resumePermission) && !permissions.includes('*')) {
      throw new AgentryError({
        code: 'permission_denied',
        message: `Resuming run "${runId}" needs the permission "${resumePermission}"${who.actor ? `, which ${who.actor} lacks` : ''}.`,
        details: { runId, actor: who.actor, required: resumePermission },
        suggestions: [`Grant "${resumePermission}" to the person who decides.`],
      });
    }
    return resumeInternal(runId, request, who.actor);
  }

  async function cancel(runId: string): Promise<RunRecord> {
    assertOpen();
    const found = await readRunRecord(store, runId);
    if (!found) throw runNotFound(runId);
    runControllers.get(runId)?.abort();
    const running = executions.get(runId);
    if (running) await running.catch(() => undefined);
    for (const child of await readRunRecords(store)) {
      if (
        child.parent?.runId === runId &&
        (child.status === 'running' || child.status === 'waiting-for-person')
      ) {
        await cancel(child.runId);
      }
    }
    const state = await loadState(runId);
    if (!state.ended) {
      for (const key of [...deadlineTimers.keys()]) {
        if (key.startsWith(`${runId}\u0000`)) {
          clock.clearTimeout(deadlineTimers.get(key));
          deadlineTimers.delete(key);
        }
      }
      const error = new AgentryError({
        code: 'aborted',
        message: `The run "${runId}" was cancelled.`,
        details: { runId },
      });
      await append(bareContext(found.record, state), {
        type: 'run-error',
        error: error.toJSON(),
        cancelled: true,
      });
    }
    return syncRecord(runId, state);
  }

  async function recover(): Promise<RecoverReport> {
    assertOpen();
    const report: RecoverReport = { resumed: [], waiting: [], refused: [] };
    const records = new Map((await readRunRecords(store)).map((record) => [record.runId, record]));
    for (const entry of await listAll(store, 'workflow-start:')) {
      const first = entry.data as { runId: string; workflowId: string; input: unknown };
      if (!records.has(first.runId) && Object.hasOwn(definitions, first.workflowId)) {
        await createRun(first);
        const created = await readRunRecord(store, first.runId);
        if (created) records.set(first.runId, created.record);
      }
    }
    for (const record of records.values()) {
      if (record.status !== 'running' && record.status !== 'waiting-for-person') continue;
      if (executions.has(record.runId)) continue;
      try {
        const state = await loadState(record.runId);
        if (state.ended) {
          await syncRecord(record.runId, state);
          continue;
        }
        if (state.nextSeq > 0) assertDefinitionUsable(record, state);
        else findDefinition(record.workflowId);
        if (state.waiting.size > 0) {
          if (record.status !== 'waiting-for-person') await syncRecord(record.runId, state);
          armDeadlines(record.runId, state);
          if (!record.parent) report.waiting.push(record.runId);
          continue;
        }
        // A child run goes on inside its parent's execution.
        if (record.parent) continue;
        events.next({
          type: 'run-resume',
          runId: record.runId,
          workflowId: record.workflowId,
          at: clock.now(),
        });
        void launch(record.runId);
        report.resumed.push(record.runId);
      } catch (error) {
        report.refused.push({ runId: record.runId, error: toAgentryError(error).toJSON() });
      }
    }
    return report;
  }

  return {
    start,
    async run(workflowId, input, startOptions) {
      const { runId } = await start(workflowId, input, startOptions);
      return wait(runId);
    },
    wait,
    recover,
    resume,
    cancel,
    async activeRuns(workflowId) {
      return (await readRunRecords(store)).filter(
        (record) =>
          record.workflowId === workflowId &&
          (record.status === 'running' || record.status === 'waiting-for-person'),
      ).length;
    },
    async getRun(runId) {
      return (await readRunRecord(store, runId))?.record;
    },
    async listRuns(filter = {}) {
      return (await readRunRecords(store)).filter(
        (record) =>
          (filter.workflowId === undefined || record.workflowId === filter.workflowId) &&
          (filter.status === undefined || record.status === filter.status),
      );
    },
    journal: (runId) => readJournal(store, runId),
    events$: events.asObservable(),
    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      for (const timer of deadlineTimers.values()) clock.clearTimeout(timer);
      deadlineTimers.clear();
      await Promise.allSettled([...executions.values()]);
      events.complete();
    },
  };
}

function isDefinitionMap(value: unknown): value is Record<string, WorkflowDefinition> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !('steps' in value && Array.isArray(value.steps))
  );
}

function fromJson(error: AgentryErrorJson): AgentryError {
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
