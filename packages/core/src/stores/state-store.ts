import type { AgentryError } from '../errors/agentry-error.js';
import type { StoredEnvelope } from './stored-envelope.js';

/**
 * What {@link StateStore.put} writes: the data and what it is.
 *
 * @example
 * ```ts
 * import { createMemoryStore, type StorePutValue } from '@agentry/core';
 *
 * const store = createMemoryStore();
 * // `kind` and `schemaVersion` say what the data is, so it can be migrated later.
 * const value: StorePutValue<{ theme: string }> = { kind: 'preferences', schemaVersion: '1.0.0', data: { theme: 'dark' } };
 * const envelope = await store.put('prefs:user-42', value);
 * console.log(envelope.revision); // 1
 * ```
 */
export interface StorePutValue<TData = unknown> {
  /** What the data is, such as `agent` or `workflow-run`: 1 to 128 characters. */
  kind: string;
  /** The version of the data's shape: 1 to 64 characters, such as `"1"` or `"1.2.0"`. */
  schemaVersion: string;
  /** A JSON value (see `findSerializationProblem`); object properties set to `undefined` are dropped. */
  data: TData;
}

/**
 * The condition a {@link StateStore.put} must meet.
 *
 * @example
 * ```ts
 * import { createMemoryStore, type StorePutOptions } from '@agentry/core';
 *
 * const store = createMemoryStore();
 * const value = { kind: 'counter', schemaVersion: '1.0.0', data: { count: 1 } };
 * // null: create only, failing with `conflict` when the key exists.
 * const create: StorePutOptions = { expectedRevision: null };
 * const first = await store.put('counter:visits', value, create);
 * // A revision: replace only what was read, failing with `conflict` after someone else's write.
 * await store.put('counter:visits', { ...value, data: { count: 2 } }, { expectedRevision: first.revision });
 * ```
 */
export interface StorePutOptions {
  /**
   * The revision the key must be at for the write to happen: a number to update exactly that
   * revision, `null` to create a key that must not exist yet, `undefined` (or left out) to write
   * whatever is there. A mismatch rejects with `conflict` and writes nothing.
   */
  expectedRevision?: number | null;
}

/**
 * The condition a {@link StateStore.delete} must meet.
 *
 * @example
 * ```ts
 * import { createMemoryStore, type StoreDeleteOptions } from '@agentry/core';
 *
 * const store = createMemoryStore();
 * const entry = await store.put('session:abc', { kind: 'session', schemaVersion: '1.0.0', data: {} });
 * // Deletes only the revision that was read; a newer write makes it fail with `conflict`.
 * const options: StoreDeleteOptions = { expectedRevision: entry.revision };
 * await store.delete('session:abc', options);
 * ```
 */
export interface StoreDeleteOptions {
  /**
   * The revision the key must be at for the delete to happen; left out, the key is deleted at any
   * revision. A mismatch, including a missing key, rejects with `conflict`.
   */
  expectedRevision?: number;
}

/**
 * Which entries {@link StateStore.list} returns.
 *
 * @example
 * ```ts
 * import { createMemoryStore, type StoreListOptions } from '@agentry/core';
 *
 * const store = createMemoryStore();
 * // Page through every agent, 100 keys at a time.
 * let options: StoreListOptions = { limit: 100 };
 * for (;;) {
 *   const page = await store.list('agent:', options);
 *   for (const entry of page.entries) console.log(entry.key);
 *   if (page.next === undefined) break;
 *   options = { limit: 100, after: page.next };
 * }
 * ```
 */
export interface StoreListOptions {
  /** The most entries to return, 1 to 1000 (default 100). */
  limit?: number;
  /**
   * Returns only keys after this one in key order; pass the previous page's `next` to read the
   * following page. Left out, listing starts at the first key.
   */
  after?: string;
}

/**
 * An entry {@link StateStore.list} found but could not read: its data was changed outside the
 * store (not JSON, or failing the store's own checks). `get(key)` rejects with the same error.
 *
 * @example
 * ```ts
 * const page = await store.list('workflow-run:');
 * for (const { key, error } of page.unreadable ?? []) logger.error({ key, code: error.code });
 * ```
 */
export interface UnreadableEntry {
  /** The entry's key. */
  key: string;
  /** Why it cannot be read. */
  error: AgentryError;
}

/**
 * One page of {@link StateStore.list}.
 *
 * @example
 * ```ts
 * import { createMemoryStore, type StoreListPage } from '@agentry/core';
 *
 * const store = createMemoryStore();
 * const page: StoreListPage = await store.list('run:');
 * console.log(page.entries.map((entry) => `${entry.key}@${entry.revision}`));
 * // Entries that could not be read (damaged, or of an unknown format) are reported, not thrown.
 * for (const { key, error } of page.unreadable ?? []) console.warn(key, error.code);
 * ```
 */
