import { describe, expect, it } from 'vitest';
import { permissionSchema } from './permission.js';

describe('permissionSchema', () => {
  describe('safeParse', () => {
    it.each([
      ['one action', { resource: 'agents', actions: ['read'] }],
      ['every action', { resource: 'agents', actions: ['create', 'read', 'update', 'delete'] }],
      [
        'conditions',
        { resource: 'workflows', actions: ['update'], conditions: { ownerOnly: true } },
      ],
    ])('accepts a permission with %s', (_name, input) => {
      expect(permissionSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, unknown, (string | number)[], RegExp]>([
      ['an empty resource', { resource: '', actions: ['read'] }, ['resource'], /resource is blank/],
      [
        'a blank resource',
        { resource: '  ', actions: ['read'] },
        ['resource'],
        /resource is blank/,
      ],
      ['no actions', { resource: 'agents', actions: [] }, ['actions'], /at least one/],
      [
        'a repeated action',
        { resource: 'agents', actions: ['read', 'update', 'read'] },
        ['actions', 2],
        /"read" more than once/,
      ],
      ['an unknown action', { resource: 'agents', actions: ['execute'] }, ['actions', 0], /./],
      [
        'an unknown key',
        { resource: 'agents', actions: ['read'], action: 'read' },
        [],
        /Unrecognized key/,
      ],
      [
        'conditions that are not an object',
        { resource: 'agents', actions: ['read'], conditions: 'x' },
        ['conditions'],
        /./,
      ],
    ])('rejects %s at its path', (_name, input, path, message) => {
      const issues = permissionSchema.safeParse(input).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ path, message: expect.stringMatching(message) }),
      ]);
    });

    it.each([
      [
        'a policy id and roles',
        { id: 'read-agents', roles: ['operator', 'admin'], resource: 'agents', actions: ['read'] },
      ],
      ['a wildcard segment', { resource: 'tools:*', actions: ['read'] }],
      ['a wildcard type and a deeper path', { resource: '*:runs:*:steps', actions: ['read'] }],
      [
        'a placeholder condition',
        {
          resource: 'records:*',
          actions: ['read'],
          conditions: { tenant: '${principal.attributes.tenant}' },
        },
      ],
      [
        'operators',
        {
          resource: 'channels:*',
          actions: ['read'],
          conditions: {
            labels: { $in: ['a', '${principal.id}'] },
            level: { $gte: 1, $lt: 5 },
            tags: { $elemMatch: { name: 'x' } },
            name: { $regex: '^c-' },
          },
        },
      ],
    ])('accepts %s', (_name, input) => {
      expect(permissionSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, Record<string, unknown>, (string | number)[], RegExp]>([
      [
        'a .. segment',
        { resource: 'tools:..', actions: ['read'] },
        ['resource'],
        /not a typed path pattern: segment 2 holds "\." or "\.\."/,
      ],
      [
        'an empty segment',
        { resource: 'tools::a', actions: ['read'] },
        ['resource'],
        /segment 2 is empty/,
      ],
      [
        'a trailing colon',
        { resource: 'tools:', actions: ['read'] },
        ['resource'],
        /segment 2 is empty/,
      ],
      [
        'a * inside a name',
        { resource: 'tools:a*', actions: ['read'] },
        ['resource'],
        /"\*" must be a whole segment/,
      ],
      ['a space', { resource: 'tools:a b', actions: ['read'] }, ['resource'], /whitespace/],
      ['a trailing space', { resource: 'tools ', actions: ['read'] }, ['resource'], /whitespace/],
      [
        'a control character',
        { resource: 'tools:a\u0007', actions: ['read'] },
        ['resource'],
        /control/,
      ],
      [
        'a role __proto__',
        { resource: 'agents', actions: ['read'], roles: ['__proto__'] },
        ['roles', 0],
        /reserved/,
      ],
      [
        'a role constructor',
        { resource: 'agents', actions: ['read'], roles: ['constructor'] },
        ['roles', 0],
        /reserved/,
      ],
      [
        'a role prototype',
        { resource: 'agents', actions: ['read'], roles: ['prototype'] },
        ['roles', 0],
        /reserved/,
      ],
      [
        'a blank role',
        { resource: 'agents', actions: ['read'], roles: [' '] },
        ['roles', 0],
        /whitespace/,
      ],
      [
        'a padded role',
        { resource: 'agents', actions: ['read'], roles: ['admin '] },
        ['roles', 0],
        /whitespace/,
      ],
      [
        'an empty role list',
        { resource: 'agents', actions: ['read'], roles: [] },
        ['roles'],
        /no principal would hold/,
      ],
      ['a padded id', { id: ' p', resource: 'agents', actions: ['read'] }, ['id'], /whitespace/],
      [
        'an unknown operator',
        { resource: 'agents', actions: ['read'], conditions: { owner: { $where: 'x' } } },
        ['conditions', 'owner', '$where'],
        /not an operator/,
      ],
      [
        'a top-level $or',
        { resource: 'agents', actions: ['read'], conditions: { $or: [{ a: 1 }] } },
        ['conditions', '$or'],
        /not an operator conditions support/,
      ],
      [
        'an unknown placeholder',
        { resource: 'agents', actions: ['read'], conditions: { owner: '${request.user}' } },
        ['conditions', 'owner'],
        /not a placeholder/,
      ],
      [
        'a placeholder inside text',
        { resource: 'agents', actions: ['read'], conditions: { owner: 'u-${principal.id}' } },
        ['conditions', 'owner'],
        /not a placeholder/,
      ],
      [
        'a placeholder in $regex',
        {
          resource: 'agents',
          actions: ['read'],
          conditions: { owner: { $regex: '${principal.id}' } },
        },
        ['conditions', 'owner', '$regex'],
        /cannot be used here/,
      ],
      [
        'a field reaching a prototype',
        { resource: 'agents', actions: ['read'], conditions: { 'meta.constructor': 1 } },
        ['conditions', 'meta.constructor'],
        /not a field name/,
      ],
      [
        'a non-boolean ownerOnly',
        { resource: 'agents', actions: ['read'], conditions: { ownerOnly: 'yes' } },
        ['conditions', 'ownerOnly'],
        /true or false/,
      ],
      [
        '$in without a list',
        { resource: 'agents', actions: ['read'], conditions: { team: { $in: 'a' } } },
        ['conditions', 'team', '$in'],
        /needs a list/,
      ],
    ])('rejects %s at its path with a suggestion', (_name, input, path, message) => {
      const issues = permissionSchema.safeParse(input).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({
          path,
          message: expect.stringMatching(message),
          params: { suggestion: expect.any(String) },
        }),
      ]);
    });

    it('refuses a "__proto__" key in conditions instead of dropping it', () => {
      const input = JSON.parse(
        '{"resource":"keys","actions":["read"],"conditions":{"__proto__":{"isAdmin":true}}}',
      ) as unknown;
      expect(permissionSchema.safeParse(input).error?.issues).toEqual([
        expect.objectContaining({
          path: ['conditions', '__proto__'],
          message: expect.stringMatching(/__proto__/),
        }),
      ]);
    });

    it('suggests removing a repeated action', () => {
      const issues = permissionSchema.safeParse({ resource: 'agents', actions: ['read', 'read'] })
        .error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ params: { suggestion: 'Remove the repeated "read".' } }),
      ]);
    });
  });
});
