import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/index.js';
import { createMemoryStore } from './create-memory-store.js';
import type { StoredEnvelope } from './stored-envelope.js';

const value = { kind: 'agent', schemaVersion: '1', data: { turns: 0 } };

/** A clock that returns the given times in turn, then keeps returning the last. */
function clock(...times: string[]): () => Date {
  let index = 0;
  return () => new Date(times[Math.min(index++, times.length - 1)]!);
}

async function rejectionOf(promise: Promise<unknown>): Promise<AgentryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!AgentryError.isInstance(error)) throw new Error('expected an AgentryError rejection');
  return error;
}

describe('createMemoryStore', () => {
  describe('put', () => {
    it('does stamp createdAt on creation and updatedAt on every write from the injected clock', async () => {
      const store = createMemoryStore({
        now: clock('2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z'),
      });
      const first = await store.put('agent:a', value);
      expect(first).toMatchObject({
        revision: 1,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      });
      const second = await store.put('agent:a', value);
      expect(second).toMatchObject({
        revision: 2,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:05.000Z',
      });
    });

    it('does keep updatedAt from going backwards when the clock does', async () => {
      const store = createMemoryStore({
        now: clock('2026-01-01T00:00:05Z', '2026-01-01T00:00:01Z'),
      });
      await store.put('agent:a', value);
      const second = await store.put('agent:a', value);
      expect(second.updatedAt).toBe('2026-01-01T00:00:05.000Z');
      expect(second.revision).toBe(2);
    });

    it('does start a deleted key again at revision 1 with a new createdAt', async () => {
      const store = createMemoryStore({
        now: clock('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
      });
      await store.put('agent:a', value);
      await store.delete('agent:a');
      const again = await store.put('agent:a', value, { expectedRevision: null });
      expect(again).toMatchObject({ revision: 1, createdAt: '2026-01-02T00:00:00.000Z' });
    });

    it('does reject rather than throw, so callers can rely on promise handling', async () => {
      const store = createMemoryStore();
      const pending = store.put('', value);
      expect(pending).toBeInstanceOf(Promise);
      expect((await rejectionOf(pending)).code).toBe('validation_failed');
    });

    it('does return data that is a fresh JSON copy the caller may change, however it is read', async () => {
      const store = createMemoryStore();
      const data = { nested: { turns: 1 }, dropped: undefined };
      const written: StoredEnvelope = await store.put('agent:a', { ...value, data });
      expect({ ...written }).toEqual({
        key: 'agent:a',
        revision: 1,
        kind: 'agent',
        schemaVersion: '1',
        data: { nested: { turns: 1 } },
        createdAt: written.createdAt,
        updatedAt: written.updatedAt,
      });
      const copy = written.data as { nested: { turns: number } };
      expect(copy).not.toBe(data);
      expect(written.data).toBe(copy);
      copy.nested.turns = 2;
      written.data = 'replaced';
      expect(written.data).toBe('replaced');
      expect((await store.get('agent:a'))?.data).toEqual({ nested: { turns: 1 } });
    });

    it('does leave the store unchanged when the clock throws', async () => {
      let broken = false;
      const store = createMemoryStore({
        now: () => (broken ? new Date(Number.NaN) : new Date(0)),
      });
      await store.put('agent:a', value);
      broken = true;
      await expect(store.put('agent:a', { ...value, data: { turns: 1 } })).rejects.toThrow();
      expect(await store.get('agent:a')).toMatchObject({ revision: 1, data: { turns: 0 } });
    });
  });

  describe('list', () => {
    it('does return 100 entries when no limit is given', async () => {
      const store = createMemoryStore();
      for (let index = 0; index < 150; index += 1)
        await store.put(`k:${String(index).padStart(3, '0')}`, value);
      const page = await store.list('k:');
      expect(page.entries).toHaveLength(100);
      expect(page.next).toBe('k:099');
    });
  });

  describe('close', () => {
    it('does drop the entries and reject every later call with invalid_transition', async () => {
      const store = createMemoryStore();
      await store.put('agent:a', value);
      await store.close();
      await store.close();
      const calls = [
        () => store.get('agent:a'),
        () => store.put('agent:a', value),
        () => store.delete('agent:a'),
        () => store.list(''),
      ];
      for (const call of calls) expect((await rejectionOf(call())).code).toBe('invalid_transition');
    });

    it('does not affect another memory store', async () => {
      const first = createMemoryStore();
      const second = createMemoryStore();
      await first.put('agent:a', value);
      await first.close();
      expect(await second.get('agent:a')).toBeUndefined();
      await second.put('agent:a', value);
      expect((await second.list('')).entries).toHaveLength(1);
    });
  });
});
