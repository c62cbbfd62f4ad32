import { AgentryError } from '@agentry/core';

/** Deeper values are refused: a hash input must not be able to exhaust the stack. */
const MAX_DEPTH = 64;

function refuse(path: string, problem: string): AgentryError {
  return new AgentryError({
    code: 'not_serializable',
    message: `The value at ${path} cannot be canonicalised: ${problem}.`,
    details: { path },
    suggestions: [
      'Audit entries hold JSON only: strings, finite numbers, booleans, null, arrays and plain objects.',
    ],
  });
}

function write(
  value: unknown,
  path: string,
  depth: number,
  out: { text: string },
  omit?: string,
): void {
  if (value === null) {
    out.text += 'null';
    return;
  }
  if (typeof value === 'boolean') {
    out.text += value ? 'true' : 'false';
    return;
  }
  if (typeof value === 'string') {
    // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 asks: `"`, `\`, the short forms
    // \b \f \n \r \t, other controls as \u00xx (lowercase), everything else as is.
    out.text += JSON.stringify(value);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw refuse(path, `${String(value)} is not a JSON number`);
    // ECMAScript Number::toString is the serialisation RFC 8785 §3.2.2.3 prescribes; -0 is "0".
    out.text += String(value);
    return;
  }
  if (typeof value !== 'object') throw refuse(path, `a ${typeof value} is not JSON`);
  if (depth >= MAX_DEPTH) throw refuse(path, `it is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    out.text += '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out.text += ',';
      const item: unknown = value[index];
      if (item === undefined) throw refuse(`${path}[${index}]`, 'undefined is not JSON');
      write(item, `${path}[${index}]`, depth + 1, out);
    }
    out.text += ']';
    return;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null)
    throw refuse(path, 'only plain objects are JSON (not class instances, dates or maps)');
  const record = value as Record<string, unknown>;
  // Array.prototype.sort compares strings by UTF-16 code units, the order RFC 8785 §3.2.3 asks.
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined && key !== omit)
    .sort();
  out.text += '{';
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (index > 0) out.text += ',';
    out.text += JSON.stringify(key) + ':';
    write(record[key], `${path}.${key}`, depth + 1, out);
  }
  out.text += '}';
}

/**
 * Serialises a JSON value in the JSON Canonicalization Scheme (RFC 8785): no whitespace, object
 * members sorted by the UTF-16 code units of their names, numbers as ECMAScript's
 * Number-to-String writes them, strings escaped as `JSON.stringify` does. Equal values always
 * give the same text, so the text can be hashed and signed. Object members set to `undefined`
 * are left out, as `JSON.stringify` and the stores leave them out.
 *
 * @throws AgentryError `not_serializable` for what JSON cannot hold (NaN, Infinity, bigint,
 *   functions, class instances, `undefined` in an array, nesting deeper than 64), naming the path
 *
 * @example
 * ```ts
 * import { canonicalJson } from '@agentry/security';
 *
 * console.log(canonicalJson({ b: [1e30, 4.5], a: 'é' })); // {"a":"é","b":[1e+30,4.5]}
 * ```
 */
export function canonicalJson(value: unknown): string {
  const out = { text: '' };
  write(value, '$', 0, out);
  return out.text;
}

/**
 * {@link canonicalJson} of an object without one of its top-level members (an audit record
 * without its `hash`), with no copy of the object.
 *
 * @internal
 */
export function canonicalJsonWithout(value: object, omit: string): string {
  const out = { text: '' };
  write(value, '$', 0, out, omit);
  return out.text;
}
