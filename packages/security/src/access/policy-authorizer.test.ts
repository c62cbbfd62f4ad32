import { AgentryError, type AuthorizationRequest } from '@agentry/core';
import { describe, expect, it, vi } from 'vitest';
import type { Permission } from '../config/index.js';
import { compilePolicy } from './compile-policy.js';
import { createPolicyAuthorizer, type DecisionRecord } from './policy-authorizer.js';
import { createRoleDirectory } from './role-directory.js';

const userRecords: Permission = {
  id: 'own-records',
  roles: ['user'],
  resource: 'records:*',
  actions: ['read', 'update'],
  conditions: { ownerOnly: true },
};
const anyTool: Permission = {
  id: 'tools',
  roles: ['user'],
  resource: 'tools:*',
  actions: ['read'],
};

function authorizerFor(
  permissions: Permission[],
  subjects: Record<string, string[]> = { alice: ['user'], bob: ['user'] },
) {
  return createPolicyAuthorizer({ policy: compilePolicy({ permissions, subjects }) });
}

const ask = (
  principal: AuthorizationRequest['principal'],
  action: string,
  resource: AuthorizationRequest['resource'],
  extra: Partial<AuthorizationRequest> = {},
): AuthorizationRequest => ({ principal, action, resource, ...extra });

describe('createPolicyAuthorizer', () => {
  describe('authorize: deny by default', () => {
    it('denies a principal with no role', async () => {
      const authorizer = authorizerFor([anyTool]);
      const decision = await authorizer.authorize(
        ask({ id: 'mallory' }, 'read', { type: 'tools', id: 'search' }),
      );
      expect(decision).toEqual({
        decision: 'deny',
        reasons: ['no grant of read on tools:search for mallory'],
        policyIds: [],
      });
    });

    it('allows what a held grant allows, naming the grant', async () => {
      const authorizer = authorizerFor([anyTool]);
      const decision = await authorizer.authorize(
        ask({ id: 'alice' }, 'read', { type: 'tools', id: 'search' }),
      );
      expect(decision).toEqual({
        decision: 'allow',
        reasons: ['tools grants read on tools:search'],
        policyIds: ['tools'],
      });
    });

    it('denies an action no grant names', async () => {
      const authorizer = authorizerFor([anyTool]);
      const decision = await authorizer.authorize(
        ask({ id: 'alice' }, 'delete', { type: 'tools', id: 'search' }),
      );
      expect(decision.decision).toBe('deny');
    });

    it.each(['execute', 'manage', 'READ', '', 'read '])(
      'denies the unknown action %j with a reason',
      async (action) => {
        const authorizer = authorizerFor([{ resource: 'tools:*', actions: ['read'] }]);
        const decision = await authorizer.authorize(
          ask({ id: 'alice' }, action, { type: 'tools', id: 'x' }),
        );
        expect(decision.decision).toBe('deny');
        expect(decision.reasons[0]).toMatch(/unknown action/);
      },
    );

    it('denies everything on an empty policy', async () => {
      const authorizer = authorizerFor([]);
      for (const action of ['create', 'read', 'update', 'delete'])
        expect(
          (
            await authorizer.authorize(
              ask({ id: 'alice', roles: ['admin'] }, action, { type: 'agents', id: 'a' }),
            )
          ).decision,
        ).toBe('deny');
    });

    it('grants a permission without roles to every principal', async () => {
      const authorizer = authorizerFor([{ id: 'public', resource: 'agents:*', actions: ['read'] }]);
      const decision = await authorizer.authorize(
        ask({ id: 'anyone' }, 'read', { type: 'agents', id: 'helper' }),
      );
      expect(decision.policyIds).toEqual(['public']);
    });

    it('adds the roles the principal carries to those of the directory', async () => {
      const authorizer = authorizerFor([anyTool], {});
      expect(
        (await authorizer.authorize(ask({ id: 'carol' }, 'read', { type: 'tools', id: 'a' })))
          .decision,
      ).toBe('deny');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'carol', roles: ['user'] }, 'read', { type: 'tools', id: 'a' }),
          )
        ).decision,
      ).toBe('allow');
    });

    it.each<[string, unknown]>([
      ['no principal', undefined],
      ['a principal without id', {}],
      ['a numeric id', { id: 42 }],
      ['an empty id', { id: '' }],
      ['an id with a trailing space', { id: 'alice ' }],
      ['an id __proto__', { id: '__proto__' }],
      ['an id constructor', { id: 'constructor' }],
    ])('denies %s with a reason, without throwing', async (_name, principal) => {
      const authorizer = authorizerFor([{ resource: 'tools:*', actions: ['read'] }]);
      const decision = await authorizer.authorize({
        principal,
        action: 'read',
        resource: { type: 'tools', id: 'a' },
      } as never);
      expect(decision.decision).toBe('deny');
      expect(decision.reasons).toHaveLength(1);
    });

    it.each<[string, unknown]>([
      ['null', null],
      ['a string', 'read tools:a'],
      ['a number', 7],
      ['a list', []],
    ])('rejects a request that is %s with validation_failed', async (_name, request) => {
      const authorizer = authorizerFor([]);
      await expect(authorizer.authorize(request as never)).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });
  });

  describe('authorize: conditions', () => {
    it('reads conditions on the stored attributes: the owner reads, another user does not', async () => {
      const authorizer = authorizerFor([userRecords]);
      const record = { type: 'records', id: 'r-1', attributes: { owner: 'alice' } };
      expect((await authorizer.authorize(ask({ id: 'alice' }, 'read', record))).decision).toBe(
        'allow',
      );
      expect((await authorizer.authorize(ask({ id: 'bob' }, 'read', record))).decision).toBe(
        'deny',
      );
    });

    it('ignores what the caller puts in the request context', async () => {
      const authorizer = authorizerFor([userRecords]);
      const decision = await authorizer.authorize(
        ask(
          { id: 'bob' },
          'read',
          { type: 'records', id: 'r-1', attributes: { owner: 'alice' } },
          { context: { owner: 'bob', ownerOnly: false } },
        ),
      );
      expect(decision.decision).toBe('deny');
    });

    it('denies a resource with no stored owner under ownerOnly', async () => {
      const authorizer = authorizerFor([userRecords]);
      expect(
        (await authorizer.authorize(ask({ id: 'alice' }, 'read', { type: 'records', id: 'r-1' })))
          .decision,
      ).toBe('deny');
    });

    it('fills ${principal.attributes.<name>} from the principal and never matches a missing one', async () => {
      const authorizer = authorizerFor([
        {
          id: 'tenant',
          resource: 'records:*',
          actions: ['read'],
          conditions: { tenant: '${principal.attributes.tenant}' },
        },
      ]);
      const record = { type: 'records', id: 'r-1', attributes: { tenant: 't-1' } };
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'a', attributes: { tenant: 't-1' } }, 'read', record),
          )
        ).decision,
      ).toBe('allow');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'a', attributes: { tenant: 't-2' } }, 'read', record),
          )
        ).decision,
      ).toBe('deny');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'a' }, 'read', { type: 'records', id: 'r-2', attributes: {} }),
          )
        ).decision,
      ).toBe('deny');
      // An operator object in a principal attribute is not a value: it never widens the grant.
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'a', attributes: { tenant: { $ne: 'nobody' } } }, 'read', record),
          )
        ).decision,
      ).toBe('deny');
    });

    it('evaluates operators on the stored attributes', async () => {
      const authorizer = authorizerFor([
        {
          id: 'labelled',
          resource: 'channels:*',
          actions: ['read'],
          conditions: { labels: { $in: ['public'] }, level: { $lte: 2 } },
        },
      ]);
      const channel = (attributes: Record<string, unknown>) => ({
        type: 'channels',
        id: 'c',
        attributes,
      });
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'a' }, 'read', channel({ labels: ['public'], level: 1 })),
          )
        ).decision,
      ).toBe('allow');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'a' }, 'read', channel({ labels: ['internal'], level: 1 })),
          )
        ).decision,
      ).toBe('deny');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'a' }, 'read', channel({ labels: ['public'], level: 3 })),
          )
        ).decision,
      ).toBe('deny');
    });
  });

  describe('authorize: typed paths', () => {
    const wildcard = () => authorizerFor([{ id: 'w', resource: 'tools:*', actions: ['read'] }]);

    it.each<[string, AuthorizationRequest['resource'], 'allow' | 'deny']>([
      ['one segment under the wildcard', { type: 'tools', id: 'search' }, 'allow'],
      ['two segments (tools:a:b)', { type: 'tools', id: 'a:b' }, 'deny'],
      ['the type alone (tools)', { type: 'tools' }, 'deny'],
      ['an empty id (tools:)', { type: 'tools', id: '' }, 'deny'],
      ['a .. segment', { type: 'tools', id: '..' }, 'deny'],
      ['a segment holding ..', { type: 'tools', id: '../admin' }, 'deny'],
      ['a trailing space', { type: 'tools', id: 'search ' }, 'deny'],
      ['a zero-width space', { type: 'tools', id: 'se\u200Barch' }, 'deny'],
      ['a * in the request', { type: 'tools', id: '*' }, 'deny'],
      ['another type', { type: 'toolsx', id: 'search' }, 'deny'],
    ])('%s: %s', async (_name, resource, expected) => {
      expect((await wildcard().authorize(ask({ id: 'a' }, 'read', resource))).decision).toBe(
        expected,
      );
    });

    it('matches a bare type only on the path of the type alone', async () => {
      const authorizer = authorizerFor([{ resource: 'agents', actions: ['read'] }]);
      expect(
        (await authorizer.authorize(ask({ id: 'a' }, 'read', { type: 'agents' }))).decision,
      ).toBe('allow');
      expect(
        (await authorizer.authorize(ask({ id: 'a' }, 'read', { type: 'agents', id: 'x' })))
          .decision,
      ).toBe('deny');
    });

    it('matches a wildcard in the middle and in the type', async () => {
      const authorizer = authorizerFor([
        { id: 'steps', resource: 'runs:*:steps', actions: ['read'] },
        { id: 'any-x', resource: '*:x', actions: ['update'] },
      ]);
      expect(
        (await authorizer.authorize(ask({ id: 'a' }, 'read', { type: 'runs', id: 'r-1:steps' })))
          .policyIds,
      ).toEqual(['steps']);
      expect(
        (await authorizer.authorize(ask({ id: 'a' }, 'read', { type: 'runs', id: 'r-1:other' })))
          .decision,
      ).toBe('deny');
      expect(
        (await authorizer.authorize(ask({ id: 'a' }, 'update', { type: 'channels', id: 'x' })))
          .policyIds,
      ).toEqual(['any-x']);
      expect(
        (await authorizer.authorize(ask({ id: 'a' }, 'update', { type: 'channels', id: 'x:y' })))
          .decision,
      ).toBe('deny');
    });

    it('compares identifiers exactly after NFC: composed and decomposed forms match, case and homoglyphs do not', async () => {
      const authorizer = authorizerFor(
        [{ id: 'cafe', roles: ['Admin'], resource: 'records:caf\u00e9', actions: ['read'] }],
        { admin: ['Admin'], Admin: ['admin'] },
      );
      const composed = { type: 'records', id: 'caf\u00e9' };
      const decomposed = { type: 'records', id: 'cafe\u0301' };
      expect((await authorizer.authorize(ask({ id: 'admin' }, 'read', composed))).decision).toBe(
        'allow',
      );
      expect((await authorizer.authorize(ask({ id: 'admin' }, 'read', decomposed))).decision).toBe(
        'allow',
      );
      // "Admin" the subject holds the role "admin", which is not "Admin".
      expect((await authorizer.authorize(ask({ id: 'Admin' }, 'read', composed))).decision).toBe(
        'deny',
      );
      // A Cyrillic "а" (U+0430) in the subject id or the resource is another identifier.
      expect(
        (await authorizer.authorize(ask({ id: '\u0430dmin' }, 'read', composed))).decision,
      ).toBe('deny');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'admin' }, 'read', { type: 'records', id: 'c\u0430f\u00e9' }),
          )
        ).decision,
      ).toBe('deny');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'admin', roles: ['\u0410dmin'] }, 'read', {
              type: 'records',
              id: 'caf\u00e9',
            }),
          )
        ).decision,
      ).toBe('allow');
      expect(
        (await authorizer.authorize(ask({ id: 'x', roles: ['\u0410dmin'] }, 'read', composed)))
          .decision,
      ).toBe('deny');
      expect(
        (await authorizer.authorize(ask({ id: 'x', roles: ['Admin '] }, 'read', composed)))
          .decision,
      ).toBe('deny');
    });
  });

  describe('authorize: agent scope', () => {
    const tools = (id: string, permissions: readonly string[]) =>
      ask({ id: 'alice' }, 'read', { type: 'tools', id }, { agent: { id: 'helper', permissions } });

    it('allows a tool inside the agent scope and denies one outside it', async () => {
      const authorizer = authorizerFor([anyTool]);
      expect((await authorizer.authorize(tools('search', ['tools:search']))).decision).toBe(
        'allow',
      );
      const outside = await authorizer.authorize(tools('delete_everything', ['tools:search']));
      expect(outside).toEqual({
        decision: 'deny',
        reasons: ['the agent "helper" has no permission covering tools:delete_everything'],
        policyIds: [],
      });
    });

    it('reads scope entries as typed path patterns and ignores entries that are not', async () => {
      const authorizer = authorizerFor([anyTool]);
      expect((await authorizer.authorize(tools('search', ['tools:*']))).decision).toBe('allow');
      expect((await authorizer.authorize(tools('search', ['tools']))).decision).toBe('deny');
      expect(
        (await authorizer.authorize(tools('search', ['tools:search ', 'tools:..', 'weather:read'])))
          .decision,
      ).toBe('deny');
      expect((await authorizer.authorize(tools('search', []))).decision).toBe('deny');
    });

    it('still needs a grant for what the agent scope covers', async () => {
      const authorizer = authorizerFor([]);
      expect((await authorizer.authorize(tools('search', ['tools:*']))).decision).toBe('deny');
    });

    it('reads the scope at every decision: a narrowed list applies to the next call', async () => {
      const authorizer = authorizerFor([anyTool]);
      const permissions = ['tools:*'];
      const first = { ...tools('search', []), agent: { id: 'helper', permissions } };
      expect((await authorizer.authorize(first)).decision).toBe('allow');
      expect((await authorizer.authorize(first)).decision).toBe('allow');
      permissions[0] = 'tools:weather';
      expect((await authorizer.authorize(first)).decision).toBe('deny');
      permissions.push('tools:search');
      expect((await authorizer.authorize(first)).decision).toBe('allow');
    });

    it('denies an agent whose permissions are not a list', async () => {
      const authorizer = authorizerFor([anyTool]);
      const request = { ...tools('search', []), agent: { id: 'helper', permissions: 'tools:*' } };
      expect((await authorizer.authorize(request as never)).decision).toBe('deny');
    });
  });

  describe('authorize: prototype pollution', () => {
    it('is not swayed by __proto__ or constructor keys in the principal, context or attributes', async () => {
      const authorizer = authorizerFor([
        { id: 'admins', resource: 'keys:*', actions: ['delete'], conditions: { isAdmin: true } },
        {
          id: 'owners',
          resource: 'records:*',
          actions: ['delete'],
          conditions: { 'meta.owner': '${principal.id}' },
        },
      ]);
      const polluted = JSON.parse(
        '{"__proto__": {"isAdmin": true, "owner": "mallory"}, "constructor": {"prototype": {"isAdmin": true}}}',
      ) as Record<string, unknown>;
      const decisions = await Promise.all([
        authorizer.authorize(
          ask(
            { id: 'mallory', attributes: polluted, roles: ['__proto__', 'constructor'] },
            'delete',
            { type: 'keys', id: 'k', attributes: polluted },
            { context: polluted },
          ),
        ),
        // An object literal's __proto__ sets its prototype: inherited values are not attributes.
        authorizer.authorize(
          ask({ id: 'mallory' }, 'delete', {
            type: 'keys',
            id: 'k',
            attributes: { __proto__: { isAdmin: true } },
          }),
        ),
        authorizer.authorize(
          ask({ id: 'mallory' }, 'delete', {
            type: 'records',
            id: 'r',
            attributes: { meta: { __proto__: { owner: 'mallory' } } },
          }),
        ),
      ]);
      expect(decisions.map((decision) => decision.decision)).toEqual(['deny', 'deny', 'deny']);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(({} as Record<string, unknown>).owner).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('isAdmin');
    });
  });

  describe('authorize: reserved names in paths', () => {
    it.each(['__proto__', 'constructor', 'prototype'])(
      'decides a resource of type %s without throwing',
      async (type) => {
        const authorizer = authorizerFor([{ id: 'tools', resource: 'tools:*', actions: ['read'] }]);
        const decision = await authorizer.authorize(ask({ id: 'a' }, 'read', { type, id: 'x' }));
        expect(decision.decision).toBe('deny');
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      },
    );
  });

  describe('authorize: path entries', () => {
    it("cannot be steered by attributes named like the engine's path entries", async () => {
      const authorizer = authorizerFor([
        { id: 'search', resource: 'tools:search', actions: ['read'] },
      ]);
      const attributes = { '\u00001': 'search', '\u0000kind': 'tools/2', '\u0000length': 2 };
      const decision = await authorizer.authorize(
        ask({ id: 'a' }, 'read', { type: 'tools', id: 'drop', attributes }),
      );
      expect(decision.decision).toBe('deny');
    });
  });

  describe('authorize: role changes', () => {
    it('applies a revoke at the next decision', async () => {
      const policy = compilePolicy({ permissions: [anyTool] });
      const roles = createRoleDirectory({ seed: { alice: ['user'] } });
      const authorizer = createPolicyAuthorizer({ policy, roles });
      const request = ask({ id: 'alice' }, 'read', { type: 'tools', id: 'search' });
      expect((await authorizer.authorize(request)).decision).toBe('allow');
      await roles.revoke('alice', 'user');
      expect((await authorizer.authorize(request)).decision).toBe('deny');
      await roles.assign('alice', 'user');
      expect((await authorizer.authorize(request)).decision).toBe('allow');
    });

    it('applies a revoke at once even with a decision cache', async () => {
      const policy = compilePolicy({ permissions: [anyTool], decisionCacheTtlMs: 60_000 });
      const roles = createRoleDirectory({ seed: { alice: ['user'] } });
      const authorizer = createPolicyAuthorizer({ policy, roles, clock: { now: () => 0 } });
      const request = ask({ id: 'alice' }, 'read', { type: 'tools', id: 'search' });
      expect((await authorizer.authorize(request)).decision).toBe('allow');
      await roles.revoke('alice', 'user');
      expect((await authorizer.authorize(request)).decision).toBe('deny');
    });
  });

  describe('authorize: decision cache', () => {
    function counting(ttl: number, cacheTtlMs?: number) {
      const policy = compilePolicy({ permissions: [anyTool], decisionCacheTtlMs: ttl });
      const list = vi.fn(() => Promise.resolve(['user']));
      const clock = { time: 1_000, now: () => clock.time };
      const authorizer = createPolicyAuthorizer({
        policy,
        roles: { list, assign: () => Promise.resolve(true), revoke: () => Promise.resolve(true) },
        clock,
        ...(cacheTtlMs === undefined ? {} : { cacheTtlMs }),
      });
      return { authorizer, clock };
    }

    it('reuses a decision within the TTL and decides again after it', async () => {
      const { authorizer, clock } = counting(1_000);
      const request = ask({ id: 'alice' }, 'read', { type: 'tools', id: 'search' });
      const first = await authorizer.authorize(request);
      clock.time += 999;
      expect(await authorizer.authorize(request)).toBe(first);
      clock.time += 1;
      const third = await authorizer.authorize(request);
      expect(third).not.toBe(first);
      expect(third).toEqual(first);
    });

    it('decides every request afresh at TTL 0', async () => {
      const { authorizer } = counting(0);
      const request = ask({ id: 'alice' }, 'read', { type: 'tools', id: 'search' });
      expect(await authorizer.authorize(request)).not.toBe(await authorizer.authorize(request));
    });

    it('keys the cache by attributes, so another resource state is decided again', async () => {
      const policy = compilePolicy({
        permissions: [userRecords],
        subjects: { alice: ['user'] },
        decisionCacheTtlMs: 60_000,
      });
      const authorizer = createPolicyAuthorizer({ policy, clock: { now: () => 0 } });
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'alice' }, 'read', {
              type: 'records',
              id: 'r',
              attributes: { owner: 'alice' },
            }),
          )
        ).decision,
      ).toBe('allow');
      expect(
        (
          await authorizer.authorize(
            ask({ id: 'alice' }, 'read', {
              type: 'records',
              id: 'r',
              attributes: { owner: 'bob' },
            }),
          )
        ).decision,
      ).toBe('deny');
    });

    it('refuses a cacheTtlMs above the policy maximum', () => {
      expect(() => counting(1_000, 1_001)).toThrow(
        expect.objectContaining({ code: 'validation_failed' }) as AgentryError,
      );
      expect(() => counting(1_000, -1)).toThrow(AgentryError);
      expect(() => counting(1_000, 500)).not.toThrow();
    });
  });

  describe('authorize: onDecision', () => {
    it('reports every decision, allow and deny, with its time', async () => {
      const records: DecisionRecord[] = [];
      const authorizer = createPolicyAuthorizer({
        policy: compilePolicy({ permissions: [anyTool], subjects: { alice: ['user'] } }),
        clock: { now: () => 42 },
        onDecision: (record) => records.push(record),
      });
      const allowed = ask({ id: 'alice' }, 'read', { type: 'tools', id: 'a' });
      const denied = ask({ id: 'bob' }, 'read', { type: 'tools', id: 'a' });
      await authorizer.authorize(allowed);
      await authorizer.authorize(denied);
      expect(records).toEqual([
        { request: allowed, decision: expect.objectContaining({ decision: 'allow' }), at: 42 },
        { request: denied, decision: expect.objectContaining({ decision: 'deny' }), at: 42 },
      ]);
    });

    it('rejects the decision when it cannot be recorded', async () => {
      const authorizer = createPolicyAuthorizer({
        policy: compilePolicy({ permissions: [anyTool], subjects: { alice: ['user'] } }),
        onDecision: () => {
          throw new Error('audit down');
        },
      });
      await expect(
        authorizer.authorize(ask({ id: 'alice' }, 'read', { type: 'tools', id: 'a' })),
      ).rejects.toThrow('audit down');
    });
  });

  it('refuses a policy that compilePolicy did not make', () => {
    expect(() =>
      createPolicyAuthorizer({
        policy: { policyIds: [], subjects: new Map(), decisionCacheTtlMs: 0 },
      }),
    ).toThrow(expect.objectContaining({ code: 'validation_failed' }) as AgentryError);
  });
});
