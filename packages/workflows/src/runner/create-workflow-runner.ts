import {
  AgentryError,
  findSerializationProblem,
  requireAuthorization,
  type AuthorizationPrincipal,
  type Authorizer,
  type ContextPropagator,
} from '@agentry/core';
import type { StartRunOptions, StartedRun } from '../workflow-starter.js';
import { checkPrincipal, principalMissing } from './authorize-run.js';
import { cancelRun } from './cancel-run.js';
import type { CompiledWorkflow } from './compile-workflow.js';
import { launch } from './execute-run.js';
import { clearAllTimers, executionOf, heldLeases } from './local-runs.js';
import { releaseLease } from './run-lease.js';
import { startRecordKind, runnerSchemaVersion } from './journal-entry.js';
import { recoverRuns } from './recover-runs.js';
import { resumeWithPermission } from './resume-run.js';
import { createRun } from './run-journal.js';
import { isConflict, readJournal, readRunRecord, readRunRecords, startKey } from './run-store.js';
import { assertOpen, createRunnerCore, findWorkflow, type RunnerCore } from './runner-core.js';
import type { WorkflowRunner, WorkflowRunnerOptions } from './runner-types.js';
import { waitForRun } from './wait-for-run.js';

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
  const core = createRunnerCore(options);
  const { store, events } = core;
  const start = (workflowId: string, input: unknown, startOptions?: StartRunOptions) =>
    startRun(core, workflowId, input, startOptions);
  const wait = (runId: string) => waitForRun(core, runId);
  return {
    start,
    async run(workflowId, input, startOptions) {
      const { runId } = await start(workflowId, input, startOptions);
      return wait(runId);
    },
    wait,
    recover: () => recoverRuns(core),
    resume: (runId, request, who) => resumeWithPermission(core, runId, request, who),
    cancel: (runId) => cancelRun(core, runId),
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
      if (core.closed) return;
      core.closed = true;
      core.closing.abort();
      clearAllTimers(core);
      // Each execution releases its run's lease as it stops.
      await Promise.allSettled([...core.local.executions.values()]);
      // Leases left by a claim whose work failed midway: free them for other runners now.
      await Promise.allSettled(heldLeases(core).map((lease) => releaseLease(core, lease)));
      events.complete();
    },
  };
}

/**
 * Starts a run: journals it (once per idempotency key) and lets it execute in the background.
 *
 * @throws AgentryError `not_found` for an unknown workflow; `validation_failed` when the input is
 *   not JSON; `invalid_transition` once the runner closed
 */
async function startRun(
  core: RunnerCore,
  workflowId: string,
  input: unknown,
  startOptions: StartRunOptions = {},
): Promise<StartedRun> {
  assertOpen(core);
  const workflow = findWorkflow(core, workflowId);
  const problem = findSerializationProblem(input ?? null);
  if (problem) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The input of workflow "${workflowId}" is not JSON: ${problem.reason}`,
      details: { workflowId, path: problem.path },
      suggestions: ['Pass plain JSON data as the workflow input.'],
    });
  }
  const { store } = core;
  const runId = core.generateId();
  const { idempotencyKey, origin, userId } = startOptions;
  if (userId !== undefined && (typeof userId !== 'string' || userId.length === 0)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The userId of a run of workflow "${workflowId}" must be a non-empty string (got ${userId === '' ? 'an empty string' : typeof userId}).`,
      details: { workflowId, path: ['userId'] },
      suggestions: ['Pass the id of the user the run serves, or leave userId out.'],
    });
  }
  // Without an authorizer the principal is only checked and stored: no asynchronous step.
  const principal =
    core.authorizer === undefined
      ? checkPrincipal(startOptions.principal, 'principal', startingWhat(workflowId))
      : await authorizeStart(core.authorizer, workflow, startOptions);
  // Captured only when a propagator is installed: without one, starting a run pays nothing.
  const traceContext = core.propagator ? captureContext(core.propagator, workflowId) : undefined;
  const run = {
    runId,
    workflowId,
    input: input ?? null,
    ...(origin ? { origin } : {}),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(userId === undefined ? {} : { userId }),
    ...(principal === undefined ? {} : { principal }),
    ...(traceContext === undefined ? {} : { traceContext }),
  };
  if (idempotencyKey !== undefined) {
    try {
      await store.put(
        startKey(workflowId, idempotencyKey),
        { kind: startRecordKind, schemaVersion: runnerSchemaVersion, data: run },
        { expectedRevision: null },
      );
    } catch (error) {
      if (!isConflict(error)) throw error;
      const first = (await store.get(startKey(workflowId, idempotencyKey)))?.data as typeof run;
      const found = await readRunRecord(store, first.runId);
      // The first start may be between its writes, or may have stopped there: finish it. Either
      // way the run is launched here too; its lease lets exactly one runner execute it, and a
      // runner that finds it held takes it over should the holder stop.
      if (!found) await createRun(core, first);
      if (!found || (found.record.status === 'running' && !executionOf(core, first.runId))) {
        void launch(core, first.runId);
      }
      return { runId: first.runId, deduplicated: true };
    }
  }
  await createRun(core, run);
  void launch(core, runId);
  return { runId, deduplicated: false };
}

/**
 * Checks the start's principal and asks the authorizer for `create` on `workflows:<id>`. Returns
 * the principal the run stores: the one given, else the user principal for `userId` that was
 * authorized.
 *
 * @throws AgentryError `validation_failed` for a malformed principal; `permission_denied` when
 *   the authorizer denies, or when it is installed and there is no principal to ask for
 */
async function authorizeStart(
  authorizer: Authorizer,
  workflow: CompiledWorkflow,
  startOptions: StartRunOptions,
): Promise<AuthorizationPrincipal> {
  const workflowId = workflow.definition.id;
  const given = checkPrincipal(startOptions.principal, 'principal', startingWhat(workflowId));
  const { userId } = startOptions;
  const principal =
    given ??
    (typeof userId === 'string' && userId.length > 0
      ? { id: userId, kind: 'user' as const }
      : undefined);
  const resource = {
    type: 'workflows',
    id: workflowId,
    attributes: { name: workflow.definition.name, definitionHash: workflow.hash },
  };
  if (principal === undefined) {
    throw principalMissing(
      'create',
      resource,
      'Pass StartRunOptions.principal (or a userId) with the start.',
    );
  }
  await requireAuthorization(authorizer, {
    principal,
    action: 'create',
    resource,
    context: { operation: 'workflow.start', workflowId },
  });
  return principal;
}

function startingWhat(workflowId: string): string {
  return `starting a run of workflow "${workflowId}"`;
}

/**
 * The propagator's carrier for a new run, checked: it is stored with the run, so it must be string
 * fields.
 *
 * @throws AgentryError `validation_failed` when the propagator returns anything else
 */
function captureContext(
  propagator: ContextPropagator,
  workflowId: string,
): Record<string, string> | undefined {
  const carrier: unknown = propagator.capture();
  if (carrier === undefined) return undefined;
  if (
    typeof carrier === 'object' &&
    carrier !== null &&
    !Array.isArray(carrier) &&
    Object.values(carrier).every((value) => typeof value === 'string')
  ) {
    return { ...(carrier as Record<string, string>) };
  }
  throw new AgentryError({
    code: 'validation_failed',
    message: `The context propagator captured a carrier that is not string fields for a run of workflow "${workflowId}", so it cannot be stored with the run.`,
    details: { workflowId, path: ['traceContext'] },
    suggestions: [
      'Make ContextPropagator.capture() return undefined or an object of strings (such as { traceparent }).',
    ],
  });
}
