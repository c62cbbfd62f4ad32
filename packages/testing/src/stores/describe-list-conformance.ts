import { compareStoreKeys, type StateStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { entry, expectValidEnvelope, type ConformanceContext } from './conformance-context.js';

async function putAll(store: StateStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) await store.put(key, entry({ key }));
}

async function keysOf(store: StateStore, prefix: string, limit?: number): Promise<string[]> {
  const page = await store.list(prefix, limit === undefined ? {} : { limit });
  return page.entries.map((item) => item.key);
}

/**
 * Registers the tests of `list`: plain string prefixes, key order and pagination.
 *
 * @internal
 */
export function describeListConformance(context: ConformanceContext): void {
  describe('list', () => {
    it('returns the entries under a prefix, sorted by key, with their data', async () => {
      const store = context.store();
      await putAll(store, ['agent:b', 'workflow-run:a', 'agent:c', 'agent:a']);
      const page = await store.list('agent:');
      expect(page.entries.map((item) => item.key)).toEqual(['agent:a', 'agent:b', 'agent:c']);
      expect(page.entries[1]?.data).toStrictEqual({ key: 'agent:b' });
      page.entries.forEach((item) => expectValidEnvelope(item));
      expect(page.next).toBeUndefined();
    });

    it('matches a plain string prefix, so agent:1 also matches agent:10 and agent:1:step', async () => {
      const store = context.store();
      await putAll(store, ['agent:1', 'agent:10', 'agent:1:step', 'agent:2', 'agent1', 'agent:0']);
      expect(await keysOf(store, 'agent:1')).toEqual(['agent:1', 'agent:10', 'agent:1:step']);
      expect(await keysOf(store, 'agent:1:')).toEqual(['agent:1:step']);
      expect(await keysOf(store, 'agent:10')).toEqual(['agent:10']);
      expect(await keysOf(store, 'agent:10:')).toEqual([]);
    });

    it('treats characters special to SQL LIKE, globs and regular expressions literally', async () => {
      const store = context.store();
      await putAll(store, ['a%b:1', 'axb:1', 'a_b:1', 'a*b:1', 'a.b:1', 'a[b:1', 'a\\b:1']);
      for (const prefix of ['a%b', 'a_b', 'a*b', 'a.b', 'a[b', 'a\\b'])
        expect(await keysOf(store, prefix)).toEqual([`${prefix}:1`]);
    });

    it('is case-sensitive', async () => {
      const store = context.store();
      await putAll(store, ['Agent:a', 'agent:a']);
      expect(await keysOf(store, 'agent:')).toEqual(['agent:a']);
      expect(await keysOf(store, 'Agent:')).toEqual(['Agent:a']);
    });

    it('lists every entry for the empty prefix', async () => {
      const store = context.store();
      await putAll(store, ['b', 'a', 'c:1']);
      expect(await keysOf(store, '')).toEqual(['a', 'b', 'c:1']);
    });

    it('returns no entries and no cursor when nothing matches', async () => {
      const store = context.store();
      await putAll(store, ['agent:a']);
      expect(await store.list('workflow-run:')).toStrictEqual({ entries: [] });
    });

    it('sorts by Unicode code point, the byte order of UTF-8', async () => {
      const store = context.store();
      const keys = ['k:\u{1F600}', 'k:\uE000', 'k:z', 'k:Z', 'k:é', 'k:10', 'k:9', 'k:日'];
      await putAll(store, keys);
      expect(await keysOf(store, 'k:')).toEqual([...keys].sort(compareStoreKeys));
      expect(await keysOf(store, 'k:')).toEqual([
        'k:10',
        'k:9',
        'k:Z',
        'k:z',
        'k:é',
        'k:日',
        'k:\uE000',
        'k:\u{1F600}',
      ]);
    });

    it('pages with limit and after, returning every entry exactly once, in order', async () => {
      const store = context.store();
      const keys = Array.from(
        { length: 23 },
        (_, index) => `page:${String(index).padStart(2, '0')}`,
      );
      await putAll(store, [...keys].reverse());
      await putAll(store, ['pagf:0', 'pag:0']);
      const seen: string[] = [];
      let after: string | undefined;
      for (let pages = 1; pages <= 10; pages += 1) {
        const page = await store.list(
          'page:',
          after === undefined ? { limit: 5 } : { limit: 5, after },
        );
        expect(page.entries.length).toBeLessThanOrEqual(5);
        seen.push(...page.entries.map((item) => item.key));
        if (page.next === undefined) {
          expect(pages).toBe(5);
          break;
        }
        expect(page.entries).toHaveLength(5);
        expect(page.next).toBe(page.entries[4]?.key);
        after = page.next;
      }
      expect(seen).toEqual(keys);
    });

    it('gives no cursor when the last page is exactly full', async () => {
      const store = context.store();
      await putAll(store, ['p:1', 'p:2', 'p:3', 'p:4']);
      const first = await store.list('p:', { limit: 2 });
      expect(first.next).toBe('p:2');
      const second = await store.list('p:', { limit: 2, after: first.next });
      expect(second.entries.map((item) => item.key)).toEqual(['p:3', 'p:4']);
      expect(second.next).toBeUndefined();
    });

    it('continues after a key that is not stored', async () => {
      const store = context.store();
      await putAll(store, ['p:a', 'p:b', 'p:c']);
      expect((await store.list('p:', { after: 'p:a0' })).entries.map((item) => item.key)).toEqual([
        'p:b',
        'p:c',
      ]);
      expect((await store.list('p:', { after: 'p:c' })).entries).toEqual([]);
      expect((await store.list('p:', { after: '' })).entries).toHaveLength(3);
    });

    it('returns 100 entries when no limit is given, with a cursor to the rest', async () => {
      const store = context.store();
      const keys = Array.from(
        { length: 101 },
        (_, index) => `many:${String(index).padStart(3, '0')}`,
      );
      await Promise.all(keys.map((key) => store.put(key, entry(null))));
      const page = await store.list('many:');
      expect(page.entries).toHaveLength(100);
      expect(page.next).toBe('many:099');
      const rest = await store.list('many:', { after: page.next });
      expect(rest.entries.map((item) => item.key)).toEqual(['many:100']);
    });

    it('leaves deleted entries out', async () => {
      const store = context.store();
      await putAll(store, ['p:1', 'p:2', 'p:3']);
      await store.delete('p:2');
      expect(await keysOf(store, 'p:')).toEqual(['p:1', 'p:3']);
    });
  });
}
