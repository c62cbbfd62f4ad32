import { describe, expect, it } from 'vitest';
import { compareStoreKeys } from './compare-store-keys.js';

function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

describe('compareStoreKeys', () => {
  it('sorts by code point, not by UTF-16 code unit', () => {
    const keys = ['k:\u{1F600}', 'k:\uE000', 'k:\uFFFD', 'k:z', 'k:', 'k:\u00E9'];
    expect([...keys].sort(compareStoreKeys)).toEqual([
      'k:',
      'k:z',
      'k:\u00E9',
      'k:\uE000',
      'k:\uFFFD',
      'k:\u{1F600}',
    ]);
    // The default sort disagrees, which is why stores must not use it.
    expect([...keys].sort().indexOf('k:\u{1F600}')).toBeLessThan(
      [...keys].sort().indexOf('k:\uE000'),
    );
  });

  it('agrees with the byte order of UTF-8, which databases use', () => {
    const keys = [
      'a',
      'ab',
      'a\u{10FFFF}',
      'a\uD7FF',
      'a\uE000',
      'a\u{10000}',
      'Z',
      '',
      '日本',
      '😀x',
    ];
    for (const a of keys)
      for (const b of keys)
        expect(Math.sign(compareStoreKeys(a, b))).toBe(Math.sign(utf8Order(a, b)));
  });
});
