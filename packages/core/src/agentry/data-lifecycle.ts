import { AgentryError, toAgentryError, type AgentryErrorJson } from '../errors/index.js';
import type {
  ErasureReport,
  PurgeReport,
  RecordHandler,
  StoreDataReport,
  UnreadableRecord,
} from '../plugins/record-handler.js';
import type { StateStore } from '../stores/state-store.js';
import type { StoredEnvelope } from '../stores/stored-envelope.js';
import type { AuditTrail } from './audit-trail.js';

/** Entries read per page: enough to keep round trips few, small enough to bound memory. */
const pageSize = 100;
/** Writes of one record tried before it is reported as changing too often. */
const maxTries = 3;

/** What to do with one record. */
type Decision =
  | { action: 'keep' }
  | { action: 'delete' }
  | { action: 'anonymise'; data: unknown }
  | { action: 'refuse'; error: AgentryError };

/** @internal The stores and record handlers an instance's data lifecycle goes through. */
export interface DataLifecycleOptions {
  /** Every store the instance hands out, each once, by the name reports give it. */
  stores(): readonly { name: string; store: StateStore }[];
  /** The handler of a record kind (core's own for agents, or a plug-in's). */
  handlerFor(kind: string): RecordHandler | undefined;
  /** Shuts down the live agents serving a user; returns their ids. */
  shutDownAgentsOf(userId: string): Promise<string[]>;
  audit: AuditTrail;
}

/** @internal `agentry.erase` and `agentry.purgeExpired`, and the hosts' same methods. */
export interface DataLifecycle {
  erase(options: { userId: string }, actor?: string): Promise<ErasureReport>;
  purgeExpired(options: { before: Date }, actor?: string): Promise<PurgeReport>;
}

/**
 * Erasure and purging over every store of an instance. Each store is read page by page (never
 * whole), each record is decided by its kind's handler, and each write names the revision read, so
 * that a record changed meanwhile is read again and decided again rather than clobbered. A store
 * that fails is reported and the others are still gone through.
 *
 * @internal
 */
export function createDataLifecycle(options: DataLifecycleOptions): DataLifecycle {
  const run = async (
    decide: (envelope: StoredEnvelope) => Decision,
  ): Promise<{ stores: StoreDataReport[]; unreadable: UnreadableRecord[] }> => {
    const reports: StoreDataReport[] = [];
    const unreadable: UnreadableRecord[] = [];
    for (const { name, store } of options.stores()) {
      const report = new StoreReport(name);
      try {
        await walk(store, '', {
          unreadable: (key, error) => unreadable.push({ store: name, key, error: error.toJSON() }),
          visit: (envelope) =>
            settle(store, envelope, decide, report, (kind) => options.handlerFor(kind)),
        });
      } catch (error) {
        report.error = toAgentryError(error).toJSON();
      }
      reports.push(report.toJSON());
    }
    return { stores: reports, unreadable };
  };

  return {
    async erase(request, actor) {
      const userId = (request as { userId?: unknown } | undefined)?.userId;
      if (typeof userId !== 'string' || userId.length === 0) {
        throw invalid('erase', 'userId', userId, 'a non-empty user id, such as "user-42"');
      }
      const at = new Date().toISOString();
      const agentsShutDown = await options.shutDownAgentsOf(userId);
      const { stores, unreadable } = await run((envelope) => {
        const handler = options.handlerFor(envelope.kind);
        if (handler === undefined || handler.userOf(envelope) !== userId) return { action: 'keep' };
        if (handler.inUse?.(envelope) === true) return { action: 'refuse', error: inUse(envelope) };
        const data = handler.anonymise?.(envelope);
        return data === undefined ? { action: 'delete' } : { action: 'anonymise', data };
      });
      const report: ErasureReport = {
        userId,
        at,
        agentsShutDown,
        stores,
        ...(unreadable.length > 0 ? { unreadable } : {}),
      };
      await options.audit.append({
        category: 'data',
        action: 'data.erase',
        ...(actor === undefined ? {} : { actor }),
        subject: userId,
        details: summarise(report),
      });
      return report;
    },

    async purgeExpired(request, actor) {
      const before = (request as { before?: unknown } | undefined)?.before;
      if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
        throw invalid(
          'purgeExpired',
          'before',
          before,
          'a valid Date, such as new Date(Date.now() - 30 * 86_400_000)',
        );
      }
      const limit = before.getTime();
      const at = new Date().toISOString();
      const { stores, unreadable } = await run((envelope) => {
        const handler = options.handlerFor(envelope.kind);
        if (handler?.inUse?.(envelope) === true) return { action: 'keep' };
        const expiresAt = handler?.expiresAt
          ? handler.expiresAt(envelope)
          : Date.parse(envelope.updatedAt);
        return expiresAt !== undefined && expiresAt < limit
          ? { action: 'delete' }
          : { action: 'keep' };
      });
      const report: PurgeReport = {
        before: before.toISOString(),
        at,
        stores,
        ...(unreadable.length > 0 ? { unreadable } : {}),
      };
      await options.audit.append({
        category: 'data',
        action: 'data.purge',
        ...(actor === undefined ? {} : { actor }),
        details: { before: report.before, ...summarise(report) },
      });
      return report;
    },
  };
}

