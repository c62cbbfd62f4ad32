import {
  AgentryError,
  findSerializationProblem,
  principalProblem,
  type AuthorizationPrincipal,
  type AuthorizationRequest,
} from '@agentry/core';
import type { RunRecord } from './runner-types.js';

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
      : problemOf(principal as Record<string, unknown>);
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

function problemOf(candidate: Record<string, unknown>): string | undefined {
  return principalProblem(candidate) ?? attributesProblem(candidate.attributes);
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

function resourcePath(resource: AuthorizationRequest['resource']): string {
  return resource.id === undefined ? resource.type : `${resource.type}:${resource.id}`;
}
