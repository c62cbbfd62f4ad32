import { describe, expect, it } from 'vitest';
import { toAcmeError } from './to-acme-error.js';

describe('toAcmeError', () => {
  it.each([
    [400, 'bad_request', 'invalid_request'],
    [401, 'bad_key', 'auth_failed'],
    [403, 'forbidden', 'auth_failed'],
    [400, 'too_long', 'context_length_exceeded'],
    [400, 'blocked', 'content_filtered'],
    [500, 'broken', 'provider_unavailable'],
    [503, 'busy', 'provider_unavailable'],
    [503, 'a_new_kind', 'provider_unavailable'],
    [401, 'a_new_kind', 'auth_failed'],
  ])('maps HTTP %i with fault %s to %s', (status, kind, code) => {
    const error = toAcmeError({ status, body: { fault: { kind, detail: 'Details.' } } });
    expect(error.code).toBe(code);
    expect(error.message).toBe(`Acme answered HTTP ${status} (${kind}): Details.`);
    expect(error.details).toMatchObject({ provider: 'acme', status, vendorCode: kind });
  });

  it('reads the wait of a rate limit from acme-retry-in-ms', () => {
    const error = toAcmeError({
      status: 429,
      headers: new Headers({ 'acme-retry-in-ms': '7000' }),
      body: { fault: { kind: 'slow_down', detail: 'Later.' } },
    });
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterMs).toBe(7000);
  });

  it('maps a fault frame mid-stream by its kind, and a plain text body by its status', () => {
    expect(
      toAcmeError({ body: { frame: 'fault', fault: { kind: 'busy', detail: 'Full.' } } }),
    ).toMatchObject({
      code: 'provider_unavailable',
      message: 'Acme failed mid-stream (busy): Full.',
    });
    expect(toAcmeError({ status: 502, body: 'Bad gateway' })).toMatchObject({
      code: 'provider_unavailable',
      message: 'Acme answered HTTP 502 (provider_unavailable): Bad gateway',
    });
  });
});
