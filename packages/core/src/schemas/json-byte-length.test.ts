import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonByteLength } from './json-byte-length.js';

const stringified = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '');

describe('jsonByteLength', () => {
  it('does equal the UTF-8 length of JSON.stringify for any value', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withSparseArray: true,
          withTypedArray: true,
          withUnicodeString: true,
        }),
        (value) => {
          expect(jsonByteLength(value)).toBe(stringified(value));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('does count escapes, surrogate pairs and lone surrogates as JSON writes them', () => {
    const long = (text: string) => text.repeat(40);
    for (const text of [
      '"\\',
      '\n\t\r\b\f',
      '\u0000\u001f\u007f',
      'é€😀',
      '\ud800x',
      'x\udc00',
      long('ab'),
      long('é€😀'),
      long('a"'),
      `${long('a')}\ud800`,
    ])
      expect(jsonByteLength({ text })).toBe(stringified({ text }));
  });

  it('does measure integers and other numbers as JSON writes them', () => {
    for (const value of [0, -0, 7, -7, 10, 99, 100, -1000, 2 ** 53 - 1, 1e21, 0.1, -1.5e-7, NaN])
      expect(jsonByteLength([value])).toBe(stringified([value]));
  });

  it('does measure dates as their ISO strings, far years and invalid dates included', () => {
    for (const date of [new Date(0), new Date('+012345-01-01T00:00:00Z'), new Date(Number.NaN)])
      expect(jsonByteLength([date])).toBe(stringified([date]));
  });

  it('does call toJSON with the key, and leave out what JSON leaves out', () => {
    const value = {
      a: { toJSON: (key: string) => `key:${key}` },
      b: undefined,
      c: () => 1,
      d: [undefined, Symbol('x')],
    };
    expect(jsonByteLength(value)).toBe(stringified(value));
    expect(jsonByteLength(undefined)).toBe(0);
    const withInherited = Object.assign(Object.create({ inherited: 'x' }) as object, { own: 1 });
    expect(jsonByteLength(withInherited)).toBe(stringified(withInherited));
  });

  it('does throw as JSON.stringify does for a bigint or a cycle', () => {
    expect(() => jsonByteLength({ n: 1n })).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => jsonByteLength(cycle)).toThrow(TypeError);
  });
});
