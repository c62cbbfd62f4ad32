import { describe, expect, it } from 'vitest';
import { compliantMonitoringConfig } from '../__fixtures__/compliant-monitoring-config.js';
import { enabledFrameworks } from './enabled-frameworks.js';

/** A valid section with the two framework switches set as given. */
function sectionWith(soc2: boolean, gdpr: boolean) {
  const section = compliantMonitoringConfig();
  section.logging.compliance.soc2 = soc2;
  section.logging.compliance.gdpr = gdpr;
  return section;
}

describe('enabledFrameworks', () => {
  describe('switches', () => {
    it.each<[boolean, boolean, string[]]>([
      [true, true, ['soc2', 'gdpr']],
      [true, false, ['soc2']],
      [false, true, ['gdpr']],
      [false, false, []],
    ])('does turn soc2=%s gdpr=%s into %j', (soc2, gdpr, expected) => {
      expect(enabledFrameworks(sectionWith(soc2, gdpr))).toEqual(expected);
    });
  });

  describe('malformed sections', () => {
    it.each([
      ['undefined', undefined],
      ['null', null],
      ['a string', 'soc2'],
      ['no logging', {}],
      ['truthy values that are not true', { logging: { compliance: { soc2: 'yes', gdpr: 1 } } }],
    ])('does switch nothing on for %s', (_name, section) => {
      expect(enabledFrameworks(section)).toEqual([]);
    });
  });
});
