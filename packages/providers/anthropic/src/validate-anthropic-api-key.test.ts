import { describe, expect, it } from 'vitest';
import { testKey } from '../test/anthropic-test-kit.js';
import { validateAnthropicApiKey } from './validate-anthropic-api-key.js';

describe('validateAnthropicApiKey', () => {
  it('accepts a key of the current format', () => {
    expect(validateAnthropicApiKey(testKey())).toBeUndefined();
  });

  it.each([
    ['an empty key', '', 'empty'],
    ['a key with a line break after it', `${testKey()}\n`, 'spaces or line breaks'],
    ['an OpenAI key', ['sk', 'proj', 'q'.repeat(60)].join('-'), 'sk-ant-'],
    ['a key cut short', ['sk', 'ant', 'api03', 'q'.repeat(10)].join('-'), 'cut short'],
    ['a key with something appended', ['sk', 'ant', 'q'.repeat(300)].join('-'), 'more than'],
    [
      'a key with other characters',
      ['sk', 'ant', 'api03', 'q'.repeat(40), '+/='].join('-'),
      'characters',
    ],
  ])('refuses %s', (_name, key, problem) => {
    expect(validateAnthropicApiKey(key)).toContain(problem);
  });

  it('never repeats the key in its answer', () => {
    const key = ['sk', 'ant', 'api03', 'q'.repeat(10)].join('-');
    expect(validateAnthropicApiKey(key)).not.toContain(key);
    expect(validateAnthropicApiKey(`${key}!`)).not.toContain('q'.repeat(10));
  });
});
