import { describe, expect, it } from 'vitest';
import { entry, expectRejection, type ConformanceContext } from './conformance-context.js';

const invalidKeys: [string, unknown][] = [
  ['an empty key', ''],
  ['a key of 513 characters', 'k'.repeat(513)],
  ['a key with a newline', 'agent:a\nb'],
  ['a key with NUL', 'agent:\u0000'],
  ['a key with DEL', 'agent:\u007f'],
  ['a key with a C1 control character', 'agent:\u0085'],
  ['a key with an unpaired surrogate', 'agent:\uD800'],
  ['a key that is not a string', 42],
];

const notSerializable: [string, unknown, string][] = [
  ['a function', { callback: () => 1 }, 'callback'],
  ['a Date', { at: new Date(0) }, 'at'],
  ['NaN', { scores: [1, Number.NaN] }, 'scores[1]'],
  ['Infinity', { limit: Number.POSITIVE_INFINITY }, 'limit'],
  ['a bigint', { count: 1n }, 'count'],
  ['a Map', { index: new Map() }, 'index'],
  ['undefined in an array', { list: [undefined] }, 'list[0]'],
  ['a class instance', { error: new Error('x') }, 'error'],
];

/**
 * Registers the tests of what a store refuses: invalid keys and arguments, and data that is not
 * JSON, in each case without writing anything.
 *
 * @internal
 */
export function describeValidationConformance(context: ConformanceContext): void {
  describe('keys', () => {
    it.each(invalidKeys)(
      'refuses %s in get, put and delete with validation_failed',
      async (_, key) => {
        const store = context.store();
        const asKey = key as string;
        const calls = [
          () => store.get(asKey),
          () => store.put(asKey, entry(1)),
          () => store.delete(asKey),
        ];
        for (const call of calls) {
          const error = await expectRejection(call(), 'validation_failed');
          if (typeof key === 'string') expect(error.details['key']).toBe(key);
        }
        expect((await store.list('')).entries).toEqual([]);
      },
    );

    it('accepts a key of 512 characters', async () => {
      const store = context.store();
      const key = `agent:${'k'.repeat(506)}`;
      await store.put(key, entry(1));
      expect((await store.get(key))?.key).toBe(key);
    });

    it('keeps keys that differ only in case or Unicode normalization apart', async () => {
      const store = context.store();
      const keys = ['agent:a', 'agent:A', 'agent:\u00e9', 'agent:e\u0301'];
      for (const [index, key] of keys.entries()) await store.put(key, entry(index));
      for (const [index, key] of keys.entries()) expect((await store.get(key))?.data).toBe(index);
    });
  });

  describe('data', () => {
    it.each(notSerializable)(
      'refuses %s with not_serializable and the path, writing nothing',
      async (_, data, path) => {
        const store = context.store();
        const error = await expectRejection(
          store.put('agent:new', entry(data)),
          'not_serializable',
        );
        expect(error.details).toMatchObject({ key: 'agent:new', path });
        expect(await store.get('agent:new')).toBeUndefined();
      },
    );

    it('refuses a cycle and leaves an existing entry unchanged', async () => {
      const store = context.store();
      const before = await store.put('agent:a', entry({ ok: true }));
      const cycle: Record<string, unknown> = { ok: false };
      cycle['self'] = cycle;
      await expectRejection(store.put('agent:a', entry(cycle)), 'not_serializable');
      expect(await store.get('agent:a')).toStrictEqual(before);
    });

    it('refuses undefined as the data', async () => {
      const store = context.store();
      await expectRejection(store.put('agent:a', entry(undefined)), 'not_serializable');
      expect(await store.get('agent:a')).toBeUndefined();
    });
  });

  describe('arguments', () => {
    it.each([
      ['an empty kind', entry(1, ''), {}],
      ['an empty schemaVersion', entry(1, 'agent', ''), {}],
      ['expectedRevision 0', entry(1), { expectedRevision: 0 }],
      ['a fractional expectedRevision', entry(1), { expectedRevision: 1.5 }],
    ])('refuses a put with %s, writing nothing', async (_, value, options) => {
      const store = context.store();
      await expectRejection(store.put('agent:a', value, options), 'validation_failed');
      expect(await store.get('agent:a')).toBeUndefined();
    });

    it('refuses a delete with an invalid expectedRevision, deleting nothing', async () => {
      const store = context.store();
      await store.put('agent:a', entry(1));
      await expectRejection(store.delete('agent:a', { expectedRevision: -1 }), 'validation_failed');
      expect(await store.get('agent:a')).toBeDefined();
    });

    it.each([
      ['limit 0', '', { limit: 0 }],
      ['limit 1001', '', { limit: 1001 }],
      ['a fractional limit', '', { limit: 1.5 }],
      ['a prefix with a control character', 'agent:\n', {}],
    ])('refuses a list with %s', async (_, prefix, options) => {
      await expectRejection(context.store().list(prefix, options), 'validation_failed');
    });
  });
}