export interface StoreListPage {
  /** The entries, sorted by key in Unicode code point order (see `compareStoreKeys`). */
  entries: StoredEnvelope[];
  /**
   * Entries of the page that could not be read, left out of `entries` so that one damaged entry
   * does not hide the others; absent or empty when every entry was read. They count toward
   * `limit` and `next` as other entries do.
   */
  unreadable?: UnreadableEntry[];
  /**
   * The cursor for the next page: the key of the last entry returned. It is present only when
   * more entries matched; pass it as `after`.
   */
  next?: string;
}

/**
 * Where Agentry persists state: agents after every completed step, workflow runs after every
 * step. A store keeps {@link StoredEnvelope}s under string keys and offers optimistic concurrency:
 * each write bumps the entry's `revision`, and a write that names the revision it read fails with
 * `conflict` if someone else wrote in between, so no update is silently lost.
 *
 * The contract every implementation keeps (`describeStateStoreConformance` in `@agentry/testing`
 * checks it):
 *
 * - Every method is asynchronous and reports failures as a rejected `AgentryError`.
 * - Keys are validated with `assertStoreKey` (`validation_failed`) and data with
 *   `findSerializationProblem` (`not_serializable`) before anything is written.
 * - Writes are atomic: a rejected `put` or `delete` changes nothing, and of concurrent writes with
 *   the same `expectedRevision` exactly one succeeds.
 * - Data goes in and comes out as JSON: the store never hands out its own objects, and changing a
 *   returned value (or the value passed to `put`) never changes what is stored.
 * - `list` matches keys by plain string prefix and sorts them by Unicode code point.
 * - An entry damaged underneath the store (a failing disk, an outside program) is never read back
 *   as valid state: the store checks it (a checksum verified on every read) and rejects with
 *   `data_corrupted` naming the key, or its backend guarantees it cannot happen. A `put` or
 *   `delete` still replaces or removes a damaged entry.
 *
 * @example
 * ```ts
 * import { createMemoryStore, storeKey, type StateStore } from '@agentry/core';
 *
 * const store: StateStore = createMemoryStore();
 * const key = storeKey('agent', 'support-bot');
 * const created = await store.put(key, { kind: 'agent', schemaVersion: '1', data: { turns: 0 } }, { expectedRevision: null });
 * await store.put(key, { kind: 'agent', schemaVersion: '1', data: { turns: 1 } }, { expectedRevision: created.revision });
 * (await store.get(key))?.data; // { turns: 1 }
 * ```
 */
export interface StateStore {
  /**
   * Returns the entry stored under `key`, or `undefined` when there is none. Its `data` is
   * `unknown`: check it with your schema (and migrate it by `schemaVersion`) before use.
   *
   * @throws AgentryError `validation_failed` when the key is not valid; `data_corrupted` when the
   *   stored entry fails the store's integrity check, with `details.key`
   */
  get(key: string): Promise<StoredEnvelope | undefined>;

  /**
   * Writes `value` under `key` and returns the new entry: revision 1 for a new key, one more than
   * before otherwise. `createdAt` is kept across updates; `updatedAt` is the time of this write.
   *
   * @throws AgentryError `validation_failed` when the key, `kind`, `schemaVersion` or
   *   `expectedRevision` is not valid; `not_serializable` when the data is not JSON (with the
   *   path); `conflict` (recoverable) when `expectedRevision` does not match, with `details.key`,
   *   `details.expectedRevision` and `details.actualRevision` (`null` for a missing key)
   */
  put<TData>(
    key: string,
    value: StorePutValue<TData>,
    options?: StorePutOptions,
  ): Promise<StoredEnvelope<TData>>;

  /**
   * Deletes the entry stored under `key`. Resolves to `true` when there was one, `false` when the
   * key did not exist. A later `put` of the key starts again at revision 1.
   *
   * @throws AgentryError `validation_failed` when the key or `expectedRevision` is not valid;
   *   `conflict` (recoverable) when `expectedRevision` does not match the stored revision
   */
  delete(key: string, options?: StoreDeleteOptions): Promise<boolean>;

  /**
   * Lists the entries whose key starts with `prefix` (a plain string prefix: `agent:1` matches
   * `agent:1`, `agent:10` and `agent:1:step`; end the prefix with `:` to list one id's children),
   * sorted by key, one page at a time. An empty prefix lists every entry.
   *
   * @throws AgentryError `validation_failed` when the prefix, `limit` or `after` is not valid;
   *   `data_corrupted` when an entry of the page fails the store's integrity check, with
   *   `details.key` naming it
   */
  list(prefix: string, options?: StoreListOptions): Promise<StoreListPage>;

  /**
   * Releases the store's resources (connections, files, timers). Calling it again does nothing;
   * other calls after it reject.
   */
  close(): Promise<void>;
}
