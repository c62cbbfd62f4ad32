/**
 * One record of the audit trail: who did what to what, and when. Core appends one for each
 * plug-in set up, for the configuration it applies, and for each erasure and purge of stored data;
 * plug-ins append their own (alerts, security decisions).
 *
 * @example
 * ```ts
 * import type { AuditEntry } from '@agentry/core';
 *
 * const entry: AuditEntry = {
 *   at: new Date().toISOString(),
 *   category: 'alert',
 *   action: 'alert.fired',
 *   subject: 'error-rate',
 *   details: { severity: 'high', value: 12.5 },
 * };
 * console.log(entry.action);
 * ```
 */
export interface AuditEntry {
  /** When it happened, ISO 8601. */
  readonly at: string;
  /** What kind of event it records. */
  readonly category: 'configuration' | 'plugin' | 'alert' | 'security' | 'data';
  /** What happened, such as `plugin.setup`, `configuration.load`, `alert.fired`, `data.erase`. */
  readonly action: string;
  /** Who did it: a user, a plug-in, or `@agentry/core`. */
  readonly actor?: string;
  /** What it was done to: a plug-in's name, a user id, a store. */
  readonly subject?: string;
  /**
   * How it ended: `allowed` or `denied` for a decision, `succeeded` or `failed` for an operation.
   */
  readonly outcome?: 'allowed' | 'denied' | 'succeeded' | 'failed';
  /** The trace the action ran in (W3C trace id), when known. */
  readonly traceId?: string;
  /** The workflow or agent run the action belongs to, when known. */
  readonly runId?: string;
  /** More about it; never secrets and never stored record data. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Where audit entries go: an append-only record. Monitoring provides a simple one under
 * `services.auditSink`; security's tamper-evident log replaces it. An append that rejects is
 * reported through `CreateAgentryOptions.onPluginError`; it never fails the operation audited.
 *
 * @example
 * ```ts
 * import { definePlugin, services, type AuditEntry, type AuditSink } from '@agentry/core';
 *
 * // Keeps the trail in memory (for tests).
 * const entries: AuditEntry[] = [];
 * const sink: AuditSink = { append: async (entry) => void entries.push(entry) };
 * export const memoryAudit = () =>
 *   definePlugin({ name: 'agentry-plugin-memory-audit', version: '1.0.0', setup: (host) => host.provide(services.auditSink, sink) });
 * ```
 */
export interface AuditSink {
  /** Appends one entry; resolves once it is recorded. */
  append(entry: AuditEntry): Promise<void>;
}
