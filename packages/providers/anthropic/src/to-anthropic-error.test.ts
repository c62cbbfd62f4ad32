import { readFileSync } from 'node:fs';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { anthropicErrorBodySchema, toAnthropicError } from './to-anthropic-error.js';

interface ErrorFixture {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

const fixtures = JSON.parse(
  readFileSync(new URL('./__fixtures__/errors.json', import.meta.url), 'utf8'),
) as Record<string, ErrorFixture>;

/** The SDK's error for a recorded error body, made the way the SDK makes it. */
function sdkError(name: string): APIError {
  const fixture = fixtures[name];
  if (fixture === undefined) throw new Error(`No error fixture ${name}`);
  const headers = new Headers(fixture.headers ?? {});
  if (fixture.status === undefined) {
    // An error event in a stream: the SDK raises it without a status.
    const type = (fixture.body as { error: { type: string } }).error.type;
    return new APIError(undefined, fixture.body as object, undefined, headers, type as never);
  }
  return APIError.generate(fixture.status, fixture.body as object, undefined, headers);
}

describe('toAnthropicError', () => {
  it.each([
    ['invalid-request', 'invalid_request', 400, 'invalid_request_error'],
    ['prompt-too-long', 'context_length_exceeded', 400, 'invalid_request_error'],
    ['context-limit', 'context_length_exceeded', 400, 'invalid_request_error'],
    ['output-blocked', 'content_filtered', 400, 'invalid_request_error'],
    ['authentication', 'auth_failed', 401, 'authentication_error'],
    ['permission', 'auth_failed', 403, 'permission_error'],
    ['not-found', 'invalid_request', 404, 'not_found_error'],
    ['request-too-large', 'context_length_exceeded', 413, 'request_too_large'],
    ['rate-limit', 'rate_limited', 429, 'rate_limit_error'],
    ['api-error', 'provider_unavailable', 500, 'api_error'],
    ['overloaded', 'provider_unavailable', 529, 'overloaded_error'],
    ['stream-overloaded', 'provider_unavailable', undefined, 'overloaded_error'],
    ['stream-api-error', 'provider_unavailable', undefined, 'api_error'],
  ] as const)('maps the %s error body to %s', (name, code, status, vendorCode) => {
    const error = toAnthropicError(sdkError(name));
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ provider: 'anthropic', vendorCode });
    if (status === undefined) expect(error.details).not.toHaveProperty('status');
    else expect(error.details).toMatchObject({ status });
    expect(error.message).toContain(
      (fixtures[name]?.body as { error: { message: string } }).error.message,
    );
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it('keeps the wait a 429 asks for and the request id', () => {
    expect(toAnthropicError(sdkError('rate-limit')).details).toMatchObject({
      retryAfterMs: 17_000,
      requestId: 'req_011CSHoEeqs5C35K2UUqR7G1',
    });
  });

  it('takes the request id from the body when the headers have none', () => {
    expect(toAnthropicError(sdkError('authentication')).details).toMatchObject({
      requestId: 'req_011CSHoEeqs5C35K2UUqR7G0',
    });
  });

  it('marks rate limits and outages recoverable, refusals of the request not', () => {
    expect(toAnthropicError(sdkError('rate-limit')).recoverable).toBe(true);
    expect(toAnthropicError(sdkError('overloaded')).recoverable).toBe(true);
    expect(toAnthropicError(sdkError('prompt-too-long')).recoverable).toBe(false);
    expect(toAnthropicError(sdkError('authentication')).recoverable).toBe(false);
  });

  it('maps a status without a readable body by the status', () => {
    const error = toAnthropicError(
      APIError.generate(503, undefined, 'upstream connect error', new Headers()),
    );
    expect(error.code).toBe('provider_unavailable');
    expect(error.details).toMatchObject({ status: 503 });
  });

  it.each([
    ['an aborted call', new APIUserAbortError(), 'aborted'],
    ['a timeout', new APIConnectionTimeoutError(), 'timeout'],
    ['a connection error', new APIConnectionError({ cause: new Error('ECONNREFUSED') }), 'network'],
    ['a socket closed mid-body', new TypeError('terminated'), 'network'],
    ['an event that is not JSON', new SyntaxError('Unexpected token'), 'provider_unavailable'],
  ] as const)('maps %s to %s', (_name, error, code) => {
    expect(toAnthropicError(error).code).toBe(code);
  });

  it('maps anything thrown after the signal aborted to aborted', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toAnthropicError(new TypeError('terminated'), { signal: controller.signal }).code).toBe(
      'aborted',
    );
  });

  it('returns an AgentryError unchanged', () => {
    const original = new AgentryError({ code: 'auth_failed', message: 'No key.' });
    expect(toAnthropicError(original)).toBe(original);
  });

  it('never shows a key that appears in a vendor message', () => {
    const key = ['sk', 'ant', 'api03', 'z'.repeat(95)].join('-');
    const error = toAnthropicError(
      APIError.generate(
        401,
        { type: 'error', error: { type: 'authentication_error', message: `invalid key ${key}` } },
        undefined,
        new Headers(),
      ),
    );
    expect(JSON.stringify(error.toJSON())).not.toContain(key);
    expect(error.message).not.toContain(key);
  });
});

describe('anthropicErrorBodySchema', () => {
  it('reads every recorded error body', () => {
    for (const fixture of Object.values(fixtures)) {
      expect(anthropicErrorBodySchema.safeParse(fixture.body).success).toBe(true);
    }
  });

  it('refuses a body that is not the API error shape', () => {
    expect(anthropicErrorBodySchema.safeParse({ error: 'nope' }).success).toBe(false);
  });
});
