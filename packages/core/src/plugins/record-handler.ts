import type { AgentryErrorJson } from '../errors/index.js';
import type { StoredEnvelope } from '../stores/stored-envelope.js';

/**
 * What a plug-in tells core about the records it writes, so that `agentry.erase` and
 * `agentry.purgeExpired` treat them right (see `host.handleRecords`). Core handles its own agent
 * records (`kind: 'agent'`); a record of a kind nobody handles belongs to no user and is purged
 * by its `updatedAt`.
 *
 * @example
 * ```ts
 * import { definePlugin, storeKeyPrefix, type RecordHandler } from '@agentry/core';
 *
 * // Tickets belong to the user in `data.userId`, expire 30 days after their last change, and
 * // take their comments (`ticket-comment:<id>:...`) with them.
 * const tickets: RecordHandler = {
 *   kinds: ['ticket'],
 *   userOf: (envelope) => (envelope.data as { userId?: string }).userId,
 *   inUse: (envelope) => (envelope.data as { status?: string }).status === 'open',
 *   expiresAt: (envelope) => Date.parse(envelope.updatedAt) + 30 * 86_400_000,
 *   related: (envelope) => ({ prefixes: [storeKeyPrefix('ticket-comment', envelope.key.split(':')[1] ?? '')] }),
 * };
 * export const ticketing = () =>
 *   definePlugin({ name: 'agentry-plugin-tickets', version: '1.0.0', setup: (host) => host.handleRecords(tickets) });
 * ```
 */
export interface RecordHandler {
  /** The record kinds (`StoredEnvelope.kind`) it speaks for; each kind has one handler. */
  readonly kinds: readonly string[];
  /** The user a record belongs to, or `undefined` when it belongs to none (or is removed only with another). */
  userOf(envelope: StoredEnvelope): string | undefined;
  /**
   * Whether the record is in use (an unfinished workflow run, a live agent's state): a purge keeps
   * it whatever its age, and an erasure leaves it in place and reports it under `failed` with
   * `invalid_transition`, so that it is finished or cancelled, and erased again, rather than
   * pulled from under the code using it. Left out: never in use.
   */
  inUse?(envelope: StoredEnvelope): boolean;
  /**
   * From when the record may be purged, in epoch milliseconds, or `undefined` to keep it whatever
   * its age (a record removed only with the one it belongs to). Left out: its `updatedAt`.
   */
  expiresAt?(envelope: StoredEnvelope): number | undefined;
  /** Records removed with it, in the same store: exact keys, and key prefixes (a run's journal). */
  related?(envelope: StoredEnvelope): {
    /** Exact keys. */
    readonly keys?: readonly string[];
    /** Key prefixes: every key starting with one is removed. */
    readonly prefixes?: readonly string[];
  };
  /**
   * For records that must be kept without the user's personal data: the data to keep instead
   * (written under the same key and kind). Left out, or returning `undefined`, the record is deleted.
   */
  anonymise?(envelope: StoredEnvelope): unknown;
}

/**
 * What happened in one store during an erasure or a purge: the keys removed or rewritten, never
 * their data.
 *
 * @example
 * ```ts
 * import type { Agentry, StoreDataReport } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const report = await agentry.erase({ userId: 'user-42' });
 * const first: StoreDataReport | undefined = report.stores[0];
 * console.log(first?.store, first?.deleted.length);
 * ```
 */
export interface StoreDataReport {
  /** The store's name, as `agentry.store(name)` takes it (`agents` for the agents' store). */
  readonly store: string;
  /** The keys deleted, related records included. */
  readonly deleted: readonly string[];
  /** The keys whose record was kept with the personal data removed (see `RecordHandler.anonymise`). */
  readonly anonymised: readonly string[];
  /** Keys that could not be removed (a record that kept changing, a write the store refused). */
  readonly failed?: readonly {
    /** The record's key. */
    readonly key: string;
    /** Why it was left in place. */
    readonly error: AgentryErrorJson;
  }[];
  /** Why the store could not be gone through (a listing failed); the other stores still were. */
  readonly error?: AgentryErrorJson;
}

/**
 * Entries a store could not read during an erasure or a purge: they may hold data of the user.
 *
 * @example
 * ```ts
 * import type { UnreadableRecord } from '@agentry/core';
 *
 * const unreadable: UnreadableRecord = { store: 'sqlite', key: 'agent:7', error: { code: 'data_corrupted', message: 'checksum mismatch', recoverable: false, details: {}, suggestions: [] } };
 * console.log(`${unreadable.store}/${unreadable.key}: ${unreadable.error.code}`);
 * ```
 */
export interface UnreadableRecord {
  /** The store. */
  readonly store: string;
  /** The entry's key. */
  readonly key: string;
  /** Why it could not be read. */
  readonly error: AgentryErrorJson;
}

/**
 * What `agentry.erase({ userId })` removed, store by store.
 *
 * @example
 * ```ts
 * import type { Agentry, ErasureReport } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const report: ErasureReport = await agentry.erase({ userId: 'user-42' });
 * for (const store of report.stores) console.log(store.store, store.deleted.length, store.anonymised.length);
 * if (report.unreadable) console.warn(`${report.unreadable.length} entries could not be read`);
 * ```
 */
export interface ErasureReport {
  /** The user whose data was erased. */
  readonly userId: string;
  /** When the erasure started, ISO 8601. */
  readonly at: string;
  /** The live agents of the user that were shut down before their state was erased. */
  readonly agentsShutDown: readonly string[];
  /** One entry per store the instance hands out. */
  readonly stores: readonly StoreDataReport[];
  /** Entries that could not be read, so could not be checked; absent when there were none. */
  readonly unreadable?: readonly UnreadableRecord[];
}

/**
 * What `agentry.purgeExpired({ before })` removed, store by store.
 *
 * @example
 * ```ts
 * import type { Agentry, PurgeReport } from '@agentry/core';
 *
 * declare const agentry: Agentry;
 * const thirtyDaysAgo = new Date(Date.now() - 30 * 86_400_000);
 * const report: PurgeReport = await agentry.purgeExpired({ before: thirtyDaysAgo });
 * console.log(report.before, report.stores.map((store) => `${store.store}: ${store.deleted.length}`));
 * ```
 */
export interface PurgeReport {
  /** The limit: records last changed before it were removed, ISO 8601. */
  readonly before: string;
  /** When the purge started, ISO 8601. */
  readonly at: string;
  /** One entry per store the instance hands out (`anonymised` is always empty). */
  readonly stores: readonly StoreDataReport[];
  /** Entries that could not be read, so could not be checked; absent when there were none. */
  readonly unreadable?: readonly UnreadableRecord[];
}
