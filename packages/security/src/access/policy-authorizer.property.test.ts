import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile-policy.js';
import { createPolicyAuthorizer } from './policy-authorizer.js';

const segment = fc.constantFrom('a', 'b', 'c\u0301');
const patternSegment = fc.constantFrom('a', 'b', '*', '\u0107');

describe('createPolicyAuthorizer (properties)', () => {
  it('matches a pattern exactly when the lengths agree and each segment is * or equal after NFC', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(patternSegment, { minLength: 1, maxLength: 4 }),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        async (pattern, path) => {
          const authorizer = createPolicyAuthorizer({
            policy: compilePolicy({
              permissions: [{ resource: pattern.join(':'), actions: ['read'] }],
            }),
          });
          const [type, ...rest] = path;
          const decision = await authorizer.authorize({
            principal: { id: 'p' },
            action: 'read',
            resource: rest.length === 0 ? { type: type! } : { type: type!, id: rest.join(':') },
          });
          const expected =
            pattern.length === path.length &&
            pattern.every(
              (part, index) =>
                part === '*' || part.normalize('NFC') === path[index]!.normalize('NFC'),
            );
          expect(decision.decision).toBe(expected ? 'allow' : 'deny');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never allows through an empty policy and never pollutes Object.prototype, whatever the request holds', async () => {
    const authorizer = createPolicyAuthorizer({ policy: compilePolicy({ permissions: [] }) });
    const key = fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'isAdmin',
      'owner',
      'roles',
    );
    const value = fc.jsonValue({ maxDepth: 3 });
    const record = fc
      .dictionary(key, value, { maxKeys: 4 })
      .map((entries) => JSON.parse(JSON.stringify(entries)) as Record<string, unknown>);
    await fc.assert(
      fc.asyncProperty(
        record,
        record,
        record,
        fc.string(),
        fc.string(),
        async (principal, attributes, context, id, action) => {
          const decision = await authorizer.authorize({
            principal: { ...principal, id },
            action,
            resource: { type: 'records', id: 'r', attributes },
            context,
          });
          expect(decision.decision).toBe('deny');
          expect(Object.keys(Object.prototype)).toEqual([]);
          expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});
