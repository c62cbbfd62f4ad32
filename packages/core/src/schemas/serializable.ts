import { AgentryError } from '../errors/index.js';

/**
 * Where a value stops being serializable, and why.
 *
 * @example
 * ```ts
 * import { findSerializationProblem, formatPath, type SerializationProblem } from '@agentry/core';
 *
 * // Check a tool's output before it is stored: a Date would come back as a string.
 * const problem: SerializationProblem | undefined = findSerializationProblem({ orders: [{ placedAt: new Date() }] });
 * if (problem) console.warn(`${formatPath(problem.path)}: ${problem.reason}`);
 * ```
 */
export interface SerializationProblem {
  /** Keys from the checked value's root to the offending value. */
  path: (string | number)[];
  /** What is wrong, in one sentence. */
  reason: string;
}

/**
 * Finds the first part of `value` that would not survive `JSON.stringify` then `JSON.parse`
 * unchanged: functions, symbols, bigints, `undefined` in arrays, holes, `NaN`, `±Infinity`, `-0`,
 * cycles, dates, maps, sets, class instances and the `__proto__` key. Object properties whose
 * value is `undefined` count as absent, as in JSON.
 *
 * @returns the problem, or `undefined` when the value round-trips
 * @example
 * ```ts
 * findSerializationProblem({ a: [1, () => 2] }); // { path: ['a', 1], reason: 'a function …' }
 * ```
 */
export function findSerializationProblem(value: unknown): SerializationProblem | undefined {
  if (isPlainJson(value, maxPlainDepth)) return undefined;
  return visit(value, [], new Set());
}

/** How deep {@link isPlainJson} looks before leaving the value to the full check. */
const maxPlainDepth = 32;

/**
 * Accepts, without allocating, data that is plainly JSON: strings, booleans, null, finite numbers
 * other than -0, and plain objects and dense arrays of those, at most `depth` levels deep. It
 * never accepts what the full walk refuses; whatever it does not accept (including anything
 * deeper, so cycles) goes to that walk, which names the problem. Every store write and every
 * workflow step output is checked, and nearly all of them are plain, so this path is kept cheap.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth === 0) return false;
      if (Array.isArray(value)) {
        for (let index = 0; index < value.length; index += 1) {
          if (!(index in value)) return false;
          const item: unknown = value[index];
          if (item === undefined || !isPlainJson(item, depth - 1)) return false;
        }
        return true;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      if (Object.getOwnPropertySymbols(value).length > 0) return false;
      for (const name in value) {
        if (!Object.hasOwn(value, name)) return false;
        if (name === '__proto__') return false;
        const child = (value as Record<string, unknown>)[name];
        if (child !== undefined && !isPlainJson(child, depth - 1)) return false;
      }
      return true;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      return false;
  }
}

function visit(
  value: unknown,
  path: (string | number)[],
  ancestors: Set<object>,
): SerializationProblem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      if (!Number.isFinite(value))
        return { path, reason: `${value} is not a finite number and becomes null in JSON` };
      if (Object.is(value, -0)) return { path, reason: '-0 becomes 0 in JSON' };
      return undefined;
    case 'undefined':
      return { path, reason: 'undefined becomes null in a JSON array' };
    case 'function':
      return { path, reason: 'a function cannot be persisted' };
    case 'symbol':
      return { path, reason: 'a symbol cannot be persisted' };
    case 'bigint':
      return { path, reason: 'a bigint cannot be persisted; store it as a string' };
    case 'object':
      return value === null ? undefined : visitObject(value, path, ancestors);
  }
}

function visitObject(
  value: object,
  path: (string | number)[],
  ancestors: Set<object>,
): SerializationProblem | undefined {
  if (ancestors.has(value)) return { path, reason: 'a cycle: this object contains itself' };
  if (Array.isArray(value)) {
    ancestors.add(value);
    for (let index = 0; index < value.length; index += 1) {
      if (!(index in value))
        return { path: [...path, index], reason: 'a hole in a sparse array becomes null in JSON' };
      const problem = visit(value[index], [...path, index], ancestors);
      if (problem) return problem;
    }
    ancestors.delete(value);
    return undefined;
  }
  if (value instanceof Date)
    return { path, reason: 'a Date becomes a string in JSON; store date.toISOString()' };
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    return {
      path,
      reason: `a ${name} instance loses its type in JSON; store plain objects and arrays`,
    };
  }
  if (Object.getOwnPropertySymbols(value).length > 0)
    return { path, reason: 'symbol-keyed properties are dropped by JSON' };
  ancestors.add(value);
  for (const key of Object.keys(value)) {
    if (key === '__proto__')
      return { path: [...path, key], reason: 'the key "__proto__" is not allowed' };
    const child = (value as Record<string, unknown>)[key];
    if (child === undefined) continue;
    const problem = visit(child, [...path, key], ancestors);
    if (problem) return problem;
  }
  ancestors.delete(value);
  return undefined;
}

/**
 * Throws when `value` would not survive a JSON round trip.
 *
 * @param what - names the value in the message, such as `agent state`
 * @throws AgentryError `not_serializable` with the path and the reason
 * @example
 * ```ts
 * assertSerializable(agent.state.memory, 'agent memory');
 * ```
 */
export function assertSerializable(value: unknown, what = 'value'): void {
  const problem = findSerializationProblem(value);
  if (!problem) return;
  const where = problem.path.length > 0 ? ` at ${formatPath(problem.path)}` : '';
  throw new AgentryError({
    code: 'not_serializable',
    message: `The ${what} cannot be persisted${where}: ${problem.reason}.`,
    details: { path: formatPath(problem.path), reason: problem.reason },
    suggestions: [
      'Keep only JSON values (strings, finite numbers, booleans, null, plain objects and arrays) in persisted state.',
    ],
  });
}

/**
 * Writes a path as people read it: `messages[3].metadata.toolCalls`.
 *
 * @example
 * ```ts
 * formatPath(['a', 0, 'b']); // 'a[0].b'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text || '(root)';
}
