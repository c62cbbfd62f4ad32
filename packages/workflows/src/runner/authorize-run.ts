import {
  AgentryError,
  findSerializationProblem,
  toAgentryError,
  type AuthorizationPrincipal,
  type AuthorizationRequest,
  type Authorizer,
} from '@agentry/core';
import type { RunRecord } from './runner-types.js';

const kinds: readonly string[] = ['user', 'service', 'agent'];

/**
 * Checks a principal given to `start` or `resume` and returns the copy a run stores: its id,
 * kind, roles and attributes, nothing else, as fresh JSON (so that nothing the caller keeps a
 * reference to, and no inherited key, reaches the store).
 *
 * @internal
 * @throws AgentryError `validation_failed` naming `path` when the principal is not an object with
 *   a non-empty string id, a known kind, roles as strings and JSON attributes
 */
export function checkPrincipal(
  principal: unknown,
  path: string,
  what: string,
): AuthorizationPrincipal | undefined {
  if (principal === undefined) return undefined;
  const problem =
    typeof principal !== 'object' || principal === null || Array.isArray(principal)
      ? 'is not an object'
      : principalProblem(principal as Record<string, unknown>);
  if (problem !== undefined) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The principal ${what} ${problem}.`,
      details: { path: [path] },
      suggestions: [
        "Pass { id: '<user id>' } (with kind 'user', 'service' or 'agent', roles as strings and JSON attributes when needed).",
      ],
    });
  }
  const valid = principal as AuthorizationPrincipal;
  return {
    id: valid.id,
    ...(valid.kind === undefined ? {} : { kind: valid.kind }),
    ...(valid.roles === undefined ? {} : { roles: [...valid.roles] }),
    ...(valid.attributes === undefined
      ? {}
      : { attributes: JSON.parse(JSON.stringify(valid.attributes)) as Record<string, unknown> }),
  };
}

function principalProblem(candidate: Record<string, unknown>): string | undefined {
  const { id, kind, roles } = candidate;
  if (typeof id !== 'string' || id.trim() === '') return 'has no id (a non-empty string)';
  if (kind !== undefined && !kinds.includes(kind as string))
    return 'has a kind other than user, service or agent';
  if (
    roles !== undefined &&
    (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string'))
  )
    return 'has roles that are not a list of strings';
  return attributesProblem(candidate.attributes);
}

function attributesProblem(attributes: unknown): string | undefined {
  if (attributes === undefined) return undefined;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
    return 'has attributes that are not an object';
  const problem = findSerializationProblem(attributes);
  return problem === undefined
    ? undefined
    : `has attributes that are not JSON at ${['attributes', ...problem.path].join('.')}: ${problem.reason}`;
}

/**
 * Asks `authorizer` and throws `permission_denied` naming the action and the resource when it
 * denies, or throws (an authorizer that fails refuses, never admits). The message carries
 * neither the policy's reasons nor its ids; those belong to the decision event the authorizer
 * emits.
 *
 * @internal
 */
export async function authorizeOrThrow(
  authorizer: Authorizer,
  request: AuthorizationRequest,
): Promise<void> {
  let decision: Awaited<ReturnType<Authorizer['authorize']>>;
  try {
    decision = await authorizer.authorize(request);
  } catch (error) {
    const cause = toAgentryError(error);
    // The authorizer's own refusal keeps its code.
    if (cause.code === 'permission_denied') throw cause;
    throw denied(request, 'the authorizer could not decide', cause);
  }
  if (decision?.decision !== 'allow') throw denied(request);
}

/**
 * The refusal of an action asked without a principal while an authorizer is installed: nothing
 * is asked on behalf of nobody.
 *
 * @internal
 */
export function principalMissing(
  action: string,
  resource: AuthorizationRequest['resource'],
  suggestion: string,
): AgentryError {
  const path = resourcePath(resource);
  return new AgentryError({
    code: 'permission_denied',
    message: `Nobody may ${action} ${path}: an authorizer is installed and no principal was given.`,
    details: { action, resource: path },
    suggestions: [suggestion],
  });
}

/**
 * The stored attributes of a run that a resume is authorized on: its owner (the principal that
 * started it, else the user it serves), its workflow and its status, read from its record.
 *
 * @internal
 */
export function runAttributes(record: RunRecord): Record<string, unknown> {
  const owner = record.principal?.id ?? record.userId;
  return {
    ...(owner === undefined ? {} : { owner }),
    workflowId: record.workflowId,
    status: record.status,
    ...(record.parent === undefined ? {} : { parentRunId: record.parent.runId }),
  };
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

function resourcePath(resource: AuthorizationRequest['resource']): string {
  return resource.id === undefined ? resource.type : `${resource.type}:${resource.id}`;
}
