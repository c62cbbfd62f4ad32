import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { readEnvelopeHeader } from '../crypto/index.js';
import { createTestSealer } from './__fixtures__/sealer.js';
import { encryptingStoreWrapper, encryptStore } from './encrypt-store.js';
import { sealedDataMarker } from './sealed-data.js';

async function rejection(promise: Promise<unknown>): Promise<AgentryError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!AgentryError.isInstance(outcome))
    throw new Error(`expected an AgentryError, got ${String(outcome)}`);
  return outcome;
}

function setUp(options: { tenant?: string; acceptPlaintext?: boolean } = {}) {
  const sealer = createTestSealer();
  const raw = createMemoryStore();
  const store = encryptStore(raw, { sealer, tenant: options.tenant ?? 'acme', ...options });
  return { sealer, raw, store };
}

// Built at run time, so no literal in the source looks like a card number.
const secret = ['4111', '1111', '1111', '1111'].join('-');

describe('encryptStore', () => {
  describe('put', () => {
    it('stores only the marker and an envelope, with key, kind, schema version and revision readable', async () => {
      const { raw, store } = setUp();
      const written = await store.put('payment:a', {
        kind: 'payment',
        schemaVersion: '2',
        data: { card: secret },
      });
      expect(written.data).toStrictEqual({ card: secret });
      const stored = await raw.get('payment:a');
      expect(stored).toMatchObject({
        key: 'payment:a',
        kind: 'payment',
        schemaVersion: '2',
        revision: 1,
      });
      expect(Object.keys(stored?.data as object).sort()).toEqual([sealedDataMarker, 'v']);
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(JSON.stringify(stored)).not.toContain('card');
      const envelope = Buffer.from((stored?.data as { v: string }).v, 'base64url');
      expect(readEnvelopeHeader(envelope)).toMatchObject({
        keyId: 'k-old',
        algorithm: 'AES-256-GCM',
      });
    });

    it('keeps expected-revision semantics: a stale revision is a conflict and writes nothing', async () => {
      const { raw, store } = setUp();
      const first = await store.put(
        'agent:a',
        { kind: 'agent', schemaVersion: '1', data: 1 },
        { expectedRevision: null },
      );
      await store.put(
        'agent:a',
        { kind: 'agent', schemaVersion: '1', data: 2 },
        { expectedRevision: first.revision },
      );
      const error = await rejection(
        store.put(
          'agent:a',
          { kind: 'agent', schemaVersion: '1', data: 3 },
          { expectedRevision: first.revision },
        ),
      );
      expect(error.code).toBe('conflict');
      expect(error.details).toMatchObject({
        key: 'agent:a',
        expectedRevision: 1,
        actualRevision: 2,
      });
      expect((await store.get('agent:a'))?.data).toBe(2);
      expect((await raw.get('agent:a'))?.revision).toBe(2);
    });
  });

  describe('get', () => {
    it('refuses a plaintext entry with data_corrupted naming the key and the store', async () => {
      const sealer = createTestSealer();
      const raw = createMemoryStore();
      await raw.put('agent:old', { kind: 'agent', schemaVersion: '1', data: { turns: 3 } });
      const store = encryptingStoreWrapper({ sealer })(raw, 'agents');
      const error = await rejection(store.get('agent:old'));
      expect(error.code).toBe('data_corrupted');
      expect(error.details).toMatchObject({
        key: 'agent:old',
        store: 'agents',
        reason: 'plaintext',
      });
      expect(error.message).toContain('agent:old');
      expect(error.suggestions.join(' ')).toContain('acceptPlaintext');
    });

    it('reads a plaintext entry as it is when acceptPlaintext is on, and encrypts what it writes', async () => {
      const { raw, store } = setUp({ acceptPlaintext: true });
      await raw.put('agent:old', { kind: 'agent', schemaVersion: '1', data: { turns: 3 } });
      expect((await store.get('agent:old'))?.data).toStrictEqual({ turns: 3 });
      await store.put('agent:old', { kind: 'agent', schemaVersion: '1', data: { turns: 4 } });
      expect(Object.keys((await raw.get('agent:old'))?.data as object)).toContain(sealedDataMarker);
    });

    it('refuses an envelope with one altered character with decryption_failed', async () => {
      const { raw, store } = setUp();
      const written = await store.put('agent:a', {
        kind: 'agent',
        schemaVersion: '1',
        data: { turns: 1 },
      });
      const stored = await raw.get('agent:a');
      const v = (stored?.data as { v: string }).v;
      const at = v.length - 5;
      const altered = v.slice(0, at) + (v[at] === 'A' ? 'B' : 'A') + v.slice(at + 1);
      await raw.put('agent:a', {
        kind: 'agent',
        schemaVersion: '1',
        data: { [sealedDataMarker]: 1, v: altered },
      });
      const error = await rejection(store.get('agent:a'));
      expect(error.code).toBe('decryption_failed');
      expect(error.details['key']).toBe('agent:a');
      expect(written.revision).toBe(1);
    });

    it('refuses an envelope moved to another key, schema version or tenant with decryption_failed', async () => {
      const { sealer, raw, store } = setUp();
      await store.put('agent:a', { kind: 'agent', schemaVersion: '1', data: { owner: 'a' } });
      const sealed = (await raw.get('agent:a'))?.data;
      await raw.put('agent:b', { kind: 'agent', schemaVersion: '1', data: sealed });
      expect((await rejection(store.get('agent:b'))).code).toBe('decryption_failed');
      await raw.put('agent:a', { kind: 'agent', schemaVersion: '2', data: sealed });
      expect((await rejection(store.get('agent:a'))).code).toBe('decryption_failed');
      await raw.put('agent:a', { kind: 'agent', schemaVersion: '1', data: sealed });
      expect((await store.get('agent:a'))?.data).toStrictEqual({ owner: 'a' });
      const otherTenant = encryptStore(raw, { sealer, tenant: 'globex' });
      expect((await rejection(otherTenant.get('agent:a'))).code).toBe('decryption_failed');
    });

    it('refuses a marker of an unknown format with envelope_invalid', async () => {
      const { raw, store } = setUp();
      await raw.put('agent:a', {
        kind: 'agent',
        schemaVersion: '1',
        data: { [sealedDataMarker]: 2, v: 'AAAA' },
      });
      const error = await rejection(store.get('agent:a'));
      expect(error.code).toBe('envelope_invalid');
      expect(error.details['key']).toBe('agent:a');
    });

    it('reads entries sealed under an older key after the active key switched', async () => {
      const { sealer, store } = setUp();
      await store.put('agent:a', { kind: 'agent', schemaVersion: '1', data: 'before' });
      sealer.use('k-new');
      await store.put('agent:b', { kind: 'agent', schemaVersion: '1', data: 'after' });
      expect((await store.get('agent:a'))?.data).toBe('before');
      expect((await store.get('agent:b'))?.data).toBe('after');
    });
  });

  describe('list', () => {
    it('returns the readable entries and reports plaintext and tampered ones under unreadable', async () => {
      const { raw, store } = setUp();
      await store.put('agent:a', { kind: 'agent', schemaVersion: '1', data: 'a' });
      await store.put('agent:b', { kind: 'agent', schemaVersion: '1', data: 'b' });
      await raw.put('agent:c', { kind: 'agent', schemaVersion: '1', data: 'plain' });
      await raw.put('agent:d', {
        kind: 'agent',
        schemaVersion: '1',
        data: (await raw.get('agent:a'))?.data,
      });
      const page = await store.list('agent:', { limit: 3 });
      expect(page.entries.map((entry) => [entry.key, entry.data])).toEqual([
        ['agent:a', 'a'],
        ['agent:b', 'b'],
      ]);
      expect(page.unreadable?.map(({ key, error }) => [key, error.code])).toEqual([
        ['agent:c', 'data_corrupted'],
      ]);
      expect(page.next).toBe('agent:c');
      const rest = await store.list('agent:', { after: page.next });
      expect(rest.entries).toEqual([]);
      expect(rest.unreadable?.map(({ key, error }) => [key, error.code])).toEqual([
        ['agent:d', 'decryption_failed'],
      ]);
    });
  });

  it('passes delete and close through to the wrapped store', async () => {
    const { raw, store } = setUp();
    await store.put('agent:a', { kind: 'agent', schemaVersion: '1', data: 1 });
    expect(await store.delete('agent:a')).toBe(true);
    expect(await raw.get('agent:a')).toBeUndefined();
    await store.close();
    expect((await rejection(raw.get('agent:a'))).code).toBeDefined();
  });

  it('refuses to wrap a store without a sealer', () => {
    expect(() => encryptStore(createMemoryStore(), {} as never)).toThrow(
      expect.objectContaining({ code: 'validation_failed' }) as Error,
    );
  });

  it('hands each wrapped store its own name', async () => {
    const sealer = createTestSealer();
    const wrap = encryptingStoreWrapper({ sealer });
    const stores: StateStore[] = [createMemoryStore(), createMemoryStore()];
    await stores[1]!.put('x:1', { kind: 'x', schemaVersion: '1', data: 1 });
    const wrapped = wrap(stores[1]!, 'cache');
    expect((await rejection(wrapped.get('x:1'))).details['store']).toBe('cache');
  });
});
