/**
 * The condition language of a permission: a MongoDB-style query (the subset CASL evaluates) on the
 * resource's stored attributes, with principal placeholders and the spec's `ownerOnly` sugar. This
 * module checks conditions, rewrites the sugar and fills placeholders for one principal.
 *
 * @internal
 */
import { hasInvisible, isReservedName, quote } from './names.js';

/** The field operators CASL's MongoDB matcher evaluates; any other operator is refused. */
const fieldOperators: ReadonlySet<string> = new Set([
  '$eq',
  '$ne',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$nin',
  '$all',
  '$size',
  '$regex',
  '$options',
  '$elemMatch',
  '$exists',
]);

const placeholderPattern = /^\$\{principal\.(?:id|attributes\.([^\s.${}]+))\}$/u;

/** One problem in a permission's conditions, at a path below `conditions`. @internal */
export interface ConditionProblem {
  readonly path: (string | number)[];
  readonly message: string;
  readonly suggestion: string;
}

/** A value read from a principal to fill a placeholder: `id` or one of its attributes. @internal */
export type PlaceholderSource =
  { readonly kind: 'id' } | { readonly kind: 'attribute'; readonly name: string };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** The placeholder a string names, `undefined` for a plain string, or `'invalid'`. @internal */
export function placeholderIn(value: string): PlaceholderSource | 'invalid' | undefined {
  if (!value.includes('${')) return undefined;
  const match = placeholderPattern.exec(value);
  if (match === null) return 'invalid';
  const name = match[1];
  if (name === undefined) return { kind: 'id' };
  return isReservedName(name) ? 'invalid' : { kind: 'attribute', name };
}

const placeholderSuggestion =
  'Use "${principal.id}" or "${principal.attributes.<name>}" as the whole value, or a plain value.';

function checkLiteral(
  value: unknown,
  path: (string | number)[],
  problems: ConditionProblem[],
  placeholders: boolean,
): void {
  if (typeof value === 'string') {
    const placeholder = placeholderIn(value);
    if (placeholder === 'invalid')
      problems.push({
        path,
        message: `${quote(value)} is not a placeholder this language knows.`,
        suggestion: placeholderSuggestion,
      });
    else if (placeholder !== undefined && !placeholders)
      problems.push({
        path,
        message: `a placeholder cannot be used here (got ${quote(value)}).`,
        suggestion: 'Use a fixed value here; placeholders fill only compared values.',
      });
    return;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    if (typeof value === 'number' && !Number.isFinite(value))
      problems.push({
        path,
        message: 'is not a finite number.',
        suggestion: 'Use a finite number.',
      });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkLiteral(item, [...path, index], problems, placeholders));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$') || isReservedName(key)) {
        problems.push({
          path: [...path, key],
          message: `${quote(key)} cannot be a key of a compared value.`,
          suggestion: 'Compare with a value whose keys are plain names.',
        });
        continue;
      }
      checkLiteral(item, [...path, key], problems, placeholders);
    }
    return;
  }
  problems.push({
    path,
    message: `is ${typeof value}, which a condition cannot compare.`,
    suggestion: 'Use JSON values: strings, numbers, booleans, null, lists and objects.',
  });
}

function checkField(
  field: string,
  path: (string | number)[],
  problems: ConditionProblem[],
): boolean {
  if (field.startsWith('$')) {
    problems.push({
      path,
      message: fieldOperators.has(field)
        ? `${field} is a field operator; it cannot stand at the top of a condition.`
        : `${field} is not an operator conditions support (no $and, $or, $where or other top-level operator).`,
      suggestion:
        'Write one field per key, such as { "owner": "${principal.id}" }; every key must hold.',
    });
    return false;
  }
  const parts = field.split('.');
  if (parts.some((part) => part === '' || hasInvisible(part) || isReservedName(part))) {
    problems.push({
      path,
      message: `${quote(field)} is not a field name: its parts must be non-empty names without spaces, and not __proto__, constructor or prototype.`,
      suggestion: 'Name a stored attribute of the resource, such as "owner" or "labels.team".',
    });
    return false;
  }
  return true;
}

function checkOperand(
  operator: string,
  operand: unknown,
  path: (string | number)[],
  problems: ConditionProblem[],
): void {
  switch (operator) {
    case '$in':
    case '$nin':
    case '$all':
      if (!Array.isArray(operand))
        problems.push({
          path,
          message: `${operator} needs a list.`,
          suggestion: `Give ${operator} a list of values.`,
        });
      else checkLiteral(operand, path, problems, true);
      return;
    case '$size':
      if (!Number.isInteger(operand) || (operand as number) < 0)
        problems.push({
          path,
          message: '$size needs a whole number of items.',
          suggestion: 'Give $size a number such as 0 or 3.',
        });
      return;
    case '$exists':
      if (typeof operand !== 'boolean')
        problems.push({
          path,
          message: '$exists needs true or false.',
          suggestion: 'Give $exists true or false.',
        });
      return;
    case '$regex':
    case '$options':
      if (typeof operand !== 'string') {
        problems.push({
          path,
          message: `${operator} needs a string.`,
          suggestion: `Give ${operator} a string.`,
        });
        return;
      }
      checkLiteral(operand, path, problems, false);
      if (operator === '$regex') {
        try {
          new RegExp(operand);
        } catch {
          problems.push({
            path,
            message: `${quote(operand)} is not a regular expression.`,
            suggestion: 'Fix the regular expression.',
          });
        }
      }
      return;
    case '$elemMatch':
      if (!isPlainObject(operand)) {
        problems.push({
          path,
          message: '$elemMatch needs a query object.',
          suggestion: 'Give $elemMatch a query such as { "role": "owner" }.',
        });
        return;
      }
      if (Object.keys(operand).some((key) => key.startsWith('$')))
        checkOperators(operand, path, problems);
      else checkQuery(operand, path, problems);
      return;
    default:
      checkLiteral(operand, path, problems, true);
  }
}

