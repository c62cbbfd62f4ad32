import type { Condition, ConditionOperand } from './condition.js';
import type { JsonValue } from './json-value.js';
import type { ValueReference } from './value-reference.js';

/**
 * Writes a {@link ValueReference}: `ref('input.customer.id')` is `{ $ref: 'input.customer.id' }`.
 *
 * @param path - `input[.…]` or `steps.<id>.output[.…]`
 * @param fallback - used when the path does not resolve
 * @example
 * ```ts
 * ref('steps.fetch.output.total', 0); // { $ref: 'steps.fetch.output.total', default: 0 }
 * ```
 */
export function ref(path: string, fallback?: JsonValue): ValueReference {
  return fallback === undefined ? { $ref: path } : { $ref: path, default: fallback };
}

/**
 * A reference into the workflow input: `input('customer.id')` is `{ $ref: 'input.customer.id' }`.
 *
 * @example
 * ```ts
 * input(); // { $ref: 'input' }, the whole input
 * ```
 */
export function input(path?: string): ValueReference {
  return { $ref: path ? `input.${path}` : 'input' };
}

/**
 * A reference into an earlier step's output: `output('fetch', 'total')` is
 * `{ $ref: 'steps.fetch.output.total' }`.
 *
 * @example
 * ```ts
 * output('fetch'); // { $ref: 'steps.fetch.output' }, the whole output
 * ```
 */
export function output(stepId: string, path?: string): ValueReference {
  return { $ref: path ? `steps.${stepId}.output.${path}` : `steps.${stepId}.output` };
}

const compare =
  (op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in') =>
  (
    left: ConditionOperand | ValueReference,
    right: ConditionOperand | ValueReference,
  ): Condition => ({
    op,
    left: left as ConditionOperand,
    right: right as ConditionOperand,
  });

/**
 * Writes {@link Condition} data: `conditions.gt(output('fetch', 'total'), 100)` is
 * `{ op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 }`. The result is plain data,
 * the same as writing the object by hand.
 *
 * @example
 * ```ts
 * conditions.and(conditions.gt(input('total'), 100), conditions.not(conditions.exists(input('coupon'))));
 * ```
 */
export const conditions = {
  /** Deep equality. */
  eq: compare('eq'),
  /** Deep inequality. */
  ne: compare('ne'),
  /** Greater than; both numbers or both strings. */
  gt: compare('gt'),
  /** Greater than or equal; both numbers or both strings. */
  gte: compare('gte'),
  /** Less than; both numbers or both strings. */
  lt: compare('lt'),
  /** Less than or equal; both numbers or both strings. */
  lte: compare('lte'),
  /** `left` is in the array `right`. */
  in: compare('in'),
  /** The value resolves to something other than `null`. */
  exists: (value: ConditionOperand | ValueReference): Condition => ({
    op: 'exists',
    value: value as ConditionOperand,
  }),
  /** All the conditions hold. */
  and: (...all: Condition[]): Condition => ({ op: 'and', conditions: all }),
  /** Any of the conditions holds. */
  or: (...any: Condition[]): Condition => ({ op: 'or', conditions: any }),
  /** The condition does not hold. */
  not: (condition: Condition): Condition => ({ op: 'not', condition }),
  /** A predicate registered with the runner holds for the arguments. */
  predicate: (name: string, ...args: (ConditionOperand | ValueReference)[]): Condition =>
    args.length === 0
      ? { op: 'predicate', name }
      : { op: 'predicate', name, args: args as ConditionOperand[] },
} as const;
