import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { openEnvelope, readEnvelopeHeader, sealEnvelope, type DataKey } from './envelope.js';
import { KEY_BYTES } from './key-provider.js';
import {
  activeEntry,
  readKeyring,
  writeKeyring,
  type KeyEntry,
  type KeyringRecord,
  type KeyringView,
} from './keyring-record.js';
import { resolveKeyringOptions, type KeyringOptions } from './keyring-options.js';
import type { KeyInfo, Keyring, KeyringEvent } from './keyring-types.js';

/**
 * A reservation of invocations of one key: counts `used + 1 … end` are this process's alone.
 * `validUntil` is when the keyring must re-read the record before using it again (to see another
 * process's rotation or retirement, or a due schedule).
 */
interface Block {
  readonly keyId: string;
  used: number;
  readonly end: number;
  validUntil: number;
}

/** Thrown by the fast path of `open` when it cannot answer alone; never leaves the keyring. */
const notCached = new Error('not cached');

/**
 * Creates a {@link Keyring}: reads its record from the store (or creates the first key, from
 * `initialKeyId` or the provider), and loads the active key so a missing key fails here, not at
 * the first seal.
 *
 * Counters are written in reserved blocks: before a process uses invocations of a key it adds
 * `counterBlock` (default 1,000) to the key's stored count with an expected-revision write, then
 * counts them in memory. The stored count therefore never falls behind real use, a crash loses at
 * most one block of counts (counted, never reused), and sealing writes to the store once per block.
 *
 * @throws AgentryError `validation_failed` for bad options; `secret_unresolved`, `key_not_found` or
 *   `key_invalid` when the active key cannot be loaded; `data_corrupted` for a damaged record
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { createKeyring, fileKeyProvider } from '@agentry/security';
 * import { createSqliteStore } from '@agentry/store-sqlite';
 *
 * const directory = mkdtempSync(join(tmpdir(), 'keyring-'));
 * const store = createSqliteStore({ path: join(directory, 'state.db') });
 * const keyring = await createKeyring({
 *   algorithm: 'AES-256-GCM',
 *   provider: fileKeyProvider({ directory: join(directory, 'keys') }),
 *   store,
 *   rotation: { everyMs: 30 * 24 * 3600 * 1000 },
 *   onEvent: (event) => console.log(event.type, event.keyId),
 * });
 * await keyring.seal(new TextEncoder().encode('x'), { key: 'notes:1' });
 * await keyring.close();
 * await store.close();
 * ```
 */