function checkOperators(
  value: Record<string, unknown>,
  path: (string | number)[],
  problems: ConditionProblem[],
): void {
  for (const [operator, operand] of Object.entries(value)) {
    if (!fieldOperators.has(operator)) {
      problems.push({
        path: [...path, operator],
        message: `${quote(operator)} is not an operator conditions support.`,
        suggestion: `Use one of ${[...fieldOperators].join(', ')}.`,
      });
      continue;
    }
    checkOperand(operator, operand, [...path, operator], problems);
  }
}

function checkQuery(
  query: Record<string, unknown>,
  path: (string | number)[],
  problems: ConditionProblem[],
): void {
  for (const [field, value] of Object.entries(query)) {
    const at = [...path, field];
    if (!checkField(field, at, problems)) continue;
    if (isPlainObject(value) && Object.keys(value).some((key) => key.startsWith('$')))
      checkOperators(value, at, problems);
    else checkLiteral(value, at, problems, true);
  }
}

/**
 * Every problem of a permission's `conditions`: unknown or misplaced operators, bad operands,
 * field names that reach a prototype, unknown placeholders, and a non-boolean `ownerOnly`.
 *
 * @internal
 */
export function conditionProblems(conditions: Record<string, unknown>): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  const { ownerOnly, ...query } = conditions;
  if ('ownerOnly' in conditions) {
    if (typeof ownerOnly !== 'boolean')
      problems.push({
        path: ['ownerOnly'],
        message: `ownerOnly must be true or false (got ${quote(ownerOnly)}).`,
        suggestion: "Write ownerOnly: true to grant only the resource's owner.",
      });
    else if (ownerOnly && 'owner' in query)
      problems.push({
        path: ['ownerOnly'],
        message: 'ownerOnly: true and an "owner" condition both constrain the owner.',
        suggestion: 'Keep one of them: ownerOnly: true means { "owner": "${principal.id}" }.',
      });
  }
  checkQuery(query, [], problems);
  return problems;
}

/**
 * The condition as the engine reads it: `ownerOnly: true` becomes `owner: "${principal.id}"`,
 * `ownerOnly: false` constrains nothing. `undefined` when nothing is left.
 *
 * @internal
 */
export function desugarConditions(
  conditions: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | undefined {
  if (conditions === undefined) return undefined;
  const { ownerOnly, ...query } = conditions;
  const result = ownerOnly === true ? { ...query, owner: '${principal.id}' } : query;
  return Object.keys(result).length === 0 ? undefined : result;
}

/** The placeholders a (checked) condition uses. @internal */
export function placeholdersOf(
  value: unknown,
  found: PlaceholderSource[] = [],
): PlaceholderSource[] {
  if (typeof value === 'string') {
    const placeholder = placeholderIn(value);
    if (placeholder !== undefined && placeholder !== 'invalid') found.push(placeholder);
  } else if (Array.isArray(value)) for (const item of value) placeholdersOf(item, found);
  else if (isPlainObject(value))
    for (const item of Object.values(value)) placeholdersOf(item, found);
  return found;
}

/**
 * The condition with each placeholder replaced by the principal's value, or `undefined` when a
 * placeholder cannot be filled (the attribute is missing, or is not a string, finite number or
 * boolean): a grant whose condition cannot be stated for this principal is not held by it. Only
 * scalars fill a placeholder, so a principal attribute can never smuggle an operator in.
 *
 * @internal
 */
export function fillPlaceholders(
  value: unknown,
  principal: { readonly id: string; readonly attributes: Readonly<Record<string, unknown>> },
): unknown {
  // Thrown from deep in the walk and caught below: one placeholder that cannot be filled drops
  // the whole condition.
  const missing = new Error('a placeholder cannot be filled');
  const fill = (item: unknown): unknown => {
    if (typeof item === 'string') {
      const placeholder = placeholderIn(item);
      if (placeholder === undefined || placeholder === 'invalid') return item;
      if (placeholder.kind === 'id') return principal.id;
      const found: unknown = Object.hasOwn(principal.attributes, placeholder.name)
        ? principal.attributes[placeholder.name]
        : undefined;
      const scalar =
        typeof found === 'string' ||
        typeof found === 'boolean' ||
        (typeof found === 'number' && Number.isFinite(found));
      if (!scalar) throw missing;
      return found;
    }
    if (Array.isArray(item)) return item.map(fill);
    if (isPlainObject(item)) {
      const copy: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(item)) copy[key] = fill(entry);
      return copy;
    }
    return item;
  };
  try {
    return fill(value);
  } catch (error) {
    if (error === missing) return undefined;
    throw error;
  }
}
