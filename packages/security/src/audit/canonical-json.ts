import { AgentryError } from '@agentry/core';

/** Deeper values are refused: a hash input must not be able to exhaust the stack. */
const MAX_DEPTH = 64;

/**
 * The writer's state: the text so far, and the path to the value being written as a stack of
 * member names and array indices, turned into text only for an error (a path string built for
 * every value cost a tenth of verifying a log, bench/audit-log.bench.ts).
 */
interface Writer {
  text: string;
  readonly path: (string | number)[];
}

function refuse(writer: Writer, problem: string): AgentryError {
  const path = writer.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('');
  return new AgentryError({
    code: 'not_serializable',
    message: `The value at $${path} cannot be canonicalised: ${problem}.`,
    details: { path: `$${path}` },
    suggestions: [
      'Audit entries hold JSON only: strings, finite numbers, booleans, null, arrays and plain objects.',
    ],
  });
}

function write(value: unknown, writer: Writer, omit?: string): void {
  if (value === null) {
    writer.text += 'null';
    return;
  }
  if (typeof value === 'boolean') {
    writer.text += value ? 'true' : 'false';
    return;
  }
  if (typeof value === 'string') {
    // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 asks: `"`, `\`, the short forms
    // \b \f \n \r \t, other controls as \u00xx (lowercase), everything else as is.
    writer.text += JSON.stringify(value);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw refuse(writer, `${String(value)} is not a JSON number`);
    // ECMAScript Number::toString is the serialisation RFC 8785 §3.2.2.3 prescribes; -0 is "0".
    writer.text += String(value);
    return;
  }
  if (typeof value !== 'object') throw refuse(writer, `a ${typeof value} is not JSON`);
  if (writer.path.length >= MAX_DEPTH)
    throw refuse(writer, `it is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    writer.text += '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) writer.text += ',';
      const item: unknown = value[index];
      writer.path.push(index);
      if (item === undefined) throw refuse(writer, 'undefined is not JSON');
      write(item, writer);
      writer.path.pop();
    }
    writer.text += ']';
    return;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null)
    throw refuse(writer, 'only plain objects are JSON (not class instances, dates or maps)');
  const record = value as Record<string, unknown>;
  // Array.prototype.sort compares strings by UTF-16 code units, the order RFC 8785 §3.2.3 asks.
  const keys = Object.keys(record).sort();
  writer.text += '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || key === omit) continue;
    writer.text += first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`;
    first = false;
    writer.path.push(key);
    write(member, writer);
    writer.path.pop();
  }
  writer.text += '}';
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
  const writer: Writer = { text: '', path: [] };
  write(value, writer);
  return writer.text;
}

/**
 * {@link canonicalJson} of an object without one of its top-level members (an audit record
 * without its `hash`), with no copy of the object.
 *
 * @internal
 */
export function canonicalJsonWithout(value: object, omit: string): string {
  const writer: Writer = { text: '', path: [] };
  write(value, writer, omit);
  return writer.text;
}
