import { compareStoreKeys } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from './prefix-upper-bound.js';

describe('prefixUpperBound', () => {
  it('increments the last code point', () => {
    expect(prefixUpperBound('agent:')).toBe('agent;');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('a_')).toBe('a`');
  });

  it('steps over the surrogate range', () => {
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
  });

  it('increments a character beyond U+FFFF as one code point', () => {
    expect(prefixUpperBound('a\u{1F600}')).toBe('a\u{1F601}');
  });

  it('drops trailing U+10FFFF and increments the character before', () => {
    expect(prefixUpperBound('ab\u{10FFFF}\u{10FFFF}')).toBe('ac');
  });

  it('needs no bound for an empty prefix or one of only U+10FFFF', () => {
    expect(prefixUpperBound('')).toBeUndefined();
    expect(prefixUpperBound('\u{10FFFF}')).toBeUndefined();
  });

  it('sorts after every key with the prefix and before every greater key', () => {
    const prefix = 'run:\u{1F600}';
    const bound = prefixUpperBound(prefix) as string;
    for (const key of [prefix, `${prefix}\u{10FFFF}`, `${prefix}:zzz`, `${prefix}\uFFFF`])
      expect(compareStoreKeys(key, bound)).toBeLessThan(0);
    for (const key of ['run:\u{1F601}', 'run;', 's'])
      expect(compareStoreKeys(key, bound)).toBeGreaterThanOrEqual(0);
  });
});
