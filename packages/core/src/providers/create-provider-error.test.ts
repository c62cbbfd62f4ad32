import { inspect } from 'node:util';
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
    expect(error.cause).toMatchObject({ name: 'Error', message: 'socket hang up' });
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

  it('does keep a redacted copy of the cause chain, with its useful fields, as the cause', () => {
    const key = ['sk', 'ant', 'api03', 'Zq7'.repeat(30)].join('-');
    const secret = 'client-secret-' + 'w'.repeat(20);
    const socket = Object.assign(new Error(`connect ECONNREFUSED (sent ${key})`), {
      code: 'ECONNREFUSED',
    });
    const network = new TypeError('fetch failed', {
      cause: new AggregateError([socket], `all attempts failed for Bearer ${key}`),
    });
    class VendorError extends Error {
      override name = 'AuthenticationError';
      status = 401;
      headers = new Headers({ 'x-request-id': 'req_1', 'set-cookie': `session=${secret}` });
      error = { message: `bad key ${key}`, client_secret: secret, limits: { max_tokens: 5 } };
      request = { headers: { 'x-api-key': secret, Authorization: `Bearer ${key}` } };
    }
    const vendorError = new VendorError(`401 bad key ${key}`, { cause: network });
    Object.assign(vendorError.error, { self: vendorError.error });
    const error = createProviderError({
      provider: 'anthropic',
      code: 'auth_failed',
      message: 'Anthropic answered 401.',
      cause: vendorError,
    });
    const printed = inspect(error, { depth: Infinity, showHidden: true });
    expect(printed).not.toContain(key.slice(4, -4));
    expect(printed).not.toContain(secret);
    const cause = error.cause as VendorError;
    expect(cause).not.toBe(vendorError);
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('AuthenticationError');
    expect(cause.message).toBe(`401 bad key ****${key.slice(-4)}`);
    expect(cause.stack).toContain('AuthenticationError: 401 bad key ****');
    expect(cause.status).toBe(401);
    expect(cause.headers.get('x-request-id')).toBe('req_1');
    expect(cause.error.limits).toEqual({ max_tokens: 5 });
    expect((cause.error as { self?: unknown }).self).toBe(cause.error);
    const inner = cause.cause as TypeError & { cause: AggregateError };
    expect(inner.message).toBe('fetch failed');
    expect(inner.cause.errors[0]).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('does keep what it can of a cause whose fields throw when read', () => {
    const key = 'AIza' + 'k'.repeat(35);
    const cause = new Error(`refused ${key}`);
    Object.defineProperty(cause, 'body', {
      enumerable: true,
      get: () => {
        throw new Error('unreadable');
      },
    });
    const error = createProviderError({ provider: 'google', code: 'network', message: 'x', cause });
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe(`Error: refused ****${key.slice(-4)}`);
  });

  it('does keep a cause that is not an error as it is, text redacted', () => {
    const key = 'AIza' + 'k'.repeat(35);
    expect(
      createProviderError({ provider: 'google', code: 'aborted', message: 'x', cause: 42 }).cause,
    ).toBe(42);
    expect(
      createProviderError({ provider: 'google', code: 'aborted', message: 'x', cause: key }).cause,
    ).toBe(`****${key.slice(-4)}`);
  });

  it("does put the provider's x-should-retry answer in details only when given", () => {
    const base = { provider: 'openai', code: 'provider_unavailable', message: 'x' } as const;
    expect(createProviderError({ ...base, retryable: false }).details.retryable).toBe(false);
    expect(createProviderError({ ...base, retryable: true }).details.retryable).toBe(true);
    expect(createProviderError(base).details).not.toHaveProperty('retryable');
  });

  it('does mask the credentials of a URL a message or a cause quotes', () => {
    const password = 'pa55-' + 'w'.repeat(12);
    const token = 'opaque' + 'T'.repeat(20);
    const url = `https://client:${password}@auth.example.com/token?api_key=${token}&scope=a`;
    const error = createProviderError({
      provider: 'google',
      code: 'network',
      message: `Cannot reach ${url}.`,
      cause: new TypeError('fetch failed', { cause: new Error(`connect ECONNREFUSED ${url}`) }),
    });
    expect(error.message).toBe('Cannot reach https://auth.example.com/token?scope=a.');
    const printed = inspect(error, { depth: Infinity, showHidden: true });
    expect(printed).not.toContain(password);
    expect(printed).not.toContain(token);
    expect(printed).toContain('auth.example.com/token');
  });

  it('does keep ordinary words and request ids in the message', () => {
    const message =
      'Rate limit reached for gpt-4o in organization org-abc on tokens (req_9f8e7d6c).';
    expect(createProviderError({ provider: 'openai', code: 'rate_limited', message }).message).toBe(
      message,
    );
  });
});
