import { AgentryError, toAgentryError } from '../errors/index.js';
import type {
  AuthorizationPrincipal,
  AuthorizationRequest,
  Authorizer,
} from '../plugins/plugin-services.js';
import type { ExecutionContext } from '../schemas/execution-context.js';
import type { AccessAction } from './define-tool.js';
import type { SendAdmission, SendAdmissionContext } from './middleware.js';

/**
 * Who an agent acts for in a turn: the send's principal, else a user principal for the context's
 * `userId`, else the agent itself.
 *
 * @internal
 */
export function principalOf(
  given: AuthorizationPrincipal | undefined,
  agentId: string,
  context: ExecutionContext,
): AuthorizationPrincipal {
  if (given !== undefined) return given;
  return context.userId !== undefined
    ? { id: context.userId, kind: 'user' }
    : { id: agentId, kind: 'agent' };
}

/**
 * What is wrong with a principal, in words that follow "The principal ...", or `undefined` when
 * it is usable: an object with a non-empty string `id`, a `kind` of `user`, `service` or `agent`
 * when given, and `roles` as strings when given. Its attributes are not looked at.
 *
 * @example
 * ```ts
 * import { principalProblem } from '@agentry/core';
 *
 * console.log(principalProblem({ id: 'alice', roles: ['member'] })); // undefined
 * console.log(principalProblem({ id: '' })); // 'has no id (a non-empty string)'
 * ```
 */
export function principalProblem(principal: unknown): string | undefined {
  if (typeof principal !== 'object' || principal === null || Array.isArray(principal))
    return 'is not an object';
  const { id, kind, roles } = principal as { id?: unknown; roles?: unknown; kind?: unknown };
  if (typeof id !== 'string' || id.trim() === '') return 'has no id (a non-empty string)';
  if (kind !== undefined && kind !== 'user' && kind !== 'service' && kind !== 'agent')
    return 'has a kind other than user, service or agent';
  if (
    roles !== undefined &&
    (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string'))
  )
    return 'has roles that are not a list of strings';
  return undefined;
}

/**
 * Checks a `SendOptions.principal` before anything is asked of it.
 *
 * @internal
 */
export function checkPrincipal(principal: unknown): AgentryError | undefined {
  if (principal === undefined) return undefined;
  const problem = principalProblem(principal);
  if (problem === undefined) return undefined;
  return new AgentryError({
    code: 'validation_failed',
    message: `The send's principal ${problem}; the turn was not sent.`,
    details: { path: ['principal'] },
    suggestions: [
      "Pass { id: '<user id>' } (and roles as strings, when the caller vouches for some).",
    ],
  });
}

/**
 * Asks `authorizer` and throws `permission_denied` naming the action and the resource when it
 * denies, or when it throws: an authorizer that fails refuses, never admits (its own
 * `permission_denied` keeps its message). The message carries neither the policy's reasons nor
 * its ids; those go to the decision event the authorizer emits. Agents, workflows and realtime
 * enforce through it; an application's own enforcement points can too.
 *
 * @throws AgentryError `permission_denied` with `details.action`, `details.resource` (the typed
 *   path) and `details.principal`
 * @example
 * ```ts
 * import { requireAuthorization, services, type Agentry } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const authorizer = agentry.services.lookup(services.authorizer);
 * // Before reloading the configuration on an operator's request:
 * if (authorizer)
 *   await requireAuthorization(authorizer, {
 *     principal: { id: 'ops-7', kind: 'user' },
 *     action: 'update',
 *     resource: { type: 'config' },
 *     context: { operation: 'config.reload' },
 *   });
 * ```
 */
export async function requireAuthorization(
  authorizer: Authorizer,
  request: AuthorizationRequest,
): Promise<void> {
  let decision: Awaited<ReturnType<Authorizer['authorize']>>;
  try {
    decision = await authorizer.authorize(request);
  } catch (error) {
    const cause = toAgentryError(error);
    // The authorizer's own refusal (a policy store it could not read, a limit) keeps its code.
    if (cause.code === 'permission_denied') throw cause;
    throw denied(request, 'the authorizer could not decide', cause);
  }
  if (decision?.decision !== 'allow') throw denied(request);
}

function denied(request: AuthorizationRequest, why?: string, cause?: unknown): AgentryError {
  const resource = resourcePath(request.resource);
  return new AgentryError({
    code: 'permission_denied',
    message: `${request.principal.id} may not ${request.action} ${resource}${why ? ` (${why})` : ''}.`,
    details: { action: request.action, resource, principal: request.principal.id },
    suggestions: [`Grant ${request.action} on ${resource} to one of the principal's roles.`],
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * A resource as a typed path: `tools:search`, `agents:a-1`, `config`.
 *
 * @internal
 */
export function resourcePath(resource: AuthorizationRequest['resource']): string {
  return resource.id === undefined ? resource.type : `${resource.type}:${resource.id}`;
}

/**
 * The checks a turn passes before it joins the queue: the authorizer's `update` on
 * `agents:<id>`, then the admission checks in order.
 *
 * @internal
 */
export async function admitTurn(
  authorizer: Authorizer | undefined,
  admission: readonly SendAdmission[],
  context: SendAdmissionContext,
): Promise<void> {
  if (authorizer !== undefined) {
    await requireAuthorization(authorizer, {
      principal: context.principal,
      action: 'update',
      resource: {
        type: 'agents',
        id: context.agentId,
        attributes: {
          ...(context.userId === undefined ? {} : { owner: context.userId }),
          sessionId: context.sessionId,
        },
      },
      // No `agent`: the send is the principal's own action; the agent's permissions bound what
      // it then does (its tool calls), not who may talk to it.
      context: { operation: 'agent.send', runId: context.runId, sessionId: context.sessionId },
    });
  }
  // The caller checks for an abort between checks and after them: reading `context.signal` here
  // would make the run's AbortSignal, a few microseconds, for every turn.
  // A check that answers synchronously (returns nothing, as an in-memory limit with room does) is
  // not awaited: awaiting `undefined` would only add a microtask hop per check. Order holds either
  // way, since each check is called only after the previous one has settled.
  for (const check of admission) {
    const pending = check(context);
    if (pending !== undefined) await pending;
  }
}

/** @internal The request for a tool call, asked before its arguments are read. */
export function toolCallRequest(
  principal: AuthorizationPrincipal,
  agent: { id: string; permissions: readonly string[] },
  tool: { name: string; action: AccessAction; destructive: boolean },
  call: { runId: string; toolCallId: string; sessionId: string },
): AuthorizationRequest {
  return {
    principal,
    action: tool.action,
    resource: { type: 'tools', id: tool.name, attributes: { destructive: tool.destructive } },
    agent,
    context: {
      operation: 'tool.call',
      runId: call.runId,
      toolCallId: call.toolCallId,
      sessionId: call.sessionId,
    },
  };
}
