import { describe, expect, it } from 'vitest';
import { parseShouldRetry } from './parse-should-retry.js';

describe('parseShouldRetry', () => {
  it.each([
    [new Headers({ 'x-should-retry': 'false' }), false],
    [new Headers({ 'x-should-retry': ' TRUE ' }), true],
    [{ 'X-Should-Retry': 'false' }, false],
    [{ 'x-should-retry': ['true', 'false'] }, true],
    [new Headers({ 'x-should-retry': 'no' }), undefined],
    [new Headers({ 'x-should-retry': '' }), undefined],
    [new Headers(), undefined],
    [undefined, undefined],
  ])('does read %o as %s', (headers, expected) => {
    expect(parseShouldRetry(headers)).toBe(expected);
  });
});
