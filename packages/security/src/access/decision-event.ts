import type { AuthorizationDecision, AuthorizationRequest, SecurityEvent } from '@agentry/core';
import { resourcePathOf } from './typed-path.js';

/**
 * Options of {@link decisionEvent}.
 *
 * @example
 * ```ts
 * import type { DecisionEventOptions } from '@agentry/security';
 *
 * const options: DecisionEventOptions = { at: Date.now(), traceId: '4bf92f3577b34da6a3ce929d0e0e4736' };
 * console.log(options.at);
 * ```
 */
export interface DecisionEventOptions {
  /** When the decision was made, in epoch milliseconds. */
  readonly at: number;
  /** The trace the request belongs to, when tracing is on. */
  readonly traceId?: string;
}

/**
 * The audit event of one decision: a `SecurityEvent` of category `access-decision` with the
 * engine's outcome and policy ids, the principal as subject, the action, the resource path, the
 * reasons joined with `; `, and severity `low` for an allow, `medium` for a deny. Fields the
 * request holds in the wrong type are left out rather than guessed.
 *
 * @example
 * ```ts
 * import { compilePolicy, createPolicyAuthorizer, decisionEvent } from '@agentry/security';
 *
 * const events: unknown[] = [];
 * const authorizer = createPolicyAuthorizer({
 *   policy: compilePolicy({ permissions: [] }),
 *   onDecision: ({ request, decision, at }) => events.push(decisionEvent(request, decision, { at })),
 * });
 * await authorizer.authorize({ principal: { id: 'alice' }, action: 'read', resource: { type: 'tools', id: 'search' } });
 * console.log(events); // [{ type: 'security', category: 'access-decision', outcome: 'deny', severity: 'medium', ... }]
 * ```
 */
export function decisionEvent(
  request: AuthorizationRequest,
  decision: AuthorizationDecision,
  options: DecisionEventOptions,
): SecurityEvent {
  const principal: unknown = (request as Partial<AuthorizationRequest> | undefined)?.principal;
  const subject: unknown =
    typeof principal === 'object' && principal !== null
      ? (principal as { id?: unknown }).id
      : undefined;
  const resource: unknown = (request as Partial<AuthorizationRequest> | undefined)?.resource;
  const path =
    typeof resource === 'object' && resource !== null ? resourcePathOf(resource) : undefined;
  const action: unknown = (request as Partial<AuthorizationRequest> | undefined)?.action;
  const context: unknown = (request as Partial<AuthorizationRequest> | undefined)?.context;
  const { runId, toolCallId } =
    typeof context === 'object' && context !== null
      ? (context as { runId?: unknown; toolCallId?: unknown })
      : {};
  return {
    type: 'security',
    category: 'access-decision',
    severity: decision.decision === 'allow' ? 'low' : 'medium',
    at: options.at,
    outcome: decision.decision,
    policyIds: [...decision.policyIds],
    ...(typeof subject === 'string' ? { subject } : {}),
    ...(typeof action === 'string' ? { action } : {}),
    ...(typeof path === 'string' ? { resource: path } : {}),
    ...(decision.reasons.length > 0 ? { reason: decision.reasons.join('; ') } : {}),
    ...(options.traceId === undefined ? {} : { traceId: options.traceId }),
    // Where it happened, so telemetry can put the decision on its run's span.
    ...(typeof runId === 'string' && runId !== '' ? { runId } : {}),
    ...(typeof toolCallId === 'string' && toolCallId !== '' ? { toolCallId } : {}),
  };
}
