import type { ApprovalRequestedEvent, ApprovalResolvedEvent } from './approval-types.js';

function isEvent(value: unknown, type: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as { type?: unknown; id?: unknown; toolName?: unknown };
  return event.type === type && typeof event.id === 'string' && typeof event.toolName === 'string';
}

/**
 * Tells whether an event from `agentry.events$` is an `approval-requested` event: a call of a
 * destructive tool that waits for a person to approve it.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import { isApprovalRequested } from '@agentry/security';
 *
 * declare const agentry: Agentry;
 * agentry.events$.subscribe(({ event }) => {
 *   if (isApprovalRequested(event)) console.log(`${event.principal.id} asks to run ${event.toolName} (${event.id})`);
 * });
 * ```
 */
export function isApprovalRequested(event: unknown): event is ApprovalRequestedEvent {
  return isEvent(event, 'approval-requested');
}

/**
 * Tells whether an event from `agentry.events$` is an `approval-resolved` event: a request that
 * was approved, denied, expired or cancelled.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import { isApprovalResolved } from '@agentry/security';
 *
 * declare const agentry: Agentry;
 * agentry.events$.subscribe(({ event }) => {
 *   if (isApprovalResolved(event)) console.log(`${event.toolName}: ${event.outcome}`);
 * });
 * ```
 */
export function isApprovalResolved(event: unknown): event is ApprovalResolvedEvent {
  return isEvent(event, 'approval-resolved');
}
