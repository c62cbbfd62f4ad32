import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/index.js';
import { assertExpectedRevision } from './assert-expected-revision.js';

function errorOf(work: () => unknown): AgentryError | undefined {
  try {
    work();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  return undefined;
}

describe('assertExpectedRevision', () => {
  it.each([
    [undefined, undefined],
    [undefined, 4],
    [null, undefined],
    [4, 4],
  ])('accepts expected %j when the key is at %j', (expected, actual) => {
    expect(errorOf(() => assertExpectedRevision('k', expected, actual))).toBeUndefined();
  });

  it.each([
    [null, 1],
    [1, undefined],
    [1, 2],
    [3, 2],
  ])(
    'refuses expected %j when the key is at %j with a recoverable conflict',
    (expected, actual) => {
      const error = errorOf(() => assertExpectedRevision('agent:a', expected, actual));
      expect(error?.code).toBe('conflict');
      expect(error?.recoverable).toBe(true);
      expect(error?.details).toEqual({
        key: 'agent:a',
        operation: 'put',
        expectedRevision: expected,
        actualRevision: actual ?? null,
      });
      expect(error?.message).toContain('agent:a');
    },
  );

  it('names the operation', () => {
    const error = errorOf(() => assertExpectedRevision('k', 2, 3, 'delete'));
    expect(error?.message).toContain('Cannot delete');
    expect(error?.details['operation']).toBe('delete');
  });
});
