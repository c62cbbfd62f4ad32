/**
 * The length in UTF-8 bytes of `JSON.stringify(value)`, worked out without building the string:
 * the agent measures every message it keeps against `maxMemory`, and dates in particular are slow
 * to turn into text. A value JSON leaves out (`undefined`, a function, a symbol) measures 0.
 *
 * @throws TypeError where `JSON.stringify` would: a bigint, or a cycle
 * @internal
 */
export function jsonByteLength(value: unknown): number {
  const size = measure(value, '', 0);
  return size < 0 ? 0 : size;
}

/** Past this depth the value is measured by `JSON.stringify` itself, which reports cycles. */
const MAX_DEPTH = 256;
const dateToJSON: unknown = Object.getOwnPropertyDescriptor(Date.prototype, 'toJSON')?.value;
// JSON escapes quotes, backslashes and control characters, and writes lone surrogates as \uXXXX.
// eslint-disable-next-line no-control-regex -- these control characters are what JSON escapes
const needsEscapes = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The bytes of `value` as JSON, or -1 when JSON leaves it out. */
function measure(value: unknown, key: string, depth: number): number {
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Date && value.toJSON === dateToJSON) return dateBytes(value);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = (toJSON as (key: string) => unknown).call(value, key);
  }
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
      return numberBytes(value);
    case 'boolean':
      return value ? 4 : 5;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      if (value === null) return 4;
      if (depth >= MAX_DEPTH) return Buffer.byteLength(JSON.stringify(value));
      return objectBytes(value, depth + 1);
    case 'undefined':
    case 'function':
    case 'symbol':
      return -1;
  }
}

function objectBytes(value: object, depth: number): number {
  if (value instanceof Number) return measure(Number(value), '', depth);
  if (value instanceof String) return stringBytes(String(value));
  if (value instanceof Boolean) return value.valueOf() ? 4 : 5;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let total = 2 + Math.max(0, items.length - 1);
    for (let index = 0; index < items.length; index += 1) {
      const size = measure(items[index], String(index), depth);
      total += size < 0 ? 4 : size;
    }
    return total;
  }
  let total = 2;
  let members = 0;
  const record = value as Record<string, unknown>;
  // for-in visits own keys in the order Object.keys (and JSON) uses, without making an array;
  // inherited enumerable keys are skipped.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const size = measure(record[key], key, depth);
    if (size < 0) continue;
    total += stringBytes(key) + 1 + size;
    members += 1;
  }
  return total + Math.max(0, members - 1);
}

function dateBytes(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) return 4;
  const year = date.getUTCFullYear();
  // "YYYY-MM-DDTHH:mm:ss.sssZ" in quotes; years outside 0 to 9999 are written as ±YYYYYY.
  return year >= 0 && year <= 9999 ? 26 : 29;
}

function numberBytes(value: number): number {
  if (!Number.isSafeInteger(value)) return Number.isFinite(value) ? String(value).length : 4;
  // Digits (and a minus sign) of an integer, without making its string.
  let bytes = value < 0 ? 2 : 1;
  for (let rest = Math.abs(value); rest >= 10; rest = Math.floor(rest / 10)) bytes += 1;
  return bytes;
}

/** Below this length a string is measured in one pass here; above it, natively. */
const SHORT_STRING = 64;

function stringBytes(text: string): number {
  if (text.length > SHORT_STRING && !needsEscapes.test(text)) return Buffer.byteLength(text) + 2;
  let bytes = 2;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if (code === 0x22 || code === 0x5c) bytes += 2;
      else if (code >= 0x20) bytes += 1;
      else bytes += code === 8 || code === 9 || code === 10 || code === 12 || code === 13 ? 2 : 6;
    } else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 6; // a lone high surrogate is escaped as \udXXX
    } else if (code >= 0xdc00 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}
