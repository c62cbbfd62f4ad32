import { randomBytes } from 'node:crypto';
import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readEnvelopeHeader } from './envelope.js';
import { environmentKeyProvider } from './environment-key-provider.js';
import { createKeyring } from './keyring.js';
import type { Keyring, KeyringEvent } from './keyring-types.js';
import type { KeyringOptions } from './keyring-options.js';
import { memoryKeyProvider } from './memory-key-provider.js';

const text = new TextEncoder();
const context = { tenant: 'acme', key: 'notes:1', field: 'data', schemaVersion: '1.0.0' };
const opened: Keyring[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((keyring) => keyring.close()));
  vi.useRealTimers();
});

async function keyring(options: Partial<KeyringOptions> = {}): Promise<Keyring> {
  const created = await createKeyring({
    algorithm: 'AES-256-GCM',
    provider: memoryKeyProvider(),
    ...options,
  });
  opened.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<AgentryError> {
  const result = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (!AgentryError.isInstance(result)) throw result;
  return result;
}

/** Counts the writes a store receives. */
function countingStore(): { store: StateStore; puts: () => number } {
  const inner = createMemoryStore();
  let puts = 0;
  return {
    store: {
      ...inner,
      get: (key) => inner.get(key),
      list: (prefix, options) => inner.list(prefix, options),
      delete: (key, options) => inner.delete(key, options),
      close: () => inner.close(),
      put: (key, value, options) => {
        puts += 1;
        return inner.put(key, value, options);
      },
    },
    puts: () => puts,
  };
}

describe('createKeyring', () => {
  describe('seal and open', () => {
    it.each(['AES-256-GCM', 'ChaCha20-Poly1305', 'XChaCha20-Poly1305'] as const)(
      'round-trips under the active key (%s)',
      async (algorithm) => {
        const ring = await keyring({ algorithm });
        const sealed = await ring.seal(text.encode('hello'), context);
        expect(readEnvelopeHeader(sealed)).toMatchObject({
          algorithm,
          keyId: await ring.activeKeyId(),
        });
        expect(new TextDecoder().decode(await ring.open(sealed, context))).toBe('hello');
        expect(ring.algorithm).toBe(algorithm);
      },
    );

    it('refuses an envelope of another keyring with key_not_found', async () => {
      const other = await keyring();
      const sealed = await other.seal(text.encode('x'), context);
      const error = await rejection((await keyring()).open(sealed, context));
      expect(error.code).toBe('key_not_found');
      expect(error.details).toMatchObject({ keyId: readEnvelopeHeader(sealed).keyId });
    });

    it('refuses another context with decryption_failed', async () => {
      const ring = await keyring();
      const sealed = await ring.seal(text.encode('x'), context);
      expect((await rejection(ring.open(sealed, { ...context, tenant: 'globex' }))).code).toBe(
        'decryption_failed',
      );
    });
  });

  describe('rotate', () => {
    it('makes a new active key and keeps the old one for opening', async () => {
      const events: KeyringEvent[] = [];
      const ring = await keyring({ onEvent: (event) => events.push(event) });
      const first = await ring.activeKeyId();
      const before = await ring.seal(text.encode('before'), context);
      const rotated = await ring.rotate('quarterly');
      expect(rotated.id).not.toBe(first);
      expect(await ring.activeKeyId()).toBe(rotated.id);
      const after = await ring.seal(text.encode('after'), context);
      expect(readEnvelopeHeader(after).keyId).toBe(rotated.id);
      expect(new TextDecoder().decode(await ring.open(before, context))).toBe('before');
      expect((await ring.keys()).map((key) => [key.id, key.status])).toEqual([
        [first, 'decrypt-only'],
        [rotated.id, 'active'],
      ]);
      expect(events.map((event) => event.type)).toEqual(['key-rotated', 'key-rotated']);
      expect(events[1]).toMatchObject({
        previousKeyId: first,
        keyId: rotated.id,
        reason: 'quarterly',
      });
    });

    it('rotates when the active key reaches maxInvocations, and says so', async () => {
      const events: KeyringEvent[] = [];
      const ring = await keyring({
        rotation: { maxInvocations: 5 },
        counterBlock: 2,
        onEvent: (event) => events.push(event),
      });
      const ids: string[] = [];
      for (let index = 0; index < 12; index += 1) {
        ids.push(readEnvelopeHeader(await ring.seal(text.encode('x'), context)).keyId);
      }
      // 5, 5, 2 seals per key: never a sixth under one key.
      const counts = [...new Set(ids)].map((id) => ids.filter((seen) => seen === id).length);
      expect(counts).toEqual([5, 5, 2]);
      expect(events.filter((event) => event.type === 'key-limit-reached')).toHaveLength(2);
      expect(events.find((event) => event.type === 'key-limit-reached')).toMatchObject({
        invocations: 5,
        limit: 5,
      });
      const keys = await ring.keys();
      expect(keys.map((key) => key.invocations)).toEqual([5, 5, 2]);
    });

    it('rotates on schedule, at seal time and on the timer', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const events: KeyringEvent[] = [];
      const inner = createMemoryStore();
      let reads = 0;
      const store: StateStore = {
        put: (key, value, options) => inner.put(key, value, options),
        list: (prefix, options) => inner.list(prefix, options),
        delete: (key, options) => inner.delete(key, options),
        close: () => inner.close(),
        get: (key) => {
          reads += 1;
          return inner.get(key);
        },
      };
      const ring = await keyring({
        store,
        rotation: { everyMs: 60_000 },
        onEvent: (event) => events.push(event),
      });
      const first = await ring.activeKeyId();
      // Idle until the key is due: the timer sleeps, it does not poll the store.
      const idleReads = reads;
      await vi.advanceTimersByTimeAsync(59_000);
      expect(reads - idleReads).toBeLessThanOrEqual(1);
      expect(await ring.activeKeyId()).toBe(first);
      await vi.advanceTimersByTimeAsync(1_000);
      const second = await ring.activeKeyId();
      expect(second).not.toBe(first);
      expect(events.at(-1)).toMatchObject({
        type: 'key-rotated',
        reason: 'scheduled',
        previousKeyId: first,
      });
      // The timer is re-armed for the new key.
      await vi.advanceTimersByTimeAsync(60_000);
      expect(await ring.activeKeyId()).not.toBe(second);
    });

    it('rotates to a key of the configured algorithm when it changed', async () => {
      const store = createMemoryStore();
      const provider = memoryKeyProvider();
      const old = await keyring({ store, provider, algorithm: 'AES-256-GCM' });
      const sealed = await old.seal(text.encode('old'), context);
      await old.close();
      const ring = await keyring({ store, provider, algorithm: 'XChaCha20-Poly1305' });
      const fresh = await ring.seal(text.encode('new'), context);
      expect(readEnvelopeHeader(fresh).algorithm).toBe('XChaCha20-Poly1305');
      expect(new TextDecoder().decode(await ring.open(sealed, context))).toBe('old');
    });

    it('cannot rotate with a provider that cannot create keys', async () => {
      const env = { AGENTRY_KEY_K1: randomBytes(32).toString('base64') };
      const ring = await keyring({
        provider: environmentKeyProvider({ env }),
        initialKeyId: 'k1',
      });
      expect(await ring.activeKeyId()).toBe('k1');
      const sealed = await ring.seal(text.encode('x'), context);
      expect(new TextDecoder().decode(await ring.open(sealed, context))).toBe('x');
      expect((await rejection(ring.rotate())).code).toBe('invalid_transition');
    });
  });

  describe('retire', () => {
    it('refuses the active key, then makes the old envelopes fail with key_retired', async () => {
      let now = Date.parse('2026-12-01T00:00:00Z');
      const events: KeyringEvent[] = [];
      const ring = await keyring({ now: () => now, onEvent: (event) => events.push(event) });
      const first = await ring.activeKeyId();
      const sealed = await ring.seal(text.encode('x'), context);
      expect((await rejection(ring.retire(first))).code).toBe('invalid_transition');
      await ring.rotate();
      // Other processes may still seal with it for up to refreshMs.
      expect((await rejection(ring.retire(first))).code).toBe('invalid_transition');
      now += 2_000;
      await ring.retire(first);
      const error = await rejection(ring.open(sealed, context));
      expect(error.code).toBe('key_retired');
      expect((await ring.keys())[0]).toMatchObject({ id: first, status: 'retired' });
      expect(events.at(-1)).toEqual({ type: 'key-retired', at: expect.any(String), keyId: first });
      expect((await rejection(ring.retire('k-unknown'))).code).toBe('key_not_found');
    });
  });

  describe('invocation counters', () => {
    it('writes the store once per reserved block, not per seal', async () => {
      const { store, puts } = countingStore();
      const ring = await keyring({ store, counterBlock: 100 });
      const start = puts();
      for (let index = 0; index < 250; index += 1) await ring.seal(text.encode('x'), context);
      expect(puts() - start).toBe(3);
      expect((await ring.keys())[0]!.invocations).toBe(250);
      const stored = (await store.get('keyring:default'))!.data as { keys: { reserved: number }[] };
      expect(stored.keys[0]!.reserved).toBe(300);
    });

    it('counts concurrent seals exactly', async () => {
      const ring = await keyring({ counterBlock: 7 });
      await Promise.all(Array.from({ length: 100 }, () => ring.seal(text.encode('x'), context)));
      expect((await ring.keys())[0]!.invocations).toBe(100);
    });
  });

  describe('options', () => {
    it.each([
      [{ rotation: { maxInvocations: 2 ** 32 + 1 } }, 'rotation.maxInvocations'],
      [{ rotation: { maxInvocations: 0 } }, 'rotation.maxInvocations'],
      [{ rotation: { everyMs: -1 } }, 'rotation.everyMs'],
      [{ counterBlock: 0 }, 'counterBlock'],
      [{ name: 'a/b' }, 'name'],
      [{ algorithm: 'AES-128-CBC' as never }, 'algorithm'],
    ])('refuses %j', async (options, path) => {
      const error = await rejection(keyring(options));
      expect(error.code).toBe('validation_failed');
      expect(error.details).toMatchObject({ path });
    });

    it('refuses scheduled rotation with a provider that cannot create keys', async () => {
      const env = { AGENTRY_KEY_K1: randomBytes(32).toString('base64') };
      const error = await rejection(
        keyring({
          provider: environmentKeyProvider({ env }),
          initialKeyId: 'k1',
          rotation: { everyMs: 1000 },
        }),
      );
      expect(error.details).toMatchObject({ path: 'rotation.everyMs' });
    });

    it('allows more than 2^32 invocations for XChaCha20-Poly1305 only', async () => {
      await keyring({ algorithm: 'XChaCha20-Poly1305', rotation: { maxInvocations: 2 ** 40 } });
    });

    it('fails at creation when the initial key cannot be loaded', async () => {
      const error = await rejection(
        keyring({ provider: environmentKeyProvider({ env: {} }), initialKeyId: 'k1' }),
      );
      expect(error.code).toBe('secret_unresolved');
    });
  });

  describe('close', () => {
    it('rejects later calls with invalid_transition', async () => {
      const ring = await keyring();
      await ring.close();
      expect((await rejection(ring.seal(text.encode('x'), context))).code).toBe(
        'invalid_transition',
      );
      await ring.close();
    });
  });
});
