// TODO(lead): import from @agentry/core once core-ops lands
// Structural copies of the interfaces agreed for core (issue 12), so alerts can be built and
// tested before core declares them; swap these for core's exports in this one file.

/**
 * A structured logger, as core's `Logger` (`services.logger`, `host.logger`).
 *
 * @example
 * ```ts
 * import type { AlertLogger } from '@agentry/monitoring';
 *
 * const logger: AlertLogger = {
 *   debug: () => {},
 *   info: () => {},
 *   warn: (object, message) => console.warn(message, object),
 *   error: (object, message) => console.error(message, object),
 *   child() {
 *     return this;
 *   },
 * };
 * logger.warn({ channel: 'alerts[0].channels[1]' }, 'alert delivery failed');
 * ```
 */
export interface AlertLogger {
  /** Logs at debug level. */
  debug(object: Record<string, unknown> | string, message?: string): void;
  /** Logs at info level. */
  info(object: Record<string, unknown> | string, message?: string): void;
  /** Logs at warn level. */
  warn(object: Record<string, unknown> | string, message?: string): void;
  /** Logs at error level. */
  error(object: Record<string, unknown> | string, message?: string): void;
  /** A logger whose lines all carry `bindings`. */
  child(bindings: Record<string, unknown>): AlertLogger;
}

/**
 * One record of the audit trail, as core's `AuditEntry`.
 *
 * @example
 * ```ts
 * import type { AlertAuditEntry } from '@agentry/monitoring';
 *
 * const entry: AlertAuditEntry = {
 *   at: new Date().toISOString(),
 *   category: 'alert',
 *   action: 'alert.fired',
 *   subject: 'alerts[0]',
 *   details: { value: 12.5, threshold: 5 },
 * };
 * console.log(entry.action);
 * ```
 */
export interface AlertAuditEntry {
  /** When, in ISO 8601. */
  readonly at: string;
  /** What kind of record. */
  readonly category: 'configuration' | 'plugin' | 'alert' | 'security' | 'data';
  /** What happened, such as `alert.fired`. */
  readonly action: string;
  /** Who did it, when known. */
  readonly actor?: string;
  /** What it concerns. */
  readonly subject?: string;
  /** More about it; never a secret. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * An append-only audit trail, as core's `AuditSink` (`services.auditSink`).
 *
 * @example
 * ```ts
 * import type { AlertAuditEntry, AlertAuditSink } from '@agentry/monitoring';
 *
 * const entries: AlertAuditEntry[] = [];
 * const audit: AlertAuditSink = {
 *   append: async (entry) => {
 *     entries.push(entry);
 *   },
 * };
 * await audit.append({ at: new Date().toISOString(), category: 'alert', action: 'alert.resolved' });
 * ```
 */
export interface AlertAuditSink {
  /** Appends one entry. */
  append(entry: AlertAuditEntry): Promise<void>;
}

/**
 * A security event, as core's `SecurityEvent`: what a security plug-in emits through
 * `host.emit`, and what `security` alerts count.
 *
 * @example
 * ```ts
 * import type { SecurityEvent } from '@agentry/monitoring';
 *
 * const denied: SecurityEvent = {
 *   type: 'security',
 *   category: 'access-denied',
 *   severity: 'high',
 *   at: Date.now(),
 *   subject: 'user-42',
 *   action: 'delete',
 *   resource: 'agent:billing',
 * };
 * console.log(denied.category);
 * ```
 */
export interface SecurityEvent {
  /** Discriminant. */
  readonly type: 'security';
  /** What kind of event, such as `access-denied`, `rate-limited` or `integrity-failure`. */
  readonly category: string;
  /** How serious. */
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  /** When, in epoch milliseconds. */
  readonly at: number;
  /** Who. */
  readonly subject?: string;
  /** What they tried. */
  readonly action?: string;
  /** On what. */
  readonly resource?: string;
  /** Why it was refused or flagged. */
  readonly reason?: string;
  /** The trace it belongs to. */
  readonly traceId?: string;
}

/**
 * What alerts read of an instance's event stream (`host.events$`): a subscribable of events
 * tagged with their source. An rxjs `Observable` fits; alerts read only plug-in events.
 *
 * @example
 * ```ts
 * import type { AlertEventStream, TaggedEvent } from '@agentry/monitoring';
 *
 * // host.events$ fits as it is; here a hand-made stream for a test.
 * const listeners = new Set<(tagged: TaggedEvent) => void>();
 * const events$: AlertEventStream = {
 *   subscribe(next) {
 *     listeners.add(next);
 *     return { unsubscribe: () => listeners.delete(next) };
 *   },
 * };
 * for (const next of listeners) next({ source: { kind: 'plugin' }, event: { type: 'security' } });
 * ```
 */
export interface AlertEventStream {
  /** Subscribes `next` to every event; returns what ends the subscription. */
  subscribe(next: (tagged: TaggedEvent) => void): {
    /** Ends the subscription. */
    unsubscribe(): void;
  };
}

/**
 * One event of an {@link AlertEventStream}, as much of core's `InstanceEvent` as alerts read.
 *
 * @example
 * ```ts
 * import type { TaggedEvent } from '@agentry/monitoring';
 *
 * const tagged: TaggedEvent = {
 *   source: { kind: 'plugin' },
 *   event: { type: 'security' },
 * };
 * console.log(tagged.source.kind);
 * ```
 */
export interface TaggedEvent {
  /** Where the event comes from; `kind` is `plugin` for events plug-ins emit. */
  readonly source: {
    /** `agent`, `workflow-run` or `plugin`. */
    readonly kind: string;
  };
  /** The event. */
  readonly event: {
    /** What happened; `security` for a {@link SecurityEvent}. */
    readonly type: string;
  };
}
