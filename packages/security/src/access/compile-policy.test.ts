import { AgentryError, type ConfigurationIssue } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile-policy.js';

describe('compilePolicy', () => {
  it('names each grant by its id or its index', () => {
    const policy = compilePolicy({
      permissions: [
        { resource: 'agents', actions: ['read'] },
        { id: 'tools', resource: 'tools:*', actions: ['read'] },
      ],
    });
    expect(policy.policyIds).toEqual(['permissions.0', 'tools']);
    expect(policy.decisionCacheTtlMs).toBe(0);
  });

  it('accepts a whole accessControl section and keeps its subjects, NFC-normalised', () => {
    const policy = compilePolicy({
      rbac: true,
      permissions: [],
      subjects: { 'jose\u0301': ['user'], alice: ['user', 'approver'] },
      decisionCacheTtlMs: 1_000,
      rateLimiting: {
        enabled: false,
        requestsPerMinute: 60,
        burstLimit: 10,
        penaltyStrategy: 'reject',
      },
    });
    expect([...policy.subjects]).toEqual([
      ['jos\u00e9', ['user']],
      ['alice', ['approver', 'user']],
    ]);
    expect(policy.decisionCacheTtlMs).toBe(1_000);
  });

  it('reports every problem at once as config_invalid, with paths and suggestions', () => {
    let caught: unknown;
    try {
      compilePolicy({
        permissions: [
          { id: 'p', resource: 'tools:..', actions: ['read'] },
          { id: 'p', resource: 'tools', actions: ['read'], conditions: { owner: { $where: '1' } } },
        ],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AgentryError);
    const error = caught as AgentryError;
    expect(error.code).toBe('config_invalid');
    const issues = error.details.issues as ConfigurationIssue[];
    expect(issues.map((issue) => issue.path)).toEqual([
      'security.accessControl.permissions.0.resource',
      'security.accessControl.permissions.1.conditions.owner.$where',
      'security.accessControl.permissions.1.id',
    ]);
    expect(issues.every((issue) => issue.suggestion.length > 0)).toBe(true);
    expect(error.suggestions.length).toBeGreaterThan(0);
  });
});
