import { AgentryError, type StoredEnvelope } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { entry, expectRejection, type ConformanceContext } from './conformance-context.js';

const writers = 10;

/**
 * Registers the tests of optimistic concurrency: `expectedRevision` on `put` and `delete`, and
 * concurrent writers of one key.
 *
 * @internal
 */
export function describeConcurrencyConformance(context: ConformanceContext): void {
  describe('put with expectedRevision', () => {
    it('creates a missing key with expectedRevision null', async () => {
      const written = await context.store().put('agent:a', entry(1), { expectedRevision: null });
      expect(written.revision).toBe(1);
    });

    it('refuses expectedRevision null on an existing key with a recoverable conflict', async () => {
      const store = context.store();
      const before = await store.put('agent:a', entry('first'));
      const error = await expectRejection(
        store.put('agent:a', entry('second'), { expectedRevision: null }),
        'conflict',
      );
      expect(error.recoverable).toBe(true);
      expect(error.details).toMatchObject({
        key: 'agent:a',
        expectedRevision: null,
        actualRevision: 1,
      });
      expect(await store.get('agent:a')).toStrictEqual(before);
    });

    it('updates when expectedRevision matches', async () => {
      const store = context.store();
      const first = await store.put('agent:a', entry(1));
      const second = await store.put('agent:a', entry(2), { expectedRevision: first.revision });
      expect(second).toMatchObject({ revision: 2, data: 2 });
    });

    it('refuses a stale revision with conflict and leaves the stored value unchanged', async () => {
      const store = context.store();
      await store.put('agent:a', entry({ turn: 1 }));
      const current = await store.put('agent:a', entry({ turn: 2 }));
      const error = await expectRejection(
        store.put('agent:a', entry({ turn: 'lost' }), { expectedRevision: 1 }),
        'conflict',
      );
      expect(error.details).toMatchObject({
        key: 'agent:a',
        expectedRevision: 1,
        actualRevision: 2,
      });
      expect(await store.get('agent:a')).toStrictEqual(current);
    });

    it('refuses a revision ahead of the stored one', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      await expectRejection(store.put('agent:a', entry(2), { expectedRevision: 2 }), 'conflict');
      expect((await store.get('agent:a'))?.revision).toBe(1);
    });

    it('refuses a revision for a missing key and writes nothing', async () => {
      const store = context.store();
      const error = await expectRejection(
        store.put('agent:a', entry(1), { expectedRevision: 1 }),
        'conflict',
      );
      expect(error.details).toMatchObject({
        key: 'agent:a',
        expectedRevision: 1,
        actualRevision: null,
      });
      expect(await store.get('agent:a')).toBeUndefined();
    });
  });

  describe('concurrent writers', () => {
    it(`lets exactly one of ${writers} puts with the same expectedRevision win`, async () => {
      const store = context.store();
      await store.put('agent:a', entry({ writer: -1 }));
      const results = await Promise.allSettled(
        Array.from({ length: writers }, (_, writer) =>
          store.put('agent:a', entry({ writer }), { expectedRevision: 1 }),
        ),
      );
      const winners = fulfilled(results);
      expect(winners).toHaveLength(1);
      expectConflicts(results, writers - 1);
      expect(await store.get('agent:a')).toMatchObject({ revision: 2, data: winners[0]?.data });
    });

    it(`lets exactly one of ${writers} creates with expectedRevision null win`, async () => {
      const store = context.store();
      const results = await Promise.allSettled(
        Array.from({ length: writers }, (_, writer) =>
          store.put('agent:a', entry({ writer }), { expectedRevision: null }),
        ),
      );
      const winners = fulfilled(results);
      expect(winners).toHaveLength(1);
      expectConflicts(results, writers - 1);
      expect(await store.get('agent:a')).toMatchObject({ revision: 1, data: winners[0]?.data });
    });

    it(`gives ${writers} unconditional concurrent puts distinct revisions`, async () => {
      const store = context.store();
      await store.put('agent:a', entry(0));
      const results = await Promise.all(
        Array.from({ length: writers }, (_, writer) => store.put('agent:a', entry(writer + 1))),
      );
      const revisions = results.map((result) => result.revision).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: writers }, (_, index) => index + 2));
      const last = results.find((result) => result.revision === writers + 1);
      expect(await store.get('agent:a')).toMatchObject({ revision: writers + 1, data: last?.data });
    });

    it('lets exactly one of concurrent deletes with the same expectedRevision win', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      const results = await Promise.allSettled(
        Array.from({ length: writers }, () => store.delete('agent:a', { expectedRevision: 1 })),
      );
      expect(
        results.filter((result) => result.status === 'fulfilled' && result.value),
      ).toHaveLength(1);
      expectConflicts(results, writers - 1);
      expect(await store.get('agent:a')).toBeUndefined();
    });
  });

  describe('delete', () => {
    it('deletes an entry and resolves to true, then to false', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      expect(await store.delete('agent:a')).toBe(true);
      expect(await store.get('agent:a')).toBeUndefined();
      expect(await store.delete('agent:a')).toBe(false);
    });

    it('resolves to false for a key that never existed', async () => {
      expect(await context.store().delete('agent:never')).toBe(false);
    });

    it('deletes when expectedRevision matches', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      await store.put('agent:a', entry(2));
      expect(await store.delete('agent:a', { expectedRevision: 2 })).toBe(true);
      expect(await store.get('agent:a')).toBeUndefined();
    });

    it('refuses a stale revision with conflict and keeps the entry', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      const current = await store.put('agent:a', entry(2));
      const error = await expectRejection(
        store.delete('agent:a', { expectedRevision: 1 }),
        'conflict',
      );
      expect(error.details).toMatchObject({
        key: 'agent:a',
        expectedRevision: 1,
        actualRevision: 2,
      });
      expect(await store.get('agent:a')).toStrictEqual(current);
    });

    it('refuses a revision for a missing key with conflict', async () => {
      const error = await expectRejection(
        context.store().delete('agent:a', { expectedRevision: 1 }),
        'conflict',
      );
      expect(error.details).toMatchObject({ key: 'agent:a', actualRevision: null });
    });

    it('lets a deleted key be created again, starting at revision 1', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      await store.put('agent:a', entry(2));
      await store.delete('agent:a');
      const again = await store.put('agent:a', entry(3), { expectedRevision: null });
      expect(again).toMatchObject({ revision: 1, data: 3 });
    });
  });
}

function fulfilled(results: PromiseSettledResult<StoredEnvelope>[]): StoredEnvelope[] {
  return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

function expectConflicts(results: PromiseSettledResult<unknown>[], count: number): void {
  const codes = results.flatMap((result) =>
    result.status === 'rejected'
      ? [AgentryError.isInstance(result.reason) ? result.reason.code : String(result.reason)]
      : [],
  );
  expect(codes).toEqual(Array.from({ length: count }, () => 'conflict'));
}
