import { isPlainObject } from './versioned-document.js';

/**
 * Tells whether two JSON values are equal: same primitives (by `Object.is`), arrays of equal
 * items, and plain objects with the same keys holding equal values.
 *
 * @internal
 * @example
 * ```ts
 * isDeepEqual({ a: [1, 2] }, { a: [1, 2] }); // true
 * ```
 */
export function isDeepEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return (
      left.length === right.length && left.every((item, index) => isDeepEqual(item, right[index]))
    );
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const leftKeys = Object.keys(left);
    if (leftKeys.length !== Object.keys(right).length) return false;
    return leftKeys.every((key) => Object.hasOwn(right, key) && isDeepEqual(left[key], right[key]));
  }
  return false;
}
