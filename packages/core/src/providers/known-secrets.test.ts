import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createProviderError } from './create-provider-error.js';
import { maskKnownSecrets, rememberSecret } from './known-secrets.js';

// Built at run time: shaped like no vendor's key, so only the remembered value can mask it.
const hexKey = () =>
  Array.from({ length: 40 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

describe('rememberSecret', () => {
  it('does make createProviderError mask the value anywhere in the error graph', () => {
    const key = hexKey();
    const echo = `Incorrect API key provided: ${key}.`;
    expect(
      inspect(createProviderError({ provider: 'acme', code: 'auth_failed', message: echo })),
    ).toContain(key);
    rememberSecret(key);
    const error = createProviderError({
      provider: 'acme',
      code: 'auth_failed',
      message: echo,
      requestId: key,
      cause: new Error(echo, { cause: { body: { error: echo } } }),
    });
    const printed = inspect(error, { depth: Infinity, showHidden: true });
    expect(printed).not.toContain(key);
    expect(error.message).toContain(`****${key.slice(-4)}`);
  });

  it('does not remember values too short to be a key', () => {
    rememberSecret('short-word');
    expect(maskKnownSecrets('a short-word stays')).toBe('a short-word stays');
  });

  it('does keep the newest 256 values', () => {
    const first = hexKey();
    rememberSecret(first);
    for (let index = 0; index < 256; index += 1) rememberSecret(hexKey());
    expect(maskKnownSecrets(first)).toBe(first);
  });
});
