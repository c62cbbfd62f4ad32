import { describe, expect, it } from 'vitest';
import { storedEnvelopeSchema } from './stored-envelope.js';

const envelope = {
  key: 'agent:a',
  revision: 2,
  kind: 'agent',
  schemaVersion: '1',
  data: { messages: [{ role: 'user', text: 'hi' }], status: 'idle' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000+00:00',
};

describe('storedEnvelopeSchema', () => {
  it('accepts an envelope read back from a database', () => {
    expect(storedEnvelopeSchema.parse(envelope)).toEqual(envelope);
    expect(storedEnvelopeSchema.parse({ ...envelope, data: null }).data).toBeNull();
  });

  it.each([
    ['an unknown field', { ...envelope, extra: 1 }, []],
    ['revision 0', { ...envelope, revision: 0 }, ['revision']],
    ['an empty kind', { ...envelope, kind: '' }, ['kind']],
    ['an invalid key', { ...envelope, key: 'a\nb' }, ['key']],
    ['a timestamp that is not ISO 8601', { ...envelope, createdAt: 'yesterday' }, ['createdAt']],
    [
      'updatedAt before createdAt',
      { ...envelope, updatedAt: '2025-12-31T23:59:59.000Z' },
      ['updatedAt'],
    ],
    ['missing data', { ...envelope, data: undefined }, ['data']],
    ['data that is not JSON', { ...envelope, data: { n: Number.NaN } }, ['data', 'n']],
  ])('refuses %s', (_, input, path) => {
    const result = storedEnvelopeSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});
