/** Returned by the fast copy for anything it leaves to `structuredClone`. */
const other: unique symbol = Symbol('other');

/**
 * Copies a value as `structuredClone` does, without its fixed cost for plain data. Every step
 * input read by reference is copied (a handler may change its input; the output it came from must
 * not change), and `structuredClone` has a fixed cost of microseconds even for `{ count: 1 }`
 * (this copy: a tenth to a twentieth of it). On `bench/workflow-overhead.bench.ts`'s chain of 1,000
 * steps each reading the previous output, resolving a step's inputs fell from 15% of the CPU
 * profile to 3% with this copy and the changes in `resolveInputs`, and a step to about 0.8x its
 * time (same-process comparisons on a loaded machine).
 *
 * Invariant: the result equals `structuredClone(value)` in every observable way. The fast path
 * takes only primitives, plain objects (prototype `Object.prototype` or `null`, copied to plain
 * objects, own enumerable string keys in order, no `__proto__` key) and dense arrays without
 * other properties; shared and cyclic references are kept shared, as `structuredClone` keeps them.
 * Anything else anywhere in the value (a `Date`, a `Map`, a class instance, a hole, a function)
 * sends the whole value to `structuredClone`, which copies it or throws as it always did. One
 * exception: a `Proxy` of plain data, which `structuredClone` refuses, is copied as the data it
 * shows (as the journal, which stores it as JSON, holds it too).
 *
 * @internal
 */
export function cloneValue<TValue>(value: TValue): TValue {
  if (typeof value !== 'object' || value === null) return value;
  const state: CloneState = { root: value, rootCopy: undefined, seen: undefined };
  const copy = copyObject(value, state);
  return (copy === other ? structuredClone(value) : copy) as TValue;
}

/**
 * The copies made so far, by original. The map is created only when an object turns up after the
 * root (most values read by reference are one small object): until then the root is the only
 * object met, and it is entered then with its copy.
 */
interface CloneState {
  root: object;
  rootCopy: unknown;
  seen: Map<object, unknown> | undefined;
}

function copyChild(child: unknown, state: CloneState): unknown {
  switch (typeof child) {
    case 'object':
      return child === null ? null : copyObject(child, state);
    case 'function':
    case 'symbol':
      return other;
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return child;
  }
}

function copyObject(value: object, state: CloneState): unknown {
  let { seen } = state;
  // Any object met after the root's copy was made (the root again, too, in a cycle).
  if (seen === undefined && state.rootCopy !== undefined) {
    seen = new Map();
    seen.set(state.root, state.rootCopy);
    state.seen = seen;
  }
  if (seen !== undefined) {
    const known = seen.get(value);
    if (known !== undefined) return known;
  }
  if (Array.isArray(value)) {
    const length = value.length;
    const copy: unknown[] = [];
    remember(state, value, copy);
    for (let index = 0; index < length; index += 1) {
      if (!(index in value)) return other;
      const child = copyChild(value[index], state);
      if (child === other) return other;
      copy.push(child);
    }
    // An array with properties besides its indexes keeps them in structuredClone.
    return Object.keys(value).length === length ? copy : other;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return other;
  const copy: Record<string, unknown> = {};
  remember(state, value, copy);
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === '__proto__') return other;
    const child = copyChild((value as Record<string, unknown>)[key], state);
    if (child === other) return other;
    copy[key] = child;
  }
  return copy;
}

function remember(state: CloneState, value: object, copy: unknown): void {
  if (state.seen === undefined) state.rootCopy = copy;
  else state.seen.set(value, copy);
}
