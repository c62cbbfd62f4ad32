import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import { createProviderError } from './create-provider-error.js';
import type { ProviderErrorCode } from './provider-error-code.js';

const codes: ProviderErrorCode[] = [
  'rate_limited',
  'auth_failed',
  'invalid_request',
  'context_length_exceeded',
  'content_filtered',
  'provider_unavailable',
  'timeout',
  'network',
  'aborted',
];

describe('createProviderError', () => {
  it.each([
    ['rate_limited', true],
    ['auth_failed', false],
    ['invalid_request', false],
    ['context_length_exceeded', false],
    ['content_filtered', false],
    ['provider_unavailable', true],
    ['timeout', true],
    ['network', true],
    ['aborted', false],
  ] as const)('does make %s recoverable: %s', (code, recoverable) => {
    const error = createProviderError({ provider: 'openai', code, message: 'failed' });
    expect(AgentryError.isInstance(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.recoverable).toBe(recoverable);
  });

  it('does put the given facts in details and leave the others out', () => {
    const cause = new Error('socket hang up');
    const error = createProviderError({
      provider: 'anthropic',
      code: 'rate_limited',
      message: 'Anthropic is rate limiting.',
      status: 429,
      retryAfterMs: 1500,
      vendorCode: 'rate_limit_error',
      requestId: 'req_123',
      cause,
    });
    expect(error.details).toEqual({
      provider: 'anthropic',
      status: 429,
      retryAfterMs: 1500,
      vendorCode: 'rate_limit_error',
      requestId: 'req_123',
    });
    expect(error.cause).toBe(cause);
    expect(
      createProviderError({ provider: 'google', code: 'network', message: 'x' }).details,
    ).toEqual({ provider: 'google' });
  });

  it.each(codes)(
    'does give %s suggestions that name the provider where they speak of it',
    (code) => {
      const error = createProviderError({ provider: 'anthropic', code, message: 'failed' });
      expect(error.suggestions.length).toBeGreaterThan(0);
      for (const suggestion of error.suggestions) expect(suggestion).not.toContain('{provider}');
    },
  );

  it.each([true, false])('does keep x-should-retry: %s as details.retryable', (retryable) => {
    const error = createProviderError({
      provider: 'openai',
      code: 'provider_unavailable',
      message: 'failed',
      status: 503,
      retryable,
    });
    expect(error.details.retryable).toBe(retryable);
    const silent = createProviderError({ provider: 'openai', code: 'network', message: 'reset' });
    expect('retryable' in silent.details).toBe(false);
  });

  it('does mask keys, bearer tokens and JWTs a vendor echoes in its message', () => {
    const openaiKey = ['sk', 'proj', 'A1b2C3d4'.repeat(6)].join('-');
    const googleKey = 'AIza' + 'Q'.repeat(35);
    const token = 'tok_' + 'z'.repeat(30);
    const jwt = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJ4In0', 'c2lnbmF0dXJl'].join('.');
    const error = createProviderError({
      provider: 'openai',
      code: 'auth_failed',
      message: `Incorrect API key provided: ${openaiKey}. Also ${googleKey}, Bearer ${token}, ${jwt}.`,
    });
    for (const secret of [openaiKey, googleKey, token, jwt]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error.toJSON())).not.toContain(secret);
    }
    expect(error.message).toContain(`****${openaiKey.slice(-4)}`);
  });

  it('does keep ordinary words and request ids in the message', () => {
    const message =
      'Rate limit reached for gpt-4o in organization org-abc on tokens (req_9f8e7d6c).';
    expect(createProviderError({ provider: 'openai', code: 'rate_limited', message }).message).toBe(
      message,
    );
  });
});
