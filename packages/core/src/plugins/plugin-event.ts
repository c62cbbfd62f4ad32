import { AgentryError } from '../errors/index.js';

/**
 * A security-relevant event: security emits one through `host.emit` for each denied access, rate
 * limit hit or failed integrity check, and alerts of type `security` count them.
 *
 * @example
 * ```ts
 * import { definePlugin, type SecurityEvent } from '@agentry/core';
 *
 * export const guard = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-guard',
 *     version: '1.0.0',
 *     setup(host) {
 *       const denied: SecurityEvent = {
 *         type: 'security',
 *         category: 'access-denied',
 *         severity: 'high',
 *         at: Date.now(),
 *         subject: 'user-42',
 *         action: 'tool.call',
 *         resource: 'tool:delete_order',
 *         reason: 'no rule allows it',
 *       };
 *       host.emit(denied);
 *     },
 *   });
 * ```
 */
export interface SecurityEvent {
  /** Discriminant. */
  readonly type: 'security';
  /** What happened, such as `access-denied`, `rate-limited` or `integrity-failure`. */
  readonly category: string;
  /** How serious it is. */
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  /** When, in epoch milliseconds. */
  readonly at: number;
  /** Who acted (a user, an agent, a service), when known. */
  readonly subject?: string;
  /** What they tried, such as `tool.call`. */
  readonly action?: string;
  /** What they acted on, such as `tool:delete_order`. */
  readonly resource?: string;
  /** Why it was refused or flagged. */
  readonly reason?: string;
  /** The trace it happened in, when known. */
  readonly traceId?: string;
  /**
   * For an access decision (`category: 'access-decision'`), what the policy engine decided. A
   * consumer reports exactly this and never infers a verdict from the severity.
   */
  readonly outcome?: 'allow' | 'deny';
  /** For an access decision, the ids of the policies (rules) that decided, when the engine names them. */
  readonly policyIds?: readonly string[];
  /** The agent or workflow run it happened in, when known, so telemetry can place it on the run. */
  readonly runId?: string;
  /** The tool call it concerned, when it concerned one. */
  readonly toolCallId?: string;
}

/**
 * An event a plug-in emits with `host.emit`: a {@link SecurityEvent}, or any event with a
 * non-empty `type` and an `at` in epoch milliseconds.
 *
 * @example
 * ```ts
 * import type { PluginEvent } from '@agentry/core';
 *
 * const fired: PluginEvent = { type: 'alert-fired', at: Date.now(), alert: 'error-rate', severity: 'high' };
 * console.log(fired.type);
 * ```
 */
export type PluginEvent =
  | SecurityEvent
  | {
      /** What happened; not empty. Use kebab-case, such as `alert-fired`. */
      readonly type: string;
      /** When, in epoch milliseconds. */
      readonly at: number;
      /** Anything else the event carries. */
      readonly [field: string]: unknown;
    };

/**
 * Where a plug-in's event on `host.events$` comes from.
 *
 * @example
 * ```ts
 * import type { PluginEventSource } from '@agentry/core';
 *
 * const source: PluginEventSource = { kind: 'plugin', plugin: '@agentry/security' };
 * console.log(source.plugin);
 * ```
 */
export interface PluginEventSource {
  /** Discriminant. */
  readonly kind: 'plugin';
  /** The name of the plug-in that emitted it. */
  readonly plugin: string;
}

const severities: ReadonlySet<unknown> = new Set(['low', 'medium', 'high', 'critical']);
const optionalStrings = [
  'subject',
  'action',
  'resource',
  'reason',
  'traceId',
  'runId',
  'toolCallId',
] as const;

/**
 * Checks an event given to `host.emit`.
 *
 * @internal
 * @throws AgentryError `validation_failed` naming the plug-in, the field and the value
 */
export function checkPluginEvent(plugin: string, event: unknown): asserts event is PluginEvent {
  const problem = describeProblem(event);
  if (problem === undefined) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `Plug-in ${plugin} emitted an event whose ${problem.field} ${problem.rule} (got ${describe(problem.value)}).`,
    details: { plugin, path: [problem.field], received: describe(problem.value) },
    suggestions: [
      'Emit an object with a non-empty string type and a finite at in epoch milliseconds (Date.now()).',
      ...(problem.field === 'type' ? [] : [`Fix ${problem.field} of the event.`]),
    ],
  });
}

function describeProblem(
  event: unknown,
): { field: string; rule: string; value: unknown } | undefined {
  if (typeof event !== 'object' || event === null) {
    return { field: 'value', rule: 'is not an object', value: event };
  }
  const candidate = event as Record<string, unknown>;
  if (typeof candidate.type !== 'string' || candidate.type.length === 0) {
    return { field: 'type', rule: 'must be a non-empty string', value: candidate.type };
  }
  if (typeof candidate.at !== 'number' || !Number.isFinite(candidate.at)) {
    return {
      field: 'at',
      rule: 'must be a finite number (epoch milliseconds)',
      value: candidate.at,
    };
  }
  if (candidate.type !== 'security') return undefined;
  if (typeof candidate.category !== 'string' || candidate.category.length === 0) {
    return { field: 'category', rule: 'must be a non-empty string', value: candidate.category };
  }
  if (!severities.has(candidate.severity)) {
    return {
      field: 'severity',
      rule: 'must be low, medium, high or critical',
      value: candidate.severity,
    };
  }
  if (
    candidate.outcome !== undefined &&
    candidate.outcome !== 'allow' &&
    candidate.outcome !== 'deny'
  ) {
    return {
      field: 'outcome',
      rule: 'must be allow or deny when present',
      value: candidate.outcome,
    };
  }
  if (
    candidate.policyIds !== undefined &&
    (!Array.isArray(candidate.policyIds) ||
      candidate.policyIds.some((id: unknown) => typeof id !== 'string'))
  ) {
    return {
      field: 'policyIds',
      rule: 'must be a list of strings when present',
      value: candidate.policyIds,
    };
  }
  for (const field of optionalStrings) {
    const value = candidate[field];
    if (value !== undefined && typeof value !== 'string') {
      return { field, rule: 'must be a string when present', value };
    }
  }
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : typeof value;
}
