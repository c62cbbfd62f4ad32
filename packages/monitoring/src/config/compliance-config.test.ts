import { describe, expect, it } from 'vitest';
import { complianceConfigSchema, type ComplianceConfig } from './compliance-config.js';

const valid: ComplianceConfig = { soc2: true, gdpr: true, auditTrail: true, dataRetention: 365 };

describe('complianceConfigSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<ComplianceConfig>]>([
      ['both frameworks on', {}],
      ['both frameworks off and a short retention', { soc2: false, gdpr: false, dataRetention: 1 }],
      ['a retention no framework allows, which the controls report', { dataRetention: 10_000 }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(complianceConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, unknown]>([
      ['dataRetention', 0],
      ['dataRetention', -30],
      ['dataRetention', 30.5],
      ['dataRetention', Number.NaN],
      ['dataRetention', Number.POSITIVE_INFINITY],
      ['dataRetention', '365'],
    ])('rejects %s = %s as not a positive integer number of days', (key, value) => {
      const issues = complianceConfigSchema.safeParse({ ...valid, [key]: value }).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({
          path: [key],
          message: 'dataRetention must be a positive integer number of days.',
        }),
      ]);
    });

    it.each<[string, Record<string, unknown>, (string | number)[]]>([
      ['a string for a switch', { soc2: 'yes' }, ['soc2']],
      ['a missing auditTrail', { auditTrail: undefined }, ['auditTrail']],
      ['an unknown framework key', { hipaa: true }, []],
    ])('rejects %s at its path', (_name, patch, path) => {
      const issues = complianceConfigSchema.safeParse({ ...valid, ...patch }).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([path]);
    });
  });
});