class StoreReport {
  readonly deleted: string[] = [];
  readonly anonymised: string[] = [];
  readonly failed: { key: string; error: AgentryErrorJson }[] = [];
  error: AgentryErrorJson | undefined;
  constructor(readonly store: string) {}
  toJSON(): StoreDataReport {
    return {
      store: this.store,
      deleted: this.deleted,
      anonymised: this.anonymised,
      ...(this.failed.length > 0 ? { failed: this.failed } : {}),
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }
}

/** Reads every entry under a prefix, a page at a time. */
async function walk(
  store: StateStore,
  prefix: string,
  callbacks: {
    visit(envelope: StoredEnvelope): Promise<void>;
    unreadable?(key: string, error: AgentryError): void;
  },
): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const page = await store.list(prefix, {
      limit: pageSize,
      ...(after === undefined ? {} : { after }),
    });
    for (const entry of page.unreadable ?? []) callbacks.unreadable?.(entry.key, entry.error);
    for (const envelope of page.entries) await callbacks.visit(envelope);
    if (page.next === undefined) return;
    after = page.next;
  }
}

/**
 * Applies the decision on one record, at the revision read; on a conflict reads it again and
 * decides again. A deleted record takes its related records with it.
 */
async function settle(
  store: StateStore,
  envelope: StoredEnvelope,
  decide: (envelope: StoredEnvelope) => Decision,
  report: StoreReport,
  handlerFor: (kind: string) => RecordHandler | undefined,
): Promise<void> {
  let current: StoredEnvelope | undefined = envelope;
  for (let tries = 0; current !== undefined; tries += 1) {
    let decision: Decision;
    try {
      decision = decide(current);
    } catch (error) {
      report.failed.push({ key: current.key, error: handlerError(current, error) });
      return;
    }
    if (decision.action === 'keep') return;
    if (decision.action === 'refuse') {
      report.failed.push({ key: current.key, error: decision.error.toJSON() });
      return;
    }
    if (tries >= maxTries) {
      report.failed.push({ key: current.key, error: changingError(current.key).toJSON() });
      return;
    }
    try {
      if (decision.action === 'anonymise') {
        await store.put(
          current.key,
          { kind: current.kind, schemaVersion: current.schemaVersion, data: decision.data },
          { expectedRevision: current.revision },
        );
        report.anonymised.push(current.key);
        return;
      }
      const related = handlerFor(current.kind)?.related?.(current);
      await store.delete(current.key, { expectedRevision: current.revision });
      report.deleted.push(current.key);
      if (related !== undefined) await removeRelated(store, related, report);
      return;
    } catch (error) {
      if (!isConflict(error)) {
        report.failed.push({ key: current.key, error: toAgentryError(error).toJSON() });
        return;
      }
      current = await store.get(current.key);
    }
  }
}

async function removeRelated(
  store: StateStore,
  related: { readonly keys?: readonly string[]; readonly prefixes?: readonly string[] },
  report: StoreReport,
): Promise<void> {
  const always = (): Decision => ({ action: 'delete' });
  for (const key of related.keys ?? []) {
    const envelope = await store.get(key);
    if (envelope !== undefined) await settle(store, envelope, always, report, () => undefined);
  }
  for (const prefix of related.prefixes ?? []) {
    // An empty prefix would name every record of the store.
    if (prefix.length === 0) continue;
    await walk(store, prefix, {
      visit: (envelope) => settle(store, envelope, always, report, () => undefined),
    });
  }
}

function summarise(report: ErasureReport | PurgeReport): Record<string, unknown> {
  return {
    stores: report.stores.map((store) => ({
      store: store.store,
      deleted: store.deleted.length,
      anonymised: store.anonymised.length,
      failed: store.failed?.length ?? 0,
      ...(store.error === undefined ? {} : { error: store.error.code }),
    })),
    unreadable: report.unreadable?.length ?? 0,
  };
}

function isConflict(error: unknown): boolean {
  return AgentryError.isInstance(error) && error.code === 'conflict';
}

function inUse(envelope: StoredEnvelope): AgentryError {
  return new AgentryError({
    code: 'invalid_transition',
    message: `The record "${envelope.key}" (${envelope.kind}) is in use, so it was left in place.`,
    details: { key: envelope.key, kind: envelope.kind },
    suggestions: [
      'Let it finish, or cancel it (a workflow run: runner.cancel(runId)), then erase again.',
    ],
  });
}

function changingError(key: string): AgentryError {
  return new AgentryError({
    code: 'conflict',
    message: `The record "${key}" changed ${maxTries} times while it was being removed; it was left in place.`,
    details: { key, tries: maxTries },
    suggestions: ['Run the operation again once the record is no longer being written.'],
  });
}

function handlerError(envelope: StoredEnvelope, error: unknown): AgentryErrorJson {
  return new AgentryError({
    code: 'internal',
    message: `The record handler of kind "${envelope.kind}" threw on "${envelope.key}": ${error instanceof Error ? error.message : String(error)}`,
    details: { key: envelope.key, kind: envelope.kind },
    suggestions: [`Fix the plug-in that handles records of kind "${envelope.kind}".`],
    cause: error,
  }).toJSON();
}

function invalid(method: string, field: string, value: unknown, expected: string): AgentryError {
  const received =
    value === null ? 'null' : value instanceof Date ? 'an invalid Date' : typeof value;
  return new AgentryError({
    code: 'validation_failed',
    message: `${method} needs ${field} to be ${expected}; got ${received}.`,
    details: { path: [field], received },
    suggestions: [`Pass ${field} as ${expected}.`],
  });
}
