import { isReservedName } from './names.js';

const maxDepth = 16;

/**
 * The prototype of every copy: an empty, frozen object whose own prototype is null. A copy thus
 * inherits nothing (no `Object.prototype`, so neither `constructor` nor a polluted property), like
 * a null-prototype object, but stays in V8's fast property mode: writing and reading a copy costs
 * a third of what `Object.create(null)` costs (bench/authorization.bench.ts).
 */
const inheritsNothing: object = Object.freeze(Object.create(null) as object);

/** A fresh object that inherits nothing; see {@link inheritsNothing}. @internal */
export const emptyRecord = (): Record<string, unknown> =>
  Object.create(inheritsNothing) as Record<string, unknown>;

/**
 * A copy of request data that conditions can read without reaching a prototype: every object
 * becomes an object that inherits nothing (see `emptyRecord`) holding only its own enumerable keys, without `__proto__`,
 * `constructor` and `prototype`, and without keys starting with U+0000 (reserved for the path
 * entries the engine reads; see `path-rules.ts`); lists are copied; dates and scalars are kept. Inherited
 * properties (as an object literal's `__proto__: {...}` makes) are not copied. Anything deeper
 * than 16 levels is left out.
 *
 * @internal
 */
export function safeCopy(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (depth >= maxDepth) return undefined;
  if (Array.isArray(value)) return value.map((item) => safeCopy(item, depth + 1));
  const copy = emptyRecord();
  for (const key of Object.keys(value)) {
    if (isReservedName(key) || key.startsWith('\u0000')) continue;
    copy[key] = safeCopy((value as Record<string, unknown>)[key], depth + 1);
  }
  return copy;
}

/** {@link safeCopy} of an attributes object; anything that is not an object gives an empty one. @internal */
export function safeAttributes(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (safeCopy(value) as Record<string, unknown>)
    : emptyRecord();
}
