import { describe, expect, it } from 'vitest';
import { describeConfigValue, readConfigValue } from './read-config-value.js';

describe('readConfigValue', () => {
  describe('lookup', () => {
    it('does return the value at a path of keys and indexes', () => {
      const config = { security: { accessControl: { permissions: [{ resource: 'agents' }] } } };
      expect(
        readConfigValue(config, ['security', 'accessControl', 'permissions', 0, 'resource']),
      ).toBe('agents');
    });

    it.each([
      ['a missing key', { security: {} }, ['security', 'encryption', 'atRest']],
      [
        'a step that is not an object',
        { security: { encryption: true } },
        ['security', 'encryption', 'atRest'],
      ],
      ['a step that is null', { security: null }, ['security', 'encryption']],
      ['a key only found on the prototype', { security: {} }, ['security', 'constructor']],
    ])('does return undefined for %s', (_name, config, path) => {
      expect(readConfigValue(config, path)).toBeUndefined();
    });
  });
});

describe('describeConfigValue', () => {
  describe('wording', () => {
    it.each([
      [undefined, 'not set'],
      [false, 'false'],
      [30, '30'],
      [Number.NaN, 'NaN'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
      [() => true, 'function'],
      [null, 'null'],
      ['yes', '"yes"'],
      [[], '[]'],
    ])('does describe %j as %s', (value, expected) => {
      expect(describeConfigValue(value)).toBe(expected);
    });
  });
});
