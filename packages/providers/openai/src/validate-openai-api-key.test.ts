import { describe, expect, it } from 'vitest';
import { validateOpenAIApiKey } from './validate-openai-api-key.js';

const body = (length: number) => 'A1b2_-'.repeat(Math.ceil(length / 6)).slice(0, length);

describe('validateOpenAIApiKey', () => {
  it.each([
    ['a project key', `sk-proj-${body(156)}`],
    ['a legacy user key', `sk-${body(48)}`],
    ['a service account key', `sk-svcacct-${body(120)}`],
    ['an admin key', `sk-admin-${body(100)}`],
  ])('accepts %s', (_name, key) => {
    expect(validateOpenAIApiKey(key)).toBe(undefined);
  });

  it.each([
    ['an empty key', '', 'empty'],
    ['a key without the sk- prefix', `pk-${body(48)}`, '"sk-"'],
    ['a key that is cut off', `sk-proj-${body(10)}`, 'cut off'],
    ['a key far too long', `sk-proj-${body(600)}`, 'longer'],
    ['a key with spaces around it', ` sk-proj-${body(60)}\n`, 'spaces'],
    ['a key with other characters', `sk-proj-${body(40)}$%`, 'characters'],
  ])('refuses %s, naming the problem without the key', (_name, key, problem) => {
    const message = validateOpenAIApiKey(key);
    expect(message).toContain(problem);
    if (key.trim() !== '') expect(message).not.toContain(key.trim());
  });
});
