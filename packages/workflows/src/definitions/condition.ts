import { z } from 'zod';
import { jsonValueSchema, type JsonValue } from './json-value.js';

/**
 * A value compared by a {@link Condition}: plain JSON, or a `{ "$ref": … }` read from the workflow
 * input or an earlier step's output. Strings are only ever data: `"process.exit()"` is a string.
 *
 * @example
 * ```ts
 * import { conditions, type ConditionOperand } from '@agentry/workflows';
 *
 * // Any JSON value may be compared against, here a list for `in`.
 * const allowed: ConditionOperand = ['PT', 'ES', 'FR'];
 * const inEurope = conditions.in({ $ref: 'input.country' }, allowed);
 * ```
 */
export type ConditionOperand = JsonValue;

/**
 * The comparison operators of a {@link Condition}.
 *
 * @example
 * ```ts
 * import type { ComparisonOperator, Condition } from '@agentry/workflows';
 *
 * // A condition built from a setting read at run time.
 * const compare = (op: ComparisonOperator, threshold: number): Condition => ({
 *   op,
 *   left: { $ref: 'steps.fetch.output.total' },
 *   right: threshold,
 * });
 * const large = compare('gte', 1000);
 * ```
 */
export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';

/**
 * A safe boolean expression written as JSON data, evaluated by {@link evaluateCondition}; nothing
 * in it is ever run as code.
 *
 * - `{ op: 'and' | 'or', conditions: [...] }`, `{ op: 'not', condition }`
 * - `{ op: 'eq' | 'ne', left, right }`: deep equality of JSON values
 * - `{ op: 'gt' | 'gte' | 'lt' | 'lte', left, right }`: both numbers or both strings, else false
 * - `{ op: 'in', left, right }`: `right` is an array holding a value deep-equal to `left`
 * - `{ op: 'exists', value }`: the operand resolves to something other than `null`
 * - `{ op: 'predicate', name, args? }`: a predicate registered with the runner by name
 *
 * @example
 * ```ts
 * import { conditions, input, output, ref, type Condition } from '@agentry/workflows';
 *
 * const bigOrder: Condition = {
 *   op: 'and',
 *   conditions: [
 *     { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 },
 *     { op: 'not', condition: { op: 'in', left: { $ref: 'input.country' }, right: ['XX'] } },
 *   ],
 * };
 * ```
 */
export type Condition =
  | {
      /** All (`and`) or any (`or`) of the conditions hold. */
      op: 'and' | 'or';
      /** The conditions combined; at least one. */
      conditions: Condition[];
    }
  | {
      /** The condition does not hold. */
      op: 'not';
      /** The negated condition. */
      condition: Condition;
    }
  | {
      /** How `left` and `right` are compared. */
      op: ComparisonOperator;
      /** The left operand. */
      left: ConditionOperand;
      /** The right operand. */
      right: ConditionOperand;
    }
  | {
      /** The operand resolves to a value other than `null`. */
      op: 'exists';
      /** Usually a `{ "$ref": … }`. */
      value: ConditionOperand;
    }
  | {
      /** A named predicate, registered with the runner, holds. */
      op: 'predicate';
      /** The predicate's registered name. */
      name: string;
      /** Operands passed to the predicate, resolved first. */
      args?: ConditionOperand[];
    };

/**
 * The schema of a {@link Condition}; recursive, strict (unknown keys are errors).
 *
 * @example
 * ```ts
 * conditionSchema.parse({ op: 'gte', left: { $ref: 'input.score' }, right: 0.8 });
 * ```
 */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion(
    'op',
    [
      z.strictObject({
        op: z.literal(['and', 'or']),
        conditions: z.array(conditionSchema).min(1, { error: 'Combine at least one condition.' }),
      }),
      z.strictObject({ op: z.literal('not'), condition: conditionSchema }),
      z.strictObject({
        op: z.literal(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in']),
        left: jsonValueSchema,
        right: jsonValueSchema,
      }),
      z.strictObject({ op: z.literal('exists'), value: jsonValueSchema }),
      z.strictObject({
        op: z.literal('predicate'),
        name: z.string().min(1, { error: 'A predicate needs the name it is registered under.' }),
        args: z.array(jsonValueSchema).optional(),
      }),
    ],
    {
      error:
        'A condition needs an "op": and, or, not, eq, ne, gt, gte, lt, lte, in, exists or predicate.',
    },
  ),
);
