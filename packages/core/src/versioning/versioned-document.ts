/**
 * A plain JSON object that says which version of its shape it follows, such as a configuration
 * file or a persisted agent state.
 *
 * @example
 * ```ts
 * import { type VersionedDocument } from '@agentry/core';
 *
 * const document: VersionedDocument = { schemaVersion: '2', models: { defaultModel: 'gpt-4o' } };
 * ```
 */
export interface VersionedDocument {
  /** The version of the document's shape: `"1.2.0"` in semantic mode, `"2"` otherwise. */
  schemaVersion: string;
  /** The document's own fields. */
  [key: string]: unknown;
}

/**
 * Tells whether a value is a plain object (not an array, class instance or `null`), the only kind
 * of value a migrator accepts as a document.
 *
 * @internal
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject([1]); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
