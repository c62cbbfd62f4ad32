import { describe, expect, it } from 'vitest';
import {
  compareSchemaVersions,
  isSchemaVersion,
  isSchemaVersionPattern,
  matchesSchemaVersion,
} from './version-scheme.js';

describe('isSchemaVersion', () => {
  it.each([
    ['1.2.0', true, true],
    ['1.2.0-beta.1', true, true],
    ['v1.2.0', true, false],
    ['1.2', true, false],
    ['2', true, false],
    ['2', false, true],
    ['10', false, true],
    ['0', false, false],
    ['02', false, false],
    ['1.0.0', false, false],
    ['', false, false],
  ])('does judge %j (semantic: %s) as %s', (value, semantic, expected) => {
    expect(isSchemaVersion(value, semantic)).toBe(expected);
  });
});

describe('isSchemaVersionPattern', () => {
  it('does accept ranges only in semantic mode and never a blank string', () => {
    expect(isSchemaVersionPattern('^1.0.0', true)).toBe(true);
    expect(isSchemaVersionPattern('>=1.2.0 <2.0.0', true)).toBe(true);
    expect(isSchemaVersionPattern('^1.0.0', false)).toBe(false);
    expect(isSchemaVersionPattern(' ', true)).toBe(false);
    expect(isSchemaVersionPattern('not a range', true)).toBe(false);
  });
});

describe('compareSchemaVersions', () => {
  it('does order integers numerically and semver by precedence', () => {
    expect(compareSchemaVersions('10', '9', false)).toBeGreaterThan(0);
    expect(compareSchemaVersions('9', '10', false)).toBeLessThan(0);
    expect(
      compareSchemaVersions('12345678901234567890', '12345678901234567891', false),
    ).toBeLessThan(0);
    expect(compareSchemaVersions('1.10.0', '1.9.0', true)).toBeGreaterThan(0);
    expect(compareSchemaVersions('2.0.0-beta.1', '2.0.0', true)).toBeLessThan(0);
  });
});

describe('matchesSchemaVersion', () => {
  it('does match exact versions by equality and ranges by semver', () => {
    expect(matchesSchemaVersion('2', '2', false)).toBe(true);
    expect(matchesSchemaVersion('2', '3', false)).toBe(false);
    expect(matchesSchemaVersion('^1.0.0', '1.4.0', true)).toBe(true);
    expect(matchesSchemaVersion('^1.0.0', '2.0.0', true)).toBe(false);
    expect(matchesSchemaVersion('1.0.0', '1.0.1', true)).toBe(false);
  });
});
