import { AgentryError } from '@agentry/core';
import type { ComparisonOperator, Condition, ConditionOperand } from './condition.js';
import { resolveReference, type ReferenceScope } from './resolve-inputs.js';
import { isLiteralValue, isValueReference } from './value-reference.js';

/**
 * A named predicate a condition can call with `{ op: 'predicate', name, args }`. It receives the
 * resolved arguments and returns whether the condition holds.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import { createWorkflowRunner, type ConditionPredicate } from '@agentry/workflows';
 *
 * // Named in a condition as { op: 'predicate', name: 'isWeekend', args: [{ $ref: 'input.date' }] }.
 * const isWeekend: ConditionPredicate = (date) => [0, 6].includes(new Date(String(date)).getUTCDay());
 * const runner = createWorkflowRunner({ store: createMemoryStore(), registry: {}, predicates: { isWeekend } });
 * ```
 */
export type ConditionPredicate = (...args: unknown[]) => boolean;

/**
 * What {@link evaluateCondition} evaluates against.
 *
 * @example
 * ```ts
 * import { conditions, evaluateCondition, input, output, type ConditionScope } from '@agentry/workflows';
 *
 * // What a decision sees: the run's input, finished steps' outputs and the registered predicates.
 * const scope: ConditionScope = {
 *   input: { country: 'PT' },
 *   outputs: { fetch: { total: 250 } },
 *   predicates: { isEu: (country) => ['PT', 'ES', 'FR'].includes(String(country)) },
 * };
 * evaluateCondition(conditions.and(conditions.gt(output('fetch', 'total'), 100), conditions.predicate('isEu', input('country'))), scope); // true
 * ```
 */
export interface ConditionScope extends ReferenceScope {
  /** Predicates by name, for `{ op: 'predicate' }` conditions. */
  predicates?: Readonly<Record<string, ConditionPredicate>>;
}

/**
 * Evaluates a {@link Condition}. It interprets the data and never runs code: no `eval`, no
 * `Function`, and strings are compared as strings. A reference that does not resolve reads as
 * missing (so `exists` can test for it) and makes comparisons other than `ne` false.
 *
 * @returns whether the condition holds
 * @throws AgentryError `not_found` when a predicate is not registered; `validation_failed` when the
 *   condition is not a known form
 * @example
 * ```ts
 * evaluateCondition(
 *   { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 },
 *   { input: {}, outputs: { fetch: { total: 120 } } },
 * ); // true
 * ```
 */
export function evaluateCondition(condition: Condition, scope: ConditionScope): boolean {
  switch (condition.op) {
    case 'and':
      return condition.conditions.every((child) => evaluateCondition(child, scope));
    case 'or':
      return condition.conditions.some((child) => evaluateCondition(child, scope));
    case 'not':
      return !evaluateCondition(condition.condition, scope);
    case 'exists': {
      const value = readOperand(condition.value, scope);
      return value !== undefined && value !== null;
    }
    case 'predicate':
      return callPredicate(condition.name, condition.args ?? [], scope);
    case 'eq':
    case 'ne':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'in':
      return compare(
        condition.op,
        readOperand(condition.left, scope),
        readOperand(condition.right, scope),
      );
    default:
      throw new AgentryError({
        code: 'validation_failed',
        message: `Unknown condition operator "${String((condition as { op?: unknown }).op)}".`,
        details: { op: (condition as { op?: unknown }).op },
        suggestions: ['Use and, or, not, eq, ne, gt, gte, lt, lte, in, exists or predicate.'],
      });
  }
}

function compare(op: ComparisonOperator, left: unknown, right: unknown): boolean {
  if (op === 'ne') return !deepEqual(left, right);
  if (left === undefined || right === undefined) return false;
  if (op === 'eq') return deepEqual(left, right);
  if (op === 'in') return Array.isArray(right) && right.some((item) => deepEqual(left, item));
  if (typeof left === 'number' && typeof right === 'number') return order(op, left, right);
  if (typeof left === 'string' && typeof right === 'string') return order(op, left, right);
  return false;
}

function order<TValue extends number | string>(
  op: 'gt' | 'gte' | 'lt' | 'lte',
  left: TValue,
  right: TValue,
): boolean {
  switch (op) {
    case 'gt':
      return left > right;
    case 'gte':
      return left >= right;
    case 'lt':
      return left < right;
    case 'lte':
      return left <= right;
  }
}

function readOperand(operand: ConditionOperand, scope: ConditionScope): unknown {
  if (isValueReference(operand)) {
    try {
      return resolveReference(operand, scope);
    } catch (error) {
      if (AgentryError.isInstance(error) && error.code === 'not_found') return undefined;
      throw error;
    }
  }
  if (isLiteralValue(operand)) return operand.$literal;
  return operand;
}

function callPredicate(name: string, args: ConditionOperand[], scope: ConditionScope): boolean {
  const predicates = scope.predicates ?? {};
  const predicate = Object.hasOwn(predicates, name) ? predicates[name] : undefined;
  if (typeof predicate !== 'function') {
    throw new AgentryError({
      code: 'not_found',
      message: `The condition calls the predicate "${name}", which is not registered.`,
      details: { predicate: name, registered: Object.keys(predicates) },
      suggestions: [`Register a predicate named "${name}", or fix the name in the condition.`],
    });
  }
  return predicate(...args.map((arg) => readOperand(arg, scope))) === true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every(
      (key) =>
        Object.hasOwn(b, key) &&
        deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}
