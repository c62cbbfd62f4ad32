import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { keyIds } from './__fixtures__/key-ids.js';
import { createTestSealer, type TestSealer } from './__fixtures__/sealer.js';
import { encryptStore } from './encrypt-store.js';
import { defaultReencryptionCheckpointKey, reencryptStore } from './reencrypt-store.js';

async function fill(store: StateStore, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1)
    await store.put(`record:${String(index).padStart(4, '0')}`, {
      kind: 'record',
      schemaVersion: '1',
      data: { index },
    });
}

function setUp(): { sealer: TestSealer; raw: StateStore; store: StateStore } {
  const sealer = createTestSealer();
  const raw = createMemoryStore();
  return { sealer, raw, store: encryptStore(raw, { sealer, tenant: 'acme' }) };
}

describe('reencryptStore', () => {
  it('re-seals every entry under the active key and keeps the data', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 25);
    sealer.use('k-new');
    await store.put('record:0003', { kind: 'record', schemaVersion: '1', data: { index: 3 } });
    const result = await reencryptStore(raw, { sealer, tenant: 'acme', batchSize: 7 });
    expect(result).toEqual({
      scanned: 25,
      reencrypted: 24,
      skipped: 0,
      alreadyCurrent: 1,
      unreadable: [],
    });
    expect(new Set((await keyIds(raw)).values())).toEqual(new Set(['k-new']));
    for (let index = 0; index < 25; index += 1)
      expect((await store.get(`record:${String(index).padStart(4, '0')}`))?.data).toEqual({
        index,
      });
    expect(await raw.get(defaultReencryptionCheckpointKey)).toBeUndefined();
    // A second run has nothing to do.
    const again = await reencryptStore(raw, { sealer, tenant: 'acme' });
    expect(again).toMatchObject({ scanned: 25, reencrypted: 0, alreadyCurrent: 25 });
  });

  it('re-encrypts only the prefix it is given', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 3);
    await store.put('other:a', { kind: 'other', schemaVersion: '1', data: 'a' });
    sealer.use('k-new');
    const result = await reencryptStore(raw, { sealer, tenant: 'acme', prefix: 'record:' });
    expect(result.reencrypted).toBe(3);
    expect((await keyIds(raw)).get('other:a')).toBe('k-old');
  });

  it('stops when aborted, keeping its cursor, and the next run resumes after it', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 30);
    sealer.use('k-new');
    const controller = new AbortController();
    const seen: string[] = [];
    const stopped = await reencryptStore(raw, {
      sealer,
      tenant: 'acme',
      batchSize: 5,
      signal: controller.signal,
      onProgress: ({ after }) => {
        if (after !== undefined) seen.push(after);
        if (seen.length === 2) controller.abort();
      },
    }).catch((error: unknown) => error);
    expect(AgentryError.isInstance(stopped) && stopped.code).toBe('aborted');
    expect(seen).toEqual(['record:0004', 'record:0009']);
    // The cursor is itself sealed, so the encrypted store reads it like any entry.
    expect((await store.get(defaultReencryptionCheckpointKey))?.data).toEqual({
      prefix: '',
      after: 'record:0009',
    });
    const resumed = await reencryptStore(raw, { sealer, tenant: 'acme', batchSize: 5 });
    expect(resumed).toMatchObject({ scanned: 20, reencrypted: 20, alreadyCurrent: 0 });
    expect(new Set((await keyIds(raw)).values())).toEqual(new Set(['k-new']));
    expect(await raw.get(defaultReencryptionCheckpointKey)).toBeUndefined();
  });

  it('starts over when the cursor cannot be opened', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 4);
    await raw.put(defaultReencryptionCheckpointKey, {
      kind: 'x',
      schemaVersion: '1',
      data: { prefix: '', after: 'record:0003' },
    });
    sealer.use('k-new');
    const result = await reencryptStore(raw, { sealer, tenant: 'acme', batchSize: 2 });
    expect(result.reencrypted).toBe(4);
  });

  it('refuses to run beside another run saving the same checkpoint', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 10);
    sealer.use('k-new');
    const outcome = await reencryptStore(raw, {
      sealer,
      tenant: 'acme',
      batchSize: 2,
      onProgress: () => {
        // Another run's cursor write lands between two of this run's.
        void raw.put(defaultReencryptionCheckpointKey, {
          kind: 'x',
          schemaVersion: '1',
          data: null,
        });
      },
    }).catch((error: unknown) => error);
    expect(AgentryError.isInstance(outcome) && outcome.code).toBe('conflict');
  });

  it('encrypts plaintext entries with acceptPlaintext, and reports them as unreadable without it', async () => {
    const { sealer, raw } = setUp();
    await raw.put('legacy:a', { kind: 'legacy', schemaVersion: '1', data: { note: 'old' } });
    const refused = await reencryptStore(raw, { sealer, tenant: 'acme' });
    expect(refused.unreadable.map(({ key, error }) => [key, error.code])).toEqual([
      ['legacy:a', 'data_corrupted'],
    ]);
    expect(refused.reencrypted).toBe(0);
    const migrated = await reencryptStore(raw, { sealer, tenant: 'acme', acceptPlaintext: true });
    expect(migrated.reencrypted).toBe(1);
    expect((await keyIds(raw)).get('legacy:a')).toBe('k-old');
    expect((await encryptStore(raw, { sealer, tenant: 'acme' }).get('legacy:a'))?.data).toEqual({
      note: 'old',
    });
  });

  it('reports a tampered entry and goes on with the others', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 3);
    await raw.put('record:0001', {
      kind: 'record',
      schemaVersion: '1',
      data: (await raw.get('record:0000'))?.data,
    });
    sealer.use('k-new');
    const result = await reencryptStore(raw, { sealer, tenant: 'acme' });
    expect(result.reencrypted).toBe(2);
    expect(result.unreadable.map(({ key, error }) => [key, error.code])).toEqual([
      ['record:0001', 'decryption_failed'],
    ]);
    expect((await keyIds(raw)).get('record:0001')).toBe('k-old');
  });

  it('re-reads an entry another writer changed between its read and its write, and retries', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 2);
    sealer.use('k-old');
    let interfered = false;
    const racing: StateStore = {
      ...raw,
      put: async (key, value, options) => {
        if (!interfered && key === 'record:0000') {
          interfered = true;
          // A writer still sealing under the old key gets in first.
          const oldWriter = encryptStore(raw, {
            sealer: createTestSealerSharing(sealer, 'k-old'),
            tenant: 'acme',
          });
          await oldWriter.put('record:0000', {
            kind: 'record',
            schemaVersion: '1',
            data: { index: 'changed' },
          });
        }
        return raw.put(key, value, options);
      },
    };
    sealer.use('k-new');
    const result = await reencryptStore(racing, { sealer, tenant: 'acme' });
    expect(result).toMatchObject({ scanned: 2, reencrypted: 2, skipped: 0 });
    expect((await keyIds(raw)).get('record:0000')).toBe('k-new');
    expect((await store.get('record:0000'))?.data).toEqual({ index: 'changed' });
  });

  it('leaves alone an entry deleted meanwhile', async () => {
    const { sealer, raw, store } = setUp();
    await fill(store, 2);
    const racing: StateStore = {
      ...raw,
      put: async (key, value, options) => {
        if (key === 'record:0000') await raw.delete(key);
        return raw.put(key, value, options);
      },
    };
    sealer.use('k-new');
    const result = await reencryptStore(racing, { sealer, tenant: 'acme' });
    expect(result).toMatchObject({ scanned: 2, reencrypted: 1, skipped: 1 });
    expect(await raw.get('record:0000')).toBeUndefined();
  });

  it('refuses invalid options', async () => {
    const { sealer, raw } = setUp();
    for (const batchSize of [0, 1001, 1.5]) {
      const error = await reencryptStore(raw, { sealer, batchSize }).catch(
        (caught: unknown) => caught,
      );
      expect(AgentryError.isInstance(error) && error.code).toBe('validation_failed');
    }
  });
});

/** A sealer over the same keys as `sealer`, pinned to `active`. */
function createTestSealerSharing(sealer: TestSealer, active: string): TestSealer {
  return createTestSealer({ keys: sealer.exportKeys(), active });
}
