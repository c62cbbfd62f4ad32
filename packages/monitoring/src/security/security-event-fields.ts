import type { InstanceEvent, SecurityEvent } from '@agentry/core';

/** @internal The category of an access decision (`outcome`, `policyIds`) in a `SecurityEvent`. */
export const ACCESS_DECISION = 'access-decision';

/** @internal The category of a call refused by a rate limit. */
export const RATE_LIMITED = 'rate-limited';

/**
 * @internal A plug-in's `SecurityEvent` (type `security`, with a category), or `undefined`. The
 * core checked its fields when it was emitted.
 */
export function securityEventOf(tagged: InstanceEvent): SecurityEvent | undefined {
  if (tagged.source.kind !== 'plugin' || tagged.event.type !== 'security') return undefined;
  const event = tagged.event as Partial<SecurityEvent>;
  return typeof event.category === 'string' ? (event as SecurityEvent) : undefined;
}

/**
 * @internal The type of a typed resource path: `tools` for `tools:delete_order`, `config` for
 * `config`; empty when there is no resource. Never the id: metric labels stay bounded.
 */
export function resourceTypeOf(resource: string | undefined): string {
  if (resource === undefined) return '';
  const colon = resource.indexOf(':');
  return colon === -1 ? resource : resource.slice(0, colon);
}

/**
 * @internal What ties a security event to a run, when the plug-in that emitted it said so: the
 * agent run id (`runId`, from the authorization request's context) and the tool call id
 * (`toolCallId`). Fields that are not non-empty strings are ignored.
 */
export function correlationOf(event: SecurityEvent): {
  readonly runId: string | undefined;
  readonly toolCallId: string | undefined;
} {
  const extra = event as SecurityEvent & {
    readonly runId?: unknown;
    readonly toolCallId?: unknown;
  };
  return { runId: nonEmpty(extra.runId), toolCallId: nonEmpty(extra.toolCallId) };
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;
