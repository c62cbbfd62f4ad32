import { readFileSync } from 'node:fs';
import { ApiError } from '@google/genai';
import { AgentryError, type ProviderErrorCode } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { testKey } from '../test/google-emulator.js';
import { googleErrorBodySchema, toGoogleError } from './to-google-error.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

const bodies = fixture('google-error-bodies.json') as Record<string, { error: { code: number } }>;
const recorded429 = fixture('google-429-retry-info.json');

/** The error `@google/genai` throws for an HTTP error: the body as JSON in the message. */
function httpError(body: unknown, status: number): ApiError {
  return new ApiError({ message: JSON.stringify(body), status });
}

function networkError(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

describe('toGoogleError', () => {
  it.each<[string, ProviderErrorCode, string | undefined]>([
    ['api-key-invalid', 'auth_failed', 'API_KEY_INVALID'],
    ['token-limit', 'context_length_exceeded', 'INVALID_ARGUMENT'],
    ['invalid-argument', 'invalid_request', 'INVALID_ARGUMENT'],
    ['unauthenticated', 'auth_failed', 'ACCESS_TOKEN_TYPE_UNSUPPORTED'],
    ['permission-denied', 'auth_failed', 'PERMISSION_DENIED'],
    ['not-found', 'invalid_request', 'NOT_FOUND'],
    ['internal', 'provider_unavailable', 'INTERNAL'],
    ['unavailable', 'provider_unavailable', 'UNAVAILABLE'],
    ['deadline-exceeded', 'provider_unavailable', 'DEADLINE_EXCEEDED'],
  ])('maps the %s body to %s with vendor code %s', (name, code, vendorCode) => {
    const body = bodies[name];
    if (body === undefined) throw new Error(`no fixture ${name}`);
    expect(googleErrorBodySchema.safeParse(body).success).toBe(true);
    const error = toGoogleError(httpError(body, body.error.code));
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({
      provider: 'google',
      status: body.error.code,
      vendorCode,
    });
  });

  it('maps the recorded 429 to rate_limited with the RetryInfo delay', () => {
    const error = toGoogleError(httpError(recorded429, 429));
    expect(error.code).toBe('rate_limited');
    expect(error.recoverable).toBe(true);
    expect(error.details['retryAfterMs']).toBe(34_400);
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it('prefers retry-after-ms and retry-after headers to RetryInfo', () => {
    const error = toGoogleError(httpError(recorded429, 429), {
      headers: new Headers({ 'retry-after-ms': '1500' }),
    });
    expect(error.details['retryAfterMs']).toBe(1_500);
  });

  it('reads an error event of a stream, which the SDK prefixes with its status', () => {
    const unavailable = bodies['unavailable'];
    const error = toGoogleError(
      new ApiError({
        message: `got status: UNAVAILABLE. ${JSON.stringify(unavailable)}`,
        status: 503,
      }),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toContain('The model is overloaded');
  });

  it('falls back to the status when the body is not Gemini JSON', () => {
    const error = toGoogleError(
      new ApiError({ message: '<html>502 Bad Gateway</html>', status: 502 }),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(error.details['status']).toBe(502);
  });

  it('masks a key that the API echoes in its message', () => {
    const key = testKey('k');
    const body = {
      error: { code: 400, message: `API key not valid: ${key}`, status: 'INVALID_ARGUMENT' },
    };
    const error = toGoogleError(httpError(body, 400));
    expect(error.code).toBe('auth_failed');
    expect(error.message).not.toContain(key);
  });

  it.each<[string, unknown, ProviderErrorCode]>([
    ['a refused connection', networkError('ECONNREFUSED'), 'network'],
    [
      'a connection reset mid-stream',
      new TypeError('terminated', { cause: networkError('UND_ERR_SOCKET') }),
      'network',
    ],
    ['a stream cut inside an event', new Error('Incomplete JSON segment at the end'), 'network'],
    ['a header timeout of the HTTP client', networkError('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [
      'an event that is not JSON',
      new SyntaxError('Unexpected token n in JSON'),
      'provider_unavailable',
    ],
  ])('maps %s to %s', (_name, thrown, code) => {
    expect(toGoogleError(thrown).code).toBe(code);
  });

  it('maps anything after the caller aborted to aborted', () => {
    const error = toGoogleError(networkError('ECONNRESET'), { signal: AbortSignal.abort() });
    expect(error.code).toBe('aborted');
  });

  it("maps anything after the call's timeout fired to timeout, naming the timeout", () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const error = toGoogleError(abort, { timeout: 5_000 });
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('5000 ms');
  });

  it('returns an AgentryError unchanged', () => {
    const original = new AgentryError({ code: 'content_filtered', message: 'Blocked.' });
    expect(toGoogleError(original)).toBe(original);
  });
});
