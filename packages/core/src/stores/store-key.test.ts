import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/index.js';
import { parseStoreKey, storeKey, storeKeyPrefix } from './store-key.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : 'not an AgentryError';
  }
  return undefined;
}

describe('storeKey', () => {
  it('joins parts with a colon', () => {
    expect(storeKey('agent', 'support-bot')).toBe('agent:support-bot');
    expect(storeKey('agent')).toBe('agent');
  });

  it('escapes colons and percent signs so different parts never give the same key', () => {
    expect(storeKey('agent', 'a:b')).toBe('agent:a%3Ab');
    expect(storeKey('agent', '100%')).toBe('agent:100%25');
    expect(storeKey('agent', '%3A')).toBe('agent:%253A');
    const keys = [
      storeKey('agent', 'a:b'),
      storeKey('agent', 'a', 'b'),
      storeKey('agent:a', 'b'),
      storeKey('agent', 'a%3Ab'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps unicode as it is', () => {
    expect(storeKey('agent', 'über', '😀')).toBe('agent:über:😀');
  });

  it.each([
    ['no parts', [] as string[]],
    ['an empty part', ['agent', '']],
    ['a part that is not a string', ['agent', 7 as unknown as string]],
    ['a control character', ['agent', 'a\nb']],
    ['a key longer than 512 characters', ['agent', 'x'.repeat(510)]],
  ])('refuses %s with validation_failed', (_, parts) => {
    expect(codeOf(() => storeKey(...parts))).toBe('validation_failed');
  });
});

describe('storeKeyPrefix', () => {
  it('ends with a colon so it matches children only, not longer ids', () => {
    const prefix = storeKeyPrefix('agent', '1');
    expect(prefix).toBe('agent:1:');
    expect(storeKey('agent', '1', 'step').startsWith(prefix)).toBe(true);
    expect(storeKey('agent', '10').startsWith(prefix)).toBe(false);
    expect(storeKey('agent', '1').startsWith(prefix)).toBe(false);
    expect(storeKey('agent', '1:x').startsWith(prefix)).toBe(false);
  });
});

describe('parseStoreKey', () => {
  it('undoes storeKey', () => {
    const cases = [
      ['agent', 'a:b'],
      ['x', '%', '%25', ':%3A:'],
      ['workflow-run', 'r', 'step', '3'],
    ];
    for (const parts of cases) expect(parseStoreKey(storeKey(...parts))).toEqual(parts);
  });

  it.each([['agent::1'], ['agent:50%'], ['agent:%2'], ['']])(
    'refuses %j, which storeKey cannot produce',
    (key) => {
      expect(codeOf(() => parseStoreKey(key))).toBe('validation_failed');
    },
  );
});
