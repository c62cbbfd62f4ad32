import {
  AgentryError,
  assertStorePut,
  type StateStore,
  type StoredEnvelope,
  type StoreListPage,
  type StorePutOptions,
  type StorePutValue,
  type StoreWrapper,
  type UnreadableEntry,
} from '@agentry/core';
import type { EnvelopeSealer } from './envelope-sealer.js';
import { openEntry, sealData, type OpenEntryOptions } from './entry-codec.js';

/**
 * Options of {@link encryptStore}.
 *
 * @example
 * ```ts
 * import type { EncryptStoreOptions, EnvelopeSealer } from '@agentry/security';
 *
 * declare const keyring: EnvelopeSealer;
 * const options: EncryptStoreOptions = { sealer: keyring, tenant: 'acme', name: 'agents' };
 * console.log(options.tenant);
 * ```
 */
export interface EncryptStoreOptions {
  /** Seals and opens entries' data: a keyring, or anything with its `seal`, `open` and `activeKeyId`. */
  sealer: EnvelopeSealer;
  /**
   * The tenant the store's data belongs to, bound into every envelope (default `''`): an entry
   * copied into another tenant's store fails with `decryption_failed`. Use the same value for
   * {@link reencryptStore}.
   */
  tenant?: string;
  /** The store's name, shown in errors (the wrapper passes the name core gives it). */
  name?: string;
  /**
   * Reads entries that are not encrypted as they are, instead of refusing them with
   * `data_corrupted` (default `false`). Only for migrating a store written before encryption was
   * switched on: writes are always encrypted, so turn it on, run {@link reencryptStore} with
   * `acceptPlaintext: true`, then turn it off.
   */
  acceptPlaintext?: boolean;
}

/**
 * Wraps a {@link StateStore} so that every entry's `data` is encrypted before it reaches the
 * store and decrypted when read back. `put` serialises the data to JSON and seals it with the
 * sealer's active key, binding as additional authenticated data the tenant, the entry's key, the
 * field (`data`) and the entry's `schemaVersion`; the store then holds
 * `{ "agentry:enc": 1, "v": "<base64url envelope>" }` as the data.
 *
 * What stays readable, and why: the key (so `list` by prefix and key order keep working), `kind`
 * and `schemaVersion` (so migrations and erasure can pick records without a key), `revision` (so
 * writes with `expectedRevision` keep their meaning, unchanged, since options pass through) and
 * the timestamps (so expiry works). None of these is the data; beyond them, someone reading the
 * storage learns only each entry's size (an envelope is its JSON length plus a fixed overhead).
 * Keep personal data out of keys for that reason.
 *
 * Reads refuse what they cannot trust: a plaintext entry rejects with `data_corrupted` naming the
 * key (unless `acceptPlaintext`); an envelope altered in storage, or moved to another key, tenant
 * or schema version, rejects with `decryption_failed`. `list` reports such entries under
 * `unreadable` and returns the others. The wrapped store keeps the {@link StateStore} contract,
 * `describeStateStoreConformance` included.
 *
 * @throws AgentryError from the returned store's methods: what the wrapped store throws, plus
 *   `data_corrupted`, `decryption_failed`, `envelope_invalid`, `key_not_found` and `key_retired`
 *   on reads, and whatever the sealer throws on writes
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createMemoryStore } from '@agentry/core';
 * import { encryptStore, openEnvelope, sealEnvelope, type EnvelopeSealer } from '@agentry/security';
 *
 * const key = { id: 'k1', algorithm: 'AES-256-GCM' as const, material: randomBytes(32) };
 * const sealer: EnvelopeSealer = {
 *   seal: async (plaintext, context) => sealEnvelope(plaintext, key, context),
 *   open: async (envelope, context) => openEnvelope(envelope, () => key, context),
 *   activeKeyId: async () => key.id,
 * };
 * const raw = createMemoryStore();
 * const store = encryptStore(raw, { sealer, tenant: 'acme' });
 * await store.put('agent:support', { kind: 'agent', schemaVersion: '1', data: { card: '4111…' } });
 * console.log((await store.get('agent:support'))?.data); // { card: '4111…' }
 * console.log((await raw.get('agent:support'))?.data); // { 'agentry:enc': 1, v: 'AQE…' }
 * ```
 */
