import { describe, expect, it } from 'vitest';
import { errorCodes } from '../errors/error-codes.js';
import { errorCodeForStatus } from './error-code-for-status.js';

describe('errorCodeForStatus', () => {
  it.each([
    [400, 'invalid_request'],
    [404, 'invalid_request'],
    [409, 'invalid_request'],
    [422, 'invalid_request'],
    [402, 'invalid_request'],
    [413, 'context_length_exceeded'],
    [401, 'auth_failed'],
    [403, 'auth_failed'],
    [408, 'timeout'],
    [429, 'rate_limited'],
    [500, 'provider_unavailable'],
    [502, 'provider_unavailable'],
    [503, 'provider_unavailable'],
    [504, 'provider_unavailable'],
    [529, 'provider_unavailable'],
    [302, 'provider_unavailable'],
    [0, 'provider_unavailable'],
  ] as const)('does map HTTP %i to %s', (status, code) => {
    expect(errorCodeForStatus(status)).toBe(code);
  });

  it('does mark exactly the transient statuses as recoverable', () => {
    const recoverable = [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 503, 529].filter(
      (status) => errorCodes[errorCodeForStatus(status)].recoverable,
    );
    expect(recoverable).toEqual([408, 429, 500, 503, 529]);
  });
});
