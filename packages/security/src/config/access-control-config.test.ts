import { describe, expect, it } from 'vitest';
import { accessControlConfigSchema, type AccessControlConfig } from './access-control-config.js';

const valid: AccessControlConfig = {
  rbac: true,
  permissions: [{ resource: 'agents', actions: ['read'] }],
  rateLimiting: {
    enabled: true,
    requestsPerMinute: 60,
    burstLimit: 10,
    penaltyStrategy: 'throttle',
  },
};

describe('accessControlConfigSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<AccessControlConfig>]>([
      ['RBAC with permissions', {}],
      ['RBAC off with no permissions', { rbac: false, permissions: [] }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(accessControlConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, Record<string, unknown>, (string | number)[]]>([
      [
        'a bad permission, at its index',
        {
          permissions: [
            { resource: 'agents', actions: ['read'] },
            { resource: 'runs', actions: [] },
          ],
        },
        ['permissions', 1, 'actions'],
      ],
      [
        'a zero rate limit, inside rateLimiting',
        { rateLimiting: { ...valid.rateLimiting, requestsPerMinute: 0 } },
        ['rateLimiting', 'requestsPerMinute'],
      ],
      ['permissions that are not a list', { permissions: { resource: 'agents' } }, ['permissions']],
      ['a missing rateLimiting', { rateLimiting: undefined }, ['rateLimiting']],
    ])('rejects %s', (_name, patch, path) => {
      const issues = accessControlConfigSchema.safeParse({ ...valid, ...patch }).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([path]);
    });
  });
});