export function encryptStore(store: StateStore, options: EncryptStoreOptions): StateStore {
  if (typeof options?.sealer?.seal !== 'function' || typeof options.sealer.open !== 'function')
    throw new AgentryError({
      code: 'validation_failed',
      message: 'encryptStore needs a sealer with seal and open (a keyring).',
      details: {
        path: 'options.sealer',
        ...(options?.name === undefined ? {} : { store: options.name }),
      },
      suggestions: ['Pass the keyring: encryptStore(store, { sealer: keyring }).'],
    });
  const { sealer } = options;
  const tenant = options.tenant ?? '';
  const reading: OpenEntryOptions = {
    sealer,
    tenant,
    acceptPlaintext: options.acceptPlaintext ?? false,
    name: options.name,
  };

  return {
    async get(key) {
      const entry = await store.get(key);
      return entry === undefined ? undefined : openEntry(entry, reading);
    },

    async put<TData>(
      key: string,
      value: StorePutValue<TData>,
      putOptions?: StorePutOptions,
    ): Promise<StoredEnvelope<TData>> {
      // Checked here, before sealing, so that refusals name the data's path as every store's do;
      // the wrapped store checks the rest again.
      assertStorePut(key, value, putOptions);
      const json = JSON.stringify(value.data);
      const sealed = await sealData(sealer, tenant, key, value.schemaVersion, json);
      const written = await store.put(
        key,
        { kind: value.kind, schemaVersion: value.schemaVersion, data: sealed },
        putOptions,
      );
      return { ...written, data: JSON.parse(json) as TData };
    },

    delete: (key, deleteOptions) => store.delete(key, deleteOptions),

    async list(prefix, listOptions): Promise<StoreListPage> {
      const page = await store.list(prefix, listOptions);
      const opened = await Promise.all(
        page.entries.map((entry) =>
          openEntry(entry, reading).then(
            (readable) => ({ readable }),
            (error: unknown) => {
              if (!AgentryError.isInstance(error)) throw error;
              return { unreadable: { key: entry.key, error } };
            },
          ),
        ),
      );
      // One damaged entry must not hide the others: it is reported, as the store's own are.
      const entries: StoredEnvelope[] = [];
      const unreadable: UnreadableEntry[] = [...(page.unreadable ?? [])];
      for (const outcome of opened)
        if ('readable' in outcome) entries.push(outcome.readable);
        else unreadable.push(outcome.unreadable);
      const result: StoreListPage = { entries };
      if (unreadable.length > 0) result.unreadable = unreadable;
      if (page.next !== undefined) result.next = page.next;
      return result;
    },

    close: () => store.close(),
  };
}

/**
 * A core {@link StoreWrapper} that encrypts every store an Agentry instance hands out: install it
 * in a plug-in's `setup` with `host.wrapStore(encryptingStoreWrapper({ sealer }))`. Each store is
 * wrapped with {@link encryptStore}, named after the store core names.
 *
 * @throws AgentryError see {@link encryptStore}
 *
 * @example
 * ```ts
 * import { definePlugin } from '@agentry/core';
 * import { encryptingStoreWrapper, type EnvelopeSealer } from '@agentry/security';
 *
 * declare const keyring: EnvelopeSealer;
 * export const encryption = () =>
 *   definePlugin({
 *     name: 'agentry-plugin-encryption',
 *     version: '1.0.0',
 *     setup(host) {
 *       host.wrapStore(encryptingStoreWrapper({ sealer: keyring, tenant: 'acme' }));
 *     },
 *   });
 * ```
 */
export function encryptingStoreWrapper(options: Omit<EncryptStoreOptions, 'name'>): StoreWrapper {
  return (store, name) => encryptStore(store, { ...options, name });
}
