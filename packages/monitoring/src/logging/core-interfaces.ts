// TODO(lead): import from @agentry/core once core-ops lands (Logger, services.logger, AuditEntry,
// AuditSink, services.auditSink, PurgeReport, ErasureReport, host.purgeExpired, host.erase), and
// delete this file. These are structural copies of the interfaces agreed for issue 12.
import { defineServiceKey, type PluginHost } from '@agentry/core';

/**
 * A leveled logger, as core declares it (`services.logger`).
 *
 * @example
 * ```ts
 * import type { Logger } from '@agentry/monitoring';
 *
 * declare const logger: Logger;
 * logger.child({ agentId: 'a-1' }).info({ runId: 'r-1' }, 'agent run started');
 * ```
 */
export interface Logger {
  /** Writes a debug line: an object of fields and a message, or a message alone. */
  debug(obj: Record<string, unknown> | string, msg?: string): void;
  /** Writes an info line. */
  info(obj: Record<string, unknown> | string, msg?: string): void;
  /** Writes a warn line. */
  warn(obj: Record<string, unknown> | string, msg?: string): void;
  /** Writes an error line. */
  error(obj: Record<string, unknown> | string, msg?: string): void;
  /** A logger whose every line carries `bindings` as well. */
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * One record of the audit trail, as core declares it.
 *
 * @example
 * ```ts
 * import type { AuditEntry } from '@agentry/monitoring';
 *
 * const entry: AuditEntry = { at: new Date().toISOString(), category: 'plugin', action: 'plugin.setup', subject: '@agentry/monitoring' };
 * console.log(entry.action);
 * ```
 */
export interface AuditEntry {
  /** When, as ISO 8601. */
  readonly at: string;
  /** What kind of action. */
  readonly category: 'configuration' | 'plugin' | 'alert' | 'security' | 'data';
  /** The action, such as `plugin.setup`, `configuration.reload`, `alert.fired`, `data.erase`. */
  readonly action: string;
  /** Who acted, when known. */
  readonly actor?: string;
  /** What was acted on, when known. */
  readonly subject?: string;
  /** More about the action; never record data. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Where audit entries go, as core declares it (`services.auditSink`).
 *
 * @example
 * ```ts
 * import type { AuditSink } from '@agentry/monitoring';
 *
 * declare const sink: AuditSink;
 * await sink.append({ at: new Date().toISOString(), category: 'alert', action: 'alert.fired', subject: 'error-rate' });
 * ```
 */
export interface AuditSink {
  /** Appends one entry; rejects when it could not be kept. */
  append(entry: AuditEntry): Promise<void>;
}

/**
 * What `host.purgeExpired` removed, store by store (keys only, never record data), as core
 * declares it.
 *
 * @example
 * ```ts
 * import type { PurgeReport } from '@agentry/monitoring';
 *
 * const report: PurgeReport = {
 *   before: '2026-01-01T00:00:00.000Z',
 *   at: '2026-12-07T09:00:00.000Z',
 *   stores: [{ store: 'agents', deleted: ['agent:a-1'], anonymised: [] }],
 * };
 * console.log(report.stores.length);
 * ```
 */
export interface PurgeReport {
  /** The limit: records last changed before it were removed, ISO 8601. */
  readonly before: string;
  /** When the purge started, ISO 8601. */
  readonly at: string;
  /** One entry per store the instance hands out. */
  readonly stores: readonly {
    /** The store's name. */
    readonly store: string;
    /** The keys deleted. */
    readonly deleted: readonly string[];
    /** The keys anonymised (always empty for a purge). */
    readonly anonymised: readonly string[];
    /** Keys that could not be removed. */
    readonly failed?: readonly {
      readonly key: string;
      readonly error: { readonly code: string; readonly message: string };
    }[];
    /** Why the store could not be gone through; the other stores still were. */
    readonly error?: { readonly code: string; readonly message: string };
  }[];
  /** Entries that could not be read, so could not be checked. */
  readonly unreadable?: readonly { readonly store: string; readonly key: string }[];
}

/** @internal The key of the logger service. */
export const loggerServiceKey = defineServiceKey<Logger>('agentry.logger');
/** @internal The key of the audit sink service. */
export const auditSinkServiceKey = defineServiceKey<AuditSink>('agentry.audit-sink');

/**
 * What logging needs of its plug-in host.
 *
 * @example
 * ```ts
 * import type { PluginHost } from '@agentry/core';
 * import type { LoggingHost } from '@agentry/monitoring';
 *
 * declare const host: PluginHost;
 * const loggingHost: LoggingHost = host;
 * console.log(typeof loggingHost.lookup);
 * ```
 */
export type LoggingHost = Pick<PluginHost, 'events$' | 'lookup' | 'provide' | 'onShutdown'>;

/**
 * What the compliance runtime needs of its plug-in host: `purgeExpired` is core's data lifecycle.
 *
 * @example
 * ```ts
 * import type { ComplianceHost } from '@agentry/monitoring';
 *
 * declare const host: ComplianceHost;
 * const report = await host.purgeExpired({ before: new Date(Date.now() - 30 * 86_400_000) });
 * console.log(report.stores.length);
 * ```
 */
export type ComplianceHost = Pick<PluginHost, 'lookup' | 'provide' | 'onShutdown'> & {
  /** Removes what the instance's stores hold that was last updated before `before`. */
  purgeExpired(options: { before: Date }): Promise<PurgeReport>;
};
