import { describe, expect, it } from 'vitest';
import { compliantSecurityConfig } from '../__fixtures__/compliant-security-config.js';
import { deletePath, setPath } from '@agentry/testing';
import { securityConfigSchema } from './security-config.js';

describe('securityConfigSchema', () => {
  describe('safeParse', () => {
    it('accepts a complete section and returns it unchanged', () => {
      const input = compliantSecurityConfig();
      expect(securityConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it('accepts a section that fails compliance, which is not a schema error', () => {
      const input = compliantSecurityConfig();
      input.encryption.atRest = false;
      input.dataMasking = false;
      expect(securityConfigSchema.safeParse(input).success).toBe(true);
    });

    it.each<[string, (section: object) => void, (string | number)[][]]>([
      [
        'a misspelt nested key',
        (section) => {
          deletePath(section, ['accessControl', 'rateLimiting', 'requestsPerMinute']);
          setPath(section, ['accessControl', 'rateLimiting', 'requestPerMinute'], 600);
        },
        [
          ['accessControl', 'rateLimiting', 'requestsPerMinute'],
          ['accessControl', 'rateLimiting'],
        ],
      ],
      [
        'a fractional burst limit',
        (section) => setPath(section, ['accessControl', 'rateLimiting', 'burstLimit'], 2.5),
        [['accessControl', 'rateLimiting', 'burstLimit']],
      ],
      [
        'a repeated action in the second permission',
        (section) =>
          setPath(section, ['accessControl', 'permissions', 1, 'actions'], ['read', 'read']),
        [['accessControl', 'permissions', 1, 'actions', 1]],
      ],
      [
        'an unknown cipher',
        (section) => setPath(section, ['encryption', 'algorithm'], 'DES'),
        [['encryption', 'algorithm']],
      ],
      [
        'a missing auditLogging',
        (section) => deletePath(section, ['auditLogging']),
        [['auditLogging']],
      ],
      ['an unknown top-level key', (section) => setPath(section, ['masking'], true), [[]]],
    ])('rejects %s at its path', (_name, change, paths) => {
      const input = compliantSecurityConfig();
      change(input);
      const issues = securityConfigSchema.safeParse(input).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual(paths);
    });
  });
});
