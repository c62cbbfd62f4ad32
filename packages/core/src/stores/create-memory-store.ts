import { AgentryError } from '../errors/index.js';
import { assertExpectedRevision } from './assert-expected-revision.js';
import {
  assertStoreDelete,
  assertStoreList,
  assertStorePut,
  defaultStoreListLimit,
} from './assert-store-request.js';
import { createKeyIndex } from './key-index.js';
import type { StateStore, StoreListPage, StorePutOptions, StorePutValue } from './state-store.js';
import { assertStoreKey } from './store-key-schema.js';
import type { StoredEnvelope } from './stored-envelope.js';

/**
 * Options of {@link createMemoryStore}.
 *
 * @example
 * ```ts
 * import { createMemoryStore, type MemoryStoreOptions } from '@agentry/core';
 *
 * // A fixed time for createdAt and updatedAt, so a test can compare envelopes.
 * const options: MemoryStoreOptions = { now: () => new Date('2026-01-01T00:00:00Z') };
 * const store = createMemoryStore(options);
 * ```
 */
export interface MemoryStoreOptions {
  /** The clock for `createdAt` and `updatedAt` (default `() => new Date()`); inject one in tests. */
  now?: () => Date;
}

/** An entry as the memory store keeps it: the data as JSON text, so no caller can hold it. */
interface MemoryEntry {
  revision: number;
  kind: string;
  schemaVersion: string;
  json: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Creates a {@link StateStore} that keeps its entries in a `Map` in this process. Nothing survives
 * the process, and other processes cannot see it: use it in tests, examples, short scripts and as
 * the reference the durable stores (`@agentry/store-sqlite`, `-redis`, `-postgres`) are checked
 * against. It keeps the full contract: data is held as JSON text, so what comes out is always a
 * fresh copy with JSON's semantics (properties set to `undefined` disappear), exactly as from a
 * database; every operation runs to completion without yielding, so writes are atomic.
 *
 * Keys are kept in code point order in sorted chunks, so a write and a page of `list` cost a
 * binary search (plus the entries returned) however many entries the store holds.
 *
 * `updatedAt` never goes backwards for a key, even when the clock does. After `close()` the entries
 * are dropped and every call rejects with `invalid_transition`.
 *
 * It carries no checksum, and never rejects with `data_corrupted`: its entries are immutable
 * strings in this process's memory, reachable only through the store, so no bytes exist outside
 * the process for a disk or another program to damage; damage to the process's own memory is
 * beyond what any check kept in the same memory could catch. That is what it states to the
 * conformance suite (`integrity: { guarantee }`) instead of a corruption hook.
 *
 * @throws AgentryError from its methods, as {@link StateStore} describes
 * @example
 * ```ts
 * const store = createMemoryStore({ now: () => new Date('2026-01-01T00:00:00Z') });
 * await store.put('agent:a', { kind: 'agent', schemaVersion: '1', data: { turns: 0 } });
 * (await store.list('agent:')).entries.length; // 1
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): StateStore {
  const now = options.now ?? (() => new Date());
  const entries = new Map<string, MemoryEntry>();
  const index = createKeyIndex();
  let closed = false;
  // Consecutive writes mostly fall in the same millisecond: its ISO text is made once.
  let lastTime = Number.NaN;
  let lastIso = '';

  function isoNow(): string {
    // Without an injected clock no Date is needed unless the millisecond changed.
    const date = options.now === undefined ? undefined : now();
    const time = date === undefined ? Date.now() : date.getTime();
    if (time !== lastTime) {
      // Throws for an invalid date, before anything is written.
      lastIso = (date ?? new Date(time)).toISOString();
      lastTime = time;
    }
    return lastIso;
  }

  // Runs an operation synchronously, turning a throw into a rejection, as an async store would.
  function run<TResult>(operation: () => TResult): Promise<TResult> {
    return new Promise((resolve) => {
      if (closed) throw closedError();
      resolve(operation());
    });
  }

  function write<TData>(
    key: string,
    value: StorePutValue<TData>,
    putOptions: StorePutOptions,
  ): StoredEnvelope<TData> {
    assertStorePut(key, value, putOptions);
    const current = entries.get(key);
    assertExpectedRevision(key, putOptions.expectedRevision, current?.revision);
    const time = isoNow();
    const entry: MemoryEntry = {
      revision: (current?.revision ?? 0) + 1,
      kind: value.kind,
      schemaVersion: value.schemaVersion,
      json: JSON.stringify(value.data),
      createdAt: current?.createdAt ?? time,
      updatedAt: current !== undefined && current.updatedAt > time ? current.updatedAt : time,
    };
    entries.set(key, entry);
    if (current === undefined) index.add(key);
    return toWrittenEnvelope(key, entry) as StoredEnvelope<TData>;
  }

  return {
    get(key) {
      return run(() => {
        assertStoreKey(key);
        const entry = entries.get(key);
        return entry === undefined ? undefined : toEnvelope(key, entry);
      });
    },

    put<TData>(key: string, value: StorePutValue<TData>, putOptions: StorePutOptions = {}) {
      // The busiest call (a workflow journals every step): no closure per write.
      if (closed) return Promise.reject(closedError());
      try {
        return Promise.resolve(write(key, value, putOptions));
      } catch (error) {
        // Only AgentryErrors are thrown here; they pass through as they are.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
    },

    delete(key, deleteOptions = {}) {
      return run(() => {
        assertStoreDelete(key, deleteOptions);
        const current = entries.get(key);
        assertExpectedRevision(key, deleteOptions.expectedRevision, current?.revision, 'delete');
        if (current === undefined) return false;
        entries.delete(key);
        index.remove(key);
        return true;
      });
    },

    list(prefix, listOptions = {}) {
      return run(() => {
        assertStoreList(prefix, listOptions);
        const { after } = listOptions;
        const limit = listOptions.limit ?? defaultStoreListLimit;
        const keys = index.range(prefix, after, limit + 1);
        const page = keys.slice(0, limit);
        const result: StoreListPage = {
          entries: page.map((key) => toEnvelope(key, entries.get(key) as MemoryEntry)),
        };
        if (keys.length > limit) result.next = page[page.length - 1];
        return result;
      });
    },

    close() {
      closed = true;
      entries.clear();
      index.clear();
      return Promise.resolve();
    },
  };
}

function closedError(): AgentryError {
  return new AgentryError({
    code: 'invalid_transition',
    message: 'The memory store is closed; it cannot be used any more.',
    details: { state: 'closed' },
    suggestions: ['Create a new store with createMemoryStore(), or close the store last.'],
  });
}

function toEnvelope(key: string, entry: MemoryEntry): StoredEnvelope {
  return {
    key,
    revision: entry.revision,
    kind: entry.kind,
    schemaVersion: entry.schemaVersion,
    data: JSON.parse(entry.json) as unknown,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}

/** Where a written envelope keeps its JSON until `data` is first read; not enumerable. */
const pendingJson = Symbol('pendingJson');

type WrittenEnvelope = StoredEnvelope & { [pendingJson]?: string };

// One shared accessor for every written envelope: an object literal with its own getter would
// allocate two closures per write.
const lazyData: PropertyDescriptor = {
  get(this: WrittenEnvelope): unknown {
    return settleData(this, JSON.parse(this[pendingJson] ?? 'null'));
  },
  set(this: WrittenEnvelope, value: unknown) {
    settleData(this, value);
  },
  enumerable: true,
  configurable: true,
};

/**
 * The envelope `put` returns. Writers seldom read back the data they just wrote, so its copy is
 * parsed on the first read of `data` (which then becomes a plain property), not on every write:
 * it is still a fresh copy with JSON's semantics, owned by the caller.
 */
function toWrittenEnvelope(key: string, entry: MemoryEntry): StoredEnvelope {
  const envelope = {
    key,
    revision: entry.revision,
    kind: entry.kind,
    schemaVersion: entry.schemaVersion,
  } as WrittenEnvelope;
  Object.defineProperty(envelope, 'data', lazyData);
  envelope.createdAt = entry.createdAt;
  envelope.updatedAt = entry.updatedAt;
  Object.defineProperty(envelope, pendingJson, {
    value: entry.json,
    enumerable: false,
    configurable: true,
  });
  return envelope;
}

function settleData(envelope: StoredEnvelope, value: unknown): unknown {
  Object.defineProperty(envelope, 'data', {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  return value;
}
