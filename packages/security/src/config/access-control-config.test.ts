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
      [
        'subjects and a decision cache',
        { subjects: { alice: ['user', 'approver'] }, decisionCacheTtlMs: 60_000 },
      ],
      ['a zero decision cache', { decisionCacheTtlMs: 0 }],
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
      ['a decision cache above one minute', { decisionCacheTtlMs: 60_001 }, ['decisionCacheTtlMs']],
      ['a negative decision cache', { decisionCacheTtlMs: -1 }, ['decisionCacheTtlMs']],
      [
        'a subject constructor',
        { subjects: { constructor: ['user'] } },
        ['subjects', 'constructor'],
      ],
      ['a padded subject', { subjects: { 'alice ': ['user'] } }, ['subjects', 'alice ']],
      [
        'a reserved role of a subject',
        { subjects: { alice: ['user', 'prototype'] } },
        ['subjects', 'alice', 1],
      ],
      [
        'a subject role that is not a string',
        { subjects: { alice: [7] } },
        ['subjects', 'alice', 0],
      ],
      [
        'a repeated policy id',
        {
          permissions: [
            { id: 'p', resource: 'agents', actions: ['read'] },
            { id: 'p', resource: 'tools', actions: ['read'] },
          ],
        },
        ['permissions', 1, 'id'],
      ],
      [
        'an id taking the default id of another permission',
        {
          permissions: [
            { resource: 'agents', actions: ['read'] },
            { id: 'permissions.0', resource: 'tools', actions: ['read'] },
          ],
        },
        ['permissions', 1, 'id'],
      ],
    ])('rejects %s', (_name, patch, path) => {
      const issues = accessControlConfigSchema.safeParse({ ...valid, ...patch }).error?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([path]);
    });

    it('refuses a "__proto__" subject instead of dropping it', () => {
      const subjects = JSON.parse('{"__proto__": ["admin"]}') as unknown;
      const issues = accessControlConfigSchema.safeParse({ ...valid, subjects }).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({
          path: ['subjects', '__proto__'],
          params: { suggestion: expect.stringMatching(/Remove/) },
        }),
      ]);
    });
  });
});
