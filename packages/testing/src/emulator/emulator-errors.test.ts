import { describe, expect, it } from 'vitest';
import { errorTypeForStatus, resolveFailure } from './emulator-errors.js';

describe('errorTypeForStatus', () => {
  it.each([
    [400, 'invalid_request'],
    [401, 'authentication'],
    [403, 'permission'],
    [404, 'not_found'],
    [413, 'context_length'],
    [422, 'invalid_request'],
    [429, 'rate_limit'],
    [500, 'server'],
    [503, 'server'],
    [529, 'overloaded'],
  ])('maps %i to %s', (status, type) => {
    expect(errorTypeForStatus(status)).toBe(type);
  });
});

describe('resolveFailure', () => {
  it('keeps a given type and message, and fills in missing ones', () => {
    expect(
      resolveFailure({ kind: 'error', status: 400, error: 'content_filter', message: 'No.' }),
    ).toMatchObject({ error: 'content_filter', message: 'No.' });
    const filled = resolveFailure({ kind: 'error', status: 429, headers: { 'retry-after': '1' } });
    expect(filled).toMatchObject({
      status: 429,
      error: 'rate_limit',
      headers: { 'retry-after': '1' },
    });
    expect(filled.message).not.toBe('');
  });
});
