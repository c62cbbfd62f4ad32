import { AgentryError } from '@agentry/core';
import { describe, expect, it, vi } from 'vitest';
import { conditionSchema, type Condition } from './condition.js';
import { describeCondition } from './describe-condition.js';
import { evaluateCondition } from './evaluate-condition.js';
import { conditions, input, output } from './references.js';

const scope = {
  input: { country: 'DE', tags: ['vip'], coupon: null, command: 'process.exit()' },
  outputs: { fetch: { total: 120, currency: 'EUR', address: { city: 'Berlin' } } },
};

describe('evaluateCondition', () => {
  it.each<[string, Condition, boolean]>([
    ['gt on numbers', { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 }, true],
    [
      'gte at the bound',
      { op: 'gte', left: { $ref: 'steps.fetch.output.total' }, right: 120 },
      true,
    ],
    ['lt false', { op: 'lt', left: { $ref: 'steps.fetch.output.total' }, right: 100 }, false],
    [
      'lte at the bound',
      { op: 'lte', left: { $ref: 'steps.fetch.output.total' }, right: 120 },
      true,
    ],
    ['gt on strings compares them', { op: 'gt', left: 'b', right: 'a' }, true],
    [
      'gt across types is false',
      { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: '100' },
      false,
    ],
    [
      'eq deep',
      { op: 'eq', left: { $ref: 'steps.fetch.output.address' }, right: { city: 'Berlin' } },
      true,
    ],
    ['ne', { op: 'ne', left: { $ref: 'input.country' }, right: 'FR' }, true],
    ['in an array', { op: 'in', left: { $ref: 'input.country' }, right: ['DE', 'AT'] }, true],
    ['in a non-array is false', { op: 'in', left: 'D', right: 'DE' }, false],
    ['exists on a value', { op: 'exists', value: { $ref: 'input.tags' } }, true],
    ['exists on null', { op: 'exists', value: { $ref: 'input.coupon' } }, false],
    ['exists on a missing key', { op: 'exists', value: { $ref: 'input.nothing.here' } }, false],
    [
      'a missing value is not equal to null',
      { op: 'eq', left: { $ref: 'input.nothing' }, right: null },
      false,
    ],
    [
      'and',
      {
        op: 'and',
        conditions: [
          { op: 'eq', left: 1, right: 1 },
          { op: 'eq', left: 1, right: 2 },
        ],
      },
      false,
    ],
    [
      'or',
      {
        op: 'or',
        conditions: [
          { op: 'eq', left: 1, right: 2 },
          { op: 'eq', left: 1, right: 1 },
        ],
      },
      true,
    ],
    ['not', { op: 'not', condition: { op: 'eq', left: 1, right: 1 } }, false],
    [
      '$literal compares the wrapped object',
      { op: 'eq', left: { $literal: { $ref: 'x' } }, right: { $literal: { $ref: 'x' } } },
      true,
    ],
  ])('%s', (_name, condition, expected) => {
    expect(evaluateCondition(condition, scope)).toBe(expected);
  });

  it('treats strings that look like code as data and runs nothing', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    try {
      expect(
        evaluateCondition(
          { op: 'eq', left: { $ref: 'input.command' }, right: 'process.exit()' },
          scope,
        ),
      ).toBe(true);
      expect(
        evaluateCondition({ op: 'eq', left: 'process.exit()', right: 'process.exit(1)' }, scope),
      ).toBe(false);
      expect(evaluateCondition({ op: 'exists', value: 'globalThis.process.exit()' }, scope)).toBe(
        true,
      );
      expect(exit).not.toHaveBeenCalled();
    } finally {
      exit.mockRestore();
    }
  });

  it('refuses a condition written as a code string', () => {
    expect(conditionSchema.safeParse('input.total > 100').success).toBe(false);
    expect(
      conditionSchema.safeParse({ op: 'eval', left: 'process.exit()', right: 1 }).success,
    ).toBe(false);
    expect(() => evaluateCondition({ op: 'eval' } as never, scope)).toThrow(
      /Unknown condition operator "eval"/,
    );
  });

  it('calls a registered predicate with the resolved arguments', () => {
    const isVip = vi.fn((tags: unknown) => Array.isArray(tags) && tags.includes('vip'));
    expect(
      evaluateCondition(
        { op: 'predicate', name: 'isVip', args: [{ $ref: 'input.tags' }] },
        { ...scope, predicates: { isVip } },
      ),
    ).toBe(true);
    expect(isVip).toHaveBeenCalledWith(['vip']);
  });

  it('fails with not_found for a predicate that is not registered, even one named like a global', () => {
    for (const name of ['missing', 'toString', 'constructor']) {
      try {
        evaluateCondition({ op: 'predicate', name }, { ...scope, predicates: {} });
        expect.unreachable();
      } catch (error) {
        expect(AgentryError.isInstance(error) && error.code).toBe('not_found');
      }
    }
  });

  it('agrees with the condition helpers, which write the same data', () => {
    const written = conditions.and(
      conditions.gt(output('fetch', 'total'), 100),
      conditions.not(conditions.exists(input('coupon'))),
    );
    expect(written).toEqual({
      op: 'and',
      conditions: [
        { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 },
        { op: 'not', condition: { op: 'exists', value: { $ref: 'input.coupon' } } },
      ],
    });
    expect(evaluateCondition(written, scope)).toBe(true);
  });
});

describe('describeCondition', () => {
  it('writes a condition as a readable line', () => {
    expect(
      describeCondition(
        conditions.or(
          conditions.and(
            conditions.gt(output('fetch', 'total'), 100),
            conditions.in(input('country'), ['DE']),
          ),
          conditions.predicate('isVip', input('tags')),
        ),
      ),
    ).toBe('(steps.fetch.output.total > 100 and input.country in ["DE"]) or isVip(input.tags)');
  });
});
