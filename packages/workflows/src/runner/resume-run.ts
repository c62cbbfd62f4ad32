import {
  AgentryError,
  findSerializationProblem,
  requireAuthorization,
  type AuthorizationPrincipal,
  type Authorizer,
} from '@agentry/core';
import { checkPrincipal, principalMissing, runAttributes } from './authorize-run.js';
import { disarmDeadline } from './arm-deadlines.js';
import { launch } from './execute-run.js';
import { journalClaimed } from './journal-claimed.js';
import { executionOf } from './local-runs.js';
import { isHeld } from './run-lease.js';
import type { ResumeDecision } from './journal-entry.js';
import { assertDefinitionUsable } from './migrate-run.js';
import { append, loadState } from './run-journal.js';
import { readRunRecord, runNotFound, updateRunRecord } from './run-store.js';
import { assertOpen, type RunnerCore } from './runner-core.js';
import type { ResumeActor, ResumeRequest, RunRecord } from './runner-types.js';
import { recordFromState } from './sync-run-record.js';
import { waitForRun } from './wait-for-run.js';

const decisions: readonly ResumeDecision[] = ['retry', 'skip', 'abort'];

/**
 * `WorkflowRunner.resume`: checks the caller may resume the run (with the runner's authorizer,
 * `update` on `runs:<run id>` with the stored run's attributes; without one, the resume
 * permission), then records the decision.
 *
 * @internal
 * @throws AgentryError `permission_denied` when the caller may not resume it, and as
 *   {@link resumeRun}
 */
export async function resumeWithPermission(
  core: RunnerCore,
  runId: string,
  request: ResumeRequest,
  who: ResumeActor = {},
): Promise<RunRecord> {
  const principal = checkPrincipal(who.principal, 'principal', `resuming run "${runId}"`);
  const actor = who.actor ?? principal?.id;
  if (core.authorizer !== undefined) {
    await authorizeResume(core, core.authorizer, runId, request, principal ?? actorPrincipal(who));
    return resumeRun(core, runId, request, actor);
  }
  const { resumePermission } = core;
  const permissions = who.permissions ?? [];
  if (!permissions.includes(resumePermission) && !permissions.includes('*')) {
    throw new AgentryError({
      code: 'permission_denied',
      message: `Resuming run "${runId}" needs the permission "${resumePermission}"${actor ? `, which ${actor} lacks` : ''}.`,
      details: { runId, actor, required: resumePermission },
      suggestions: [`Grant "${resumePermission}" to the person who decides.`],
    });
  }
  return resumeRun(core, runId, request, actor);
}

function actorPrincipal(who: ResumeActor): AuthorizationPrincipal | undefined {
  return typeof who.actor === 'string' && who.actor.trim() !== ''
    ? { id: who.actor, kind: 'user' }
    : undefined;
}

/**
 * Asks the authorizer whether `principal` may `update` the run, on the attributes of the run as
 * stored (read once the execution of it in this process, if any, has settled). Nothing is
 * changed before it allows.
 *
 * @throws AgentryError `not_found` for an unknown run; `permission_denied` when it denies or
 *   there is no principal
 */
async function authorizeResume(
  core: RunnerCore,
  authorizer: Authorizer,
  runId: string,
  request: ResumeRequest,
  principal: AuthorizationPrincipal | undefined,
): Promise<void> {
  assertOpen(core);
  await executionOf(core, runId)?.catch(() => undefined);
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  const resource = { type: 'runs', id: runId, attributes: runAttributes(found.record) };
  if (principal === undefined) {
    throw principalMissing(
      'update',
      resource,
      'Pass { principal } (or an actor) as the third argument of resume().',
    );
  }
  await requireAuthorization(authorizer, {
    principal,
    action: 'update',
    resource,
    context: {
      operation: 'workflow.resume',
      runId,
      workflowId: found.record.workflowId,
      decision: request?.decision,
      ...(request?.stepId === undefined ? {} : { stepId: request.stepId }),
    },
  });
}

/**
 * Journals a decision on a run waiting for a person (passing it on to a waiting child run), then
 * lets the run go on and waits for it.
 *
 * @internal
 * @throws AgentryError `not_found` for an unknown run; `invalid_transition` when it does not wait;
 *   `validation_failed` for an unknown decision or step, or data that is not JSON;
 *   `migration_required` when its workflow changed without a migration
 */
export async function resumeRun(
  core: RunnerCore,
  runId: string,
  request: ResumeRequest,
  actor: string | undefined,
): Promise<RunRecord> {
  assertOpen(core);
  await executionOf(core, runId)?.catch(() => undefined);
  const found = await readRunRecord(core.store, runId);
  if (!found) throw runNotFound(runId);
  const state = await loadState(core, runId);
  if (state.waiting.size === 0 || state.ended) throw notWaiting(runId, found.record.status);
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
    await resumeRun(core, childRunId, { decision: request.decision, data: request.data }, actor);
    return waitForRun(core, runId);
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
  assertDefinitionUsable(core, found.record, state);
  disarmDeadline(core, runId, stepId);
  const resumed = await journalClaimed(core, found.record, {}, async (ctx) => {
    // Read again under the lease: another runner may have decided in between.
    if (!ctx.state.waiting.has(stepId))
      throw notWaiting(runId, ctx.state.ended ? 'ended' : 'running');
    await append(core, ctx, {
      type: 'run-resume',
      stepId,
      decision: request.decision,
      ...(request.data === undefined ? {} : { data: request.data }),
      ...(actor === undefined ? {} : { actor }),
    });
    await updateRunRecord(core.store, runId, (record) => recordFromState(core, record, ctx.state));
  });
  if (isHeld(resumed)) {
    throw new AgentryError({
      code: 'conflict',
      message: `The run "${runId}" is being changed by another runner (${resumed.owner}), so the decision was not recorded.`,
      details: { runId, owner: resumed.owner, expiresAt: resumed.expiresAt },
      suggestions: ['Read the run again and decide once it waits for a person.'],
    });
  }
  await launch(core, runId);
  return waitForRun(core, runId);
}

function notWaiting(runId: string, status: string): AgentryError {
  return new AgentryError({
    code: 'invalid_transition',
    message: `The run "${runId}" is ${status}, not waiting for a person, so it cannot be resumed.`,
    details: { runId, status },
    suggestions: ['Resume only runs whose status is waiting-for-person.'],
  });
}
