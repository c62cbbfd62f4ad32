import { describe, expect, it } from 'vitest';
import { entry, expectValidEnvelope, type ConformanceContext } from './conformance-context.js';

const nested = {
  messages: [
    { type: 'user', content: 'Where is my invoice?', metadata: { attachments: [] } },
    { type: 'agent', content: 'Quote " backslash \\ newline \n tab \t', metadata: {} },
  ],
  memory: { plan: null, flags: [true, false], counters: { steps: 3, cost: 0.1, debt: -2.5 } },
  limits: { maxSafe: Number.MAX_SAFE_INTEGER, tiny: 5e-324, big: 1.7976931348623157e308 },
  empty: { object: {}, array: [], string: '' },
  deep: [[[[{ level: 5 }]]]],
};

/**
 * Registers the tests of `get` and `put`: round trips, revisions, timestamps and copies.
 *
 * @internal
 */
export function describeReadWriteConformance(context: ConformanceContext): void {
  describe('get and put', () => {
    it('returns undefined for a key that was never written', async () => {
      expect(await context.store().get('conformance:missing')).toBeUndefined();
    });

    it('round-trips nested JSON with its kind and schema version', async () => {
      const store = context.store();
      const written = await store.put('agent:a', entry(nested, 'agent', '1.2.0'));
      expect(written).toMatchObject({ key: 'agent:a', revision: 1, kind: 'agent' });
      expect(written.schemaVersion).toBe('1.2.0');
      expect(written.data).toStrictEqual(nested);
      const read = expectValidEnvelope(await store.get('agent:a'));
      expect(read).toStrictEqual(written);
    });

    it('round-trips JSON values that are not objects', async () => {
      const store = context.store();
      const values: unknown[] = ['text', 0, -1.5, true, false, null, [1, 'two', null], {}];
      for (const [index, value] of values.entries()) {
        await store.put(`value:${index}`, entry(value));
        expect((await store.get(`value:${index}`))?.data).toStrictEqual(value);
      }
    });

    it('drops object properties set to undefined, as JSON does', async () => {
      const store = context.store();
      await store.put('agent:a', entry({ kept: 1, dropped: undefined }));
      const data = (await store.get('agent:a'))?.data as Record<string, unknown>;
      expect(data).toStrictEqual({ kept: 1 });
      expect(Object.hasOwn(data, 'dropped')).toBe(false);
    });

    it('adds one to the revision on every write and keeps the latest kind and data', async () => {
      const store = context.store();
      for (let turn = 1; turn <= 5; turn += 1) {
        const written = await store.put(
          'agent:a',
          entry({ turn }, turn === 5 ? 'archive' : 'agent', String(turn)),
        );
        expect(written.revision).toBe(turn);
      }
      expect(await store.get('agent:a')).toMatchObject({
        revision: 5,
        kind: 'archive',
        schemaVersion: '5',
        data: { turn: 5 },
      });
    });

    it('keeps createdAt and moves updatedAt forward, both ISO 8601', async () => {
      const store = context.store();
      const first = expectValidEnvelope(await store.put('agent:a', entry(1)));
      expect(first.updatedAt).toBe(first.createdAt);
      const second = expectValidEnvelope(await store.put('agent:a', entry(2)));
      expect(second.createdAt).toBe(first.createdAt);
      expect(Date.parse(second.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.updatedAt));
      expect(Number.isNaN(Date.parse(second.createdAt))).toBe(false);
    });

    it('keeps one entry per key', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      await store.put('agent:b', entry(2));
      expect((await store.get('agent:a'))?.data).toBe(1);
      expect((await store.get('agent:b'))?.data).toBe(2);
    });
  });

  describe('copies', () => {
    it('is not changed by changing the value passed to put afterwards', async () => {
      const store = context.store();
      const data = { memory: { topic: 'billing' }, list: [1] };
      await store.put('agent:a', entry(data));
      data.memory.topic = 'changed';
      data.list.push(2);
      expect((await store.get('agent:a'))?.data).toStrictEqual({
        memory: { topic: 'billing' },
        list: [1],
      });
    });

    it('is not changed by changing what put, get or list returned', async () => {
      const store = context.store();
      const written = await store.put('agent:a', entry({ memory: { topic: 'billing' } }));
      written.data.memory.topic = 'from put';
      const read = await store.get('agent:a');
      (read?.data as { memory: { topic: string } }).memory.topic = 'from get';
      const listed = await store.list('agent:');
      (listed.entries[0]?.data as { memory: { topic: string } }).memory.topic = 'from list';
      if (read) read.revision = 99;
      expect(await store.get('agent:a')).toMatchObject({
        revision: 1,
        data: { memory: { topic: 'billing' } },
      });
    });

    it('returns a new object on every get', async () => {
      const store = context.store();
      await store.put('agent:a', entry({ a: 1 }));
      const first = await store.get('agent:a');
      const second = await store.get('agent:a');
      expect(first).toStrictEqual(second);
      expect(first?.data).not.toBe(second?.data);
    });
  });

  describe('large and unicode values', () => {
    it('round-trips a 1 MB string', async () => {
      const store = context.store();
      const chunk = 'Agentry persists state; ünïcödé ✓ 日本語 😀\n';
      const large = chunk.repeat(Math.ceil(2 ** 20 / chunk.length)).slice(0, 2 ** 20 - 1) + '.';
      await store.put('agent:large', entry({ large }));
      const read = (await store.get('agent:large'))?.data as { large: string };
      expect(read.large.length).toBe(large.length);
      expect(read.large === large).toBe(true);
    });

    it('round-trips unicode keys and values', async () => {
      const store = context.store();
      const keys = [
        'agent:日本語',
        'agent:😀',
        'agent:über',
        'agent:שלום',
        'agent:e\u0301',
        'agent:\u00e9',
        'agent:\u2028',
      ];
      const text = 'Grüße, 世界! 🧑‍💻 שלום e\u0301 \u2028\u2029 \uFEFF';
      for (const key of keys) await store.put(key, entry({ key, text, [text]: 'as a key too' }));
      for (const key of keys)
        expect((await store.get(key))?.data).toStrictEqual({ key, text, [text]: 'as a key too' });
      expect((await store.list('agent:')).entries.map((item) => item.key).sort()).toEqual(
        [...keys].sort(),
      );
    });

    it('round-trips control characters inside string values, NUL included', async () => {
      const store = context.store();
      const text = 'a\u0000b\u0001c\u001fd\u007fe';
      await store.put('agent:a', entry({ text }));
      expect((await store.get('agent:a'))?.data).toStrictEqual({ text });
    });
  });
}