export async function createKeyring(options: KeyringOptions): Promise<Keyring> {
  const settings = resolveKeyringOptions(options);
  const { algorithm, provider, counterBlock, refreshMs, everyMs, maxInvocations, now } = settings;
  const ownStore = options.store === undefined;
  const store: StateStore = options.store ?? createMemoryStore();
  const storeKey = `keyring:${settings.name}`;

  // This process's state. `view` is the last record read or written (its revision is what the
  // next write expects); `block` is this process's reservation on the active key; `materials`
  // caches loaded keys by id and is wiped on retire and close. Only `exclusive` sections change
  // `view` and `block`, except the fast path of `seal`, which only advances `block.used`.
  let view: KeyringView | undefined;
  let viewReadAt = 0;
  let block: Block | undefined;
  const materials = new Map<string, DataKey>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const iso = (ms = now()) => new Date(ms).toISOString();

  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  function emit(event: KeyringEvent): void {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure must not fail a seal or a rotation that already happened.
    }
  }

  function ensureOpen(): void {
    if (closed) {
      throw new AgentryError({
        code: 'invalid_transition',
        message: `Keyring "${settings.name}" is closed.`,
        details: { keyring: settings.name },
        suggestions: ['Create a new keyring; close() is the last call on one.'],
      });
    }
  }

  async function refresh(): Promise<KeyringView> {
    const read = await readKeyring(store, storeKey);
    if (read === undefined) {
      throw new AgentryError({
        code: 'data_corrupted',
        message: `The keyring record "${storeKey}" disappeared from the store.`,
        details: { key: storeKey },
        suggestions: ['Restore it from a backup; it lists the keys your data is sealed under.'],
      });
    }
    view = read;
    viewReadAt = now();
    return read;
  }

  async function material(entry: KeyEntry): Promise<DataKey> {
    const cached = materials.get(entry.id);
    if (cached !== undefined) return cached;
    const bytes = await provider.load(entry.id);
    if (!(bytes instanceof Uint8Array) || bytes.length !== KEY_BYTES) {
      throw new AgentryError({
        code: 'key_invalid',
        message: `Provider "${provider.name}" returned a key "${entry.id}" that is not ${KEY_BYTES} bytes.`,
        details: { keyId: entry.id, provider: provider.name },
        suggestions: ['Check the provider: every data key is 32 random bytes.'],
      });
    }
    const key: DataKey = { id: entry.id, algorithm: entry.algorithm, material: bytes };
    materials.set(entry.id, key);
    return key;
  }

  function dueReason(entry: KeyEntry, at: number): string | undefined {
    if (entry.algorithm !== algorithm) return 'algorithm-changed';
    if (everyMs !== undefined && at >= Date.parse(entry.createdAt) + everyMs) return 'scheduled';
    if (entry.reserved >= maxInvocations) return 'invocation-limit';
    return undefined;
  }

  function validUntil(entry: KeyEntry, at: number): number {
    const scheduled = everyMs === undefined ? Infinity : Date.parse(entry.createdAt) + everyMs;
    return Math.min(at + refreshMs, scheduled);
  }

  async function newKey(): Promise<DataKey> {
    if (provider.create === undefined) {
      throw new AgentryError({
        code: 'invalid_transition',
        message: `Keyring "${settings.name}" cannot rotate: key provider "${provider.name}" cannot create keys.`,
        details: { keyring: settings.name, provider: provider.name },
        suggestions: [
          'Use a provider with create() (file, KMS), or provision the next key and restart with it as initialKeyId.',
        ],
      });
    }
    const id = settings.generateKeyId();
    const bytes = await provider.create(id);
    return { id, algorithm, material: bytes };
  }

  /**
   * Makes a new key active. With `expectedActiveId`, a rotation that is due: if another writer
   * already replaced that key, its key is adopted instead (the key created here stays unused in
   * the provider). `null`: the first key, unless one exists. Left out: an on-demand rotation,
   * which always happens.
   */
  async function rotateLocked(reason: string, expectedActiveId?: string | null): Promise<KeyInfo> {
    if (expectedActiveId !== undefined) {
      // Adopt another writer's rotation before creating a key that would go unused.
      const current = await readKeyring(store, storeKey);
      const previous = current === undefined ? undefined : activeEntry(current.record);
      if (
        current !== undefined &&
        previous !== undefined &&
        (expectedActiveId === null || previous.id !== expectedActiveId)
      ) {
        view = current;
        viewReadAt = now();
        return info(previous);
      }
    }
    const key = await newKey();
    for (;;) {
      const current = await readKeyring(store, storeKey);
      if (current !== undefined) {
        view = current;
        viewReadAt = now();
      }
      const previous = current === undefined ? undefined : activeEntry(current.record);
      // A due rotation another writer already did (or a first key another process created) is
      // adopted, so processes sharing a store agree on one active key.
      if (
        previous !== undefined &&
        (expectedActiveId === null ||
          (expectedActiveId !== undefined && previous.id !== expectedActiveId))
      ) {
        return info(previous);
      }
      const at = iso();
      const entry: KeyEntry = {
        id: key.id,
        algorithm,
        status: 'active',
        createdAt: at,
        reserved: 0,
        reason,
      };
      const record: KeyringRecord = {
        keys: [
          ...(current?.record.keys ?? []).map((old) =>
            old.status === 'active'
              ? { ...old, status: 'decrypt-only' as const, deactivatedAt: at }
              : old,
          ),
          entry,
        ],
      };
      const written = await writeKeyring(store, storeKey, record, current?.revision ?? null);
      if (written === undefined) continue;
      view = written;
      viewReadAt = now();
      block = undefined;
      materials.set(key.id, key);
      schedule();
      emit({ type: 'key-rotated', at, keyId: key.id, previousKeyId: previous?.id, reason });
      return info(entry);
    }
  }

  /** Hands out one invocation of the active key, reserving a block or rotating as needed. */
  function nextInvocation(): Promise<DataKey> {
    return exclusive(async () => {
      ensureOpen();
      for (;;) {
        const current = await refresh();
        const active = activeEntry(current.record);
        const at = now();
        if (
          block?.keyId === active.id &&
          block.used < block.end &&
          dueReason(active, at) === undefined
        ) {
          block.used += 1;
          block.validUntil = validUntil(active, at);
          return material(active);
        }
        const reason = dueReason(active, at);
        if (reason !== undefined) {
          if (reason === 'invocation-limit') {
            emit({
              type: 'key-limit-reached',
              at: iso(at),
              keyId: active.id,
              invocations: active.reserved,
              limit: maxInvocations,
            });
          }
          await rotateLocked(reason, active.id);
          continue;
        }
        const take = Math.min(counterBlock, maxInvocations - active.reserved);
        const record: KeyringRecord = {
          keys: current.record.keys.map((key) =>
            key.id === active.id ? { ...key, reserved: key.reserved + take } : key,
          ),
        };
        const written = await writeKeyring(store, storeKey, record, current.revision);
        if (written === undefined) continue;
        view = written;
        block = {
          keyId: active.id,
          used: active.reserved + 1,
          end: active.reserved + take,
          validUntil: validUntil(active, at),
        };
        return material(active);
      }
    });
  }

  function info(entry: KeyEntry): KeyInfo {
    const unused = block?.keyId === entry.id ? block.end - block.used : 0;
    return {
      id: entry.id,
      algorithm: entry.algorithm,
      status: entry.status,
      createdAt: entry.createdAt,
      ...(entry.retiredAt === undefined ? {} : { retiredAt: entry.retiredAt }),
      invocations: entry.reserved - unused,
    };
  }

  async function freshView(): Promise<KeyringView> {
    return view !== undefined && now() < viewReadAt + refreshMs ? view : refresh();
  }

  function schedule(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (everyMs === undefined || closed || view === undefined) return;
    const active = activeEntry(view.record);
    const delay = Math.min(
      Math.max(Date.parse(active.createdAt) + everyMs - now(), 0),
      2 ** 31 - 1,
    );
    timer = setTimeout(() => {
      timer = undefined;
      exclusive(async () => {
        if (closed) return;
        const current = activeEntry((await refresh()).record);
        const reason = dueReason(current, now());
        if (reason !== undefined) await rotateLocked(reason, current.id);
        else schedule();
      }).catch((error: unknown) => {
        emit({
          type: 'key-rotation-error',
          at: iso(),
          keyId: view === undefined ? '' : activeEntry(view.record).id,
          code: AgentryError.isInstance(error) ? error.code : 'internal',
        });
        // Retried at the next seal, or at the next tick.
        if (!closed) timer = setTimeout(schedule, Math.min(refreshMs, 60_000)).unref();
      });
    }, delay).unref();
  }

  // Start: adopt the stored record, or write the first one.
  await exclusive(async () => {
    for (;;) {
      const current = await readKeyring(store, storeKey);
      if (current !== undefined) {
        view = current;
        viewReadAt = now();
        break;
      }
      if (settings.initialKeyId === undefined) {
        await rotateLocked('initial', null);
        break;
      }
      const entry: KeyEntry = {
        id: settings.initialKeyId,
        algorithm,
        status: 'active',
        createdAt: iso(),
        reserved: 0,
        reason: 'initial',
      };
      await material(entry);
      const written = await writeKeyring(store, storeKey, { keys: [entry] }, null);
      if (written === undefined) continue;
      view = written;
      viewReadAt = now();
      emit({ type: 'key-rotated', at: entry.createdAt, keyId: entry.id, reason: 'initial' });
      break;
    }
    await material(activeEntry(view!.record));
    schedule();
  });

  return {
    algorithm,
    async seal(plaintext, context) {
      ensureOpen();
      const current = block;
      let key: DataKey;
      // The hot path: a count from this process's reservation, no store access. `validUntil`
      // bounds how stale the view of the active key may be (refreshMs, or the rotation time).
      if (current !== undefined && current.used < current.end && now() < current.validUntil) {
        current.used += 1;
        key = materials.get(current.keyId) ?? (await nextInvocation());
      } else {
        key = await nextInvocation();
      }
      return sealEnvelope(plaintext, key, context);
    },
    async open(envelope, context) {
      ensureOpen();
      // The hot path: a fresh view naming the key as usable and its material loaded, so the
      // envelope is parsed once and nothing is awaited. Anything else takes the full path below.
      if (view !== undefined && now() < viewReadAt + refreshMs) {
        const record = view.record;
        try {
          return openEnvelope(
            envelope,
            (keyId) => {
              const cached = materials.get(keyId);
              const entry = cached && record.keys.find((key) => key.id === keyId);
              if (cached === undefined || entry === undefined || entry.status === 'retired') {
                throw notCached;
              }
              return cached;
            },
            context,
          );
        } catch (error) {
          if (error !== notCached) throw error;
        }
      }
      const { keyId } = readEnvelopeHeader(envelope);
      let current = await freshView();
      let entry = current.record.keys.find((key) => key.id === keyId);
      if (entry === undefined) {
        // Perhaps another process rotated since the last read.
        current = await refresh();
        entry = current.record.keys.find((key) => key.id === keyId);
      }
      if (entry === undefined) {
        throw new AgentryError({
          code: 'key_not_found',
          message: `The value under "${context.key}" was sealed with key "${keyId}", which keyring "${settings.name}" does not have.`,
          details: { key: context.key, keyId, keyring: settings.name },
          suggestions: ['Open it with the keyring (store and name) that sealed it.'],
        });
      }
      if (entry.status === 'retired') {
        throw new AgentryError({
          code: 'key_retired',
          message: `The value under "${context.key}" was sealed with key "${keyId}", retired on ${entry.retiredAt ?? 'an earlier date'}; it can no longer be read.`,
          details: { key: context.key, keyId, keyring: settings.name },
          suggestions: [
            'Restore the record from a backup re-encrypted before the key was retired.',
          ],
        });
      }
      const key = await material(entry);
      return openEnvelope(envelope, () => key, context);
    },
    async activeKeyId() {
      ensureOpen();
      return activeEntry((await freshView()).record).id;
    },
    rotate(reason = 'on-demand') {
      return exclusive(() => {
        ensureOpen();
        return rotateLocked(reason.slice(0, 200));
      });
    },
    retire(keyId) {
      return exclusive(async () => {
        ensureOpen();
        for (;;) {
          const current = await refresh();
          const entry = current.record.keys.find((key) => key.id === keyId);
          if (entry === undefined) {
            throw new AgentryError({
              code: 'key_not_found',
              message: `Keyring "${settings.name}" has no key "${keyId}" to retire.`,
              details: { keyId, keyring: settings.name },
              suggestions: ['List the keys with keyring.keys().'],
            });
          }
          if (entry.status === 'retired') return;
          const deactivated =
            entry.deactivatedAt === undefined ? undefined : Date.parse(entry.deactivatedAt);
          if (
            entry.status === 'active' ||
            deactivated === undefined ||
            now() < deactivated + 2 * refreshMs
          ) {
            throw new AgentryError({
              code: 'invalid_transition',
              message:
                entry.status === 'active'
                  ? `Key "${keyId}" is the active key; rotate before retiring it.`
                  : `Key "${keyId}" was replaced less than ${2 * refreshMs} ms ago; other processes may still seal with it.`,
              details: { keyId, keyring: settings.name, status: entry.status },
              suggestions: [
                'Rotate first, wait two refresh intervals, re-encrypt its data, then retire it.',
              ],
            });
          }
          const at = iso();
          const record: KeyringRecord = {
            keys: current.record.keys.map((key) =>
              key.id === keyId ? { ...key, status: 'retired' as const, retiredAt: at } : key,
            ),
          };
          const written = await writeKeyring(store, storeKey, record, current.revision);
          if (written === undefined) continue;
          view = written;
          materials.get(keyId)?.material.fill(0);
          materials.delete(keyId);
          emit({ type: 'key-retired', at, keyId });
          return;
        }
      });
    },
    async keys() {
      ensureOpen();
      const current = await exclusive(refresh);
      return current.record.keys.map(info);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await queue;
      for (const key of materials.values()) key.material.fill(0);
      materials.clear();
      block = undefined;
      if (ownStore) await store.close();
    },
  };
}
