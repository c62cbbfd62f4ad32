import { describe, expect, it } from 'vitest';
import { testKey } from '../test/google-emulator.js';
import { validateGoogleApiKey } from './validate-google-api-key.js';

describe('validateGoogleApiKey', () => {
  it('accepts a key of 39 characters starting with AIza', () => {
    expect(validateGoogleApiKey(testKey())).toBeUndefined();
    expect(validateGoogleApiKey(`AIza${'Ab9_-'.repeat(7)}`)).toBeUndefined();
  });

  it.each([
    ['an empty key', '', /empty/],
    ['a key with spaces around it', ` ${testKey()}\n`, /spaces/],
    ['a key of another vendor', `sk-${'x'.repeat(36)}`, /starts with "AIza"/],
    ['a key cut short', testKey().slice(0, 30), /30 characters.*39/],
    ['a key with more after it', `${testKey()}x`, /40 characters/],
    ['a key with other characters', `AIza${'x'.repeat(34)}!`, /characters other than/],
  ])('refuses %s and never repeats it', (_name, key, problem) => {
    const message = validateGoogleApiKey(key);
    expect(message).toMatch(problem);
    if (key.trim() !== '') expect(message).not.toContain(key.trim());
  });
});
