import type { Condition, ConditionOperand } from './condition.js';
import { isLiteralValue, isValueReference } from './value-reference.js';

const symbols = { eq: '==', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=', in: 'in' } as const;

/**
 * Writes a {@link Condition} as a short line people read, for diagrams and logs:
 * `steps.fetch.output.total > 100 and not exists(input.coupon)`.
 *
 * @example
 * ```ts
 * describeCondition({ op: 'gt', left: { $ref: 'input.total' }, right: 100 }); // 'input.total > 100'
 * ```
 */
export function describeCondition(condition: Condition): string {
  switch (condition.op) {
    case 'and':
    case 'or':
      return condition.conditions
        .map((child) => wrap(child, describeCondition(child)))
        .join(` ${condition.op} `);
    case 'not':
      return `not ${wrap(condition.condition, describeCondition(condition.condition))}`;
    case 'exists':
      return `exists(${describeOperand(condition.value)})`;
    case 'predicate':
      return `${condition.name}(${(condition.args ?? []).map(describeOperand).join(', ')})`;
    case 'eq':
    case 'ne':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'in':
      return `${describeOperand(condition.left)} ${symbols[condition.op]} ${describeOperand(condition.right)}`;
  }
}

function wrap(condition: Condition, text: string): string {
  return condition.op === 'and' || condition.op === 'or' ? `(${text})` : text;
}

function describeOperand(operand: ConditionOperand): string {
  if (isValueReference(operand)) return operand.$ref;
  if (isLiteralValue(operand)) return JSON.stringify(operand.$literal);
  return JSON.stringify(operand);
}
