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

    it('suggests removing a repeated action', () => {
      const issues = permissionSchema.safeParse({ resource: 'agents', actions: ['read', 'read'] })
        .error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ params: { suggestion: 'Remove the repeated "read".' } }),
      ]);
    });
  });
});
