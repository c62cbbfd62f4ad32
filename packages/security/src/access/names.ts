/**
 * The rules every identifier of access control follows: role names, subject ids, principal ids,
 * policy ids and the segments of resource paths are compared exactly, after NFC normalisation, and
 * never trimmed, case-folded or otherwise made to match.
 *
 * @internal
 */

/** Keys that reach an object's prototype when used as a property name. */
const reservedNames: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// Whitespace, control characters and format characters (zero-width and bidirectional marks),
// which make two identifiers look alike while differing.
const invisible = /[\s\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/u;

// Printable ASCII without spaces: such a name needs neither the Unicode checks nor normalisation
// (the hot path of every decision; see bench/authorization.bench.ts).
const plainAscii = /^[\x21-\x7e]+$/;

/** Whether `name` is one of the property names that reach a prototype. @internal */
export function isReservedName(name: string): boolean {
  return reservedNames.has(name);
}

/**
 * Why `value` cannot be an identifier (a role, a subject, a policy id), or `undefined` when it
 * can. The reason reads after the word "is": `is empty`, `has leading or trailing whitespace`.
 *
 * @internal
 */
export function nameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string')
    return `is ${value === null ? 'null' : typeof value}, not a string`;
  if (plainAscii.test(value)) return isReservedName(value) ? reserved(value) : undefined;
  if (value === '') return 'is empty';
  if (value.trim() !== value) return 'has leading or trailing whitespace';
  if (invisible.test(value)) return 'holds whitespace, control or invisible characters';
  if (isReservedName(value.normalize('NFC'))) return reserved(value);
  return undefined;
}

const reserved = (value: string) =>
  `is reserved (${JSON.stringify(value)} reaches an object's prototype)`;

/** Whether `value` holds whitespace, control or invisible characters. @internal */
export function hasInvisible(value: string): boolean {
  return invisible.test(value);
}

/** The identifier in NFC form, so that composed and decomposed spellings compare equal. @internal */
export function normalizeName(value: string): string {
  return plainAscii.test(value) ? value : value.normalize('NFC');
}

/** A short, quoted rendering of a value for a message (never more than 60 characters). @internal */
export function quote(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : typeof value;
}
