import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/index.js';
import { assertStoreDelete, assertStoreList, assertStorePut } from './assert-store-request.js';

function errorOf(work: () => unknown): AgentryError | undefined {
  try {
    work();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  return undefined;
}

const value = { kind: 'agent', schemaVersion: '1', data: { turns: 1 } };

describe('assertStorePut', () => {
  it('accepts a valid write with each form of expectedRevision', () => {
    for (const options of [undefined, {}, { expectedRevision: null }, { expectedRevision: 3 }])
      expect(errorOf(() => assertStorePut('agent:a', value, options))).toBeUndefined();
  });

  it.each([
    ['a value that is not an object', null, {}, 'value'],
    ['an empty kind', { ...value, kind: '' }, {}, 'kind'],
    ['a kind longer than 128 characters', { ...value, kind: 'k'.repeat(129) }, {}, 'kind'],
    ['a missing schemaVersion', { kind: 'agent', data: 1 }, {}, 'schemaVersion'],
    ['options that are not an object', value, 'fast', 'options'],
    ['expectedRevision 0', value, { expectedRevision: 0 }, 'expectedRevision'],
    ['a fractional expectedRevision', value, { expectedRevision: 1.5 }, 'expectedRevision'],
    ['expectedRevision as a string', value, { expectedRevision: '1' }, 'expectedRevision'],
    ['expectedRevision NaN', value, { expectedRevision: Number.NaN }, 'expectedRevision'],
  ])('refuses %s with validation_failed naming the field', (_, input, options, field) => {
    const error = errorOf(() => assertStorePut('agent:a', input, options));
    expect(error?.code).toBe('validation_failed');
    expect(error?.details).toMatchObject({ key: 'agent:a', field });
  });

  it('refuses an invalid key before looking at the value', () => {
    const error = errorOf(() => assertStorePut('a\u0000b', null, {}));
    expect(error?.code).toBe('validation_failed');
    expect(error?.details['key']).toBe('a\u0000b');
    expect(error?.message).toContain('"a\\u0000b"');
  });

  it('refuses data that is not JSON with not_serializable, the key and the path', () => {
    const error = errorOf(() =>
      assertStorePut('agent:a', { ...value, data: { memory: { at: new Date(0) } } }, {}),
    );
    expect(error?.code).toBe('not_serializable');
    expect(error?.details).toMatchObject({ key: 'agent:a', path: 'memory.at' });
  });

  it('refuses undefined data and data nested too deeply to check', () => {
    expect(errorOf(() => assertStorePut('k', { ...value, data: undefined }, {}))?.code).toBe(
      'not_serializable',
    );
    let deep: unknown = 'bottom';
    for (let depth = 0; depth < 100_000; depth += 1) deep = [deep];
    expect(errorOf(() => assertStorePut('k', { ...value, data: deep }, {}))?.code).toBe(
      'not_serializable',
    );
  });
});

describe('assertStoreDelete', () => {
  it('accepts a key with or without a positive expectedRevision', () => {
    expect(errorOf(() => assertStoreDelete('k', undefined))).toBeUndefined();
    expect(errorOf(() => assertStoreDelete('k', { expectedRevision: 2 }))).toBeUndefined();
  });

  it('refuses null as expectedRevision, which only put understands', () => {
    expect(errorOf(() => assertStoreDelete('k', { expectedRevision: null }))?.code).toBe(
      'validation_failed',
    );
  });
});

describe('assertStoreList', () => {
  it('accepts an empty prefix and the limits 1 and 1000', () => {
    expect(errorOf(() => assertStoreList('', undefined))).toBeUndefined();
    expect(
      errorOf(() => assertStoreList('agent:', { limit: 1, after: 'agent:a' })),
    ).toBeUndefined();
    expect(errorOf(() => assertStoreList('agent:', { limit: 1000 }))).toBeUndefined();
  });

  it.each([
    ['a prefix that is not a string', 7, {}, 'prefix'],
    ['a prefix with a control character', 'agent\t', {}, 'prefix'],
    ['a prefix longer than a key', 'p'.repeat(513), {}, 'prefix'],
    ['limit 0', '', { limit: 0 }, 'limit'],
    ['limit 1001', '', { limit: 1001 }, 'limit'],
    ['a fractional limit', '', { limit: 2.5 }, 'limit'],
    ['after that is not a string', '', { after: 3 }, 'after'],
  ])('refuses %s with validation_failed', (_, prefix, options, field) => {
    const error = errorOf(() => assertStoreList(prefix, options));
    expect(error?.code).toBe('validation_failed');
    expect(error?.details['field']).toBe(field);
  });
});
