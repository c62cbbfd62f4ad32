import { AgentryError } from '../errors/index.js';
import { findSerializationProblem, formatPath } from '../schemas/serializable.js';
import type { StoreDeleteOptions, StoreListOptions, StorePutOptions } from './state-store.js';
import {
  assertStoreKey,
  findStoreKeyProblem,
  maxStoreKeyLength,
  quoteKey,
} from './store-key-schema.js';

/** How many entries {@link StateStore.list} returns when no `limit` is given. */
export const defaultStoreListLimit = 100;

/** The largest `limit` {@link StateStore.list} accepts. */
export const maxStoreListLimit = 1000;

/**
 * Checks the arguments of {@link StateStore.put} before anything is read or written: the key,
 * `kind` (1 to 128 characters), `schemaVersion` (1 to 64 characters), that `data` is JSON, and the
 * form of `expectedRevision` (a positive integer, `null` or `undefined`). Store implementations
 * call it first, so every store refuses the same writes with the same errors.
 *
 * @throws AgentryError `validation_failed` for an invalid key, kind, schema version or expected
 *   revision; `not_serializable` when the data is not JSON, with `details.key`, `details.path` and
 *   `details.reason`
 * @example
 * ```ts
 * async put(key, value, options = {}) {
 *   assertStorePut(key, value, options);
 *   const text = JSON.stringify(value.data);
 *   // … read the current revision, assertExpectedRevision(…), write atomically
 * }
 * ```
 */
export function assertStorePut(key: unknown, value: unknown, options: unknown): void {
  assertStoreKey(key);
  if (typeof value !== 'object' || value === null)
    throw invalid(key, 'the value must be an object { kind, schemaVersion, data }', 'value');
  const { kind, schemaVersion, data } = value as Record<string, unknown>;
  assertLabel(key, 'kind', kind, 128);
  assertLabel(key, 'schemaVersion', schemaVersion, 64);
  assertJson(key, data);
  const expectedRevision = readExpectedRevision(key, options);
  if (expectedRevision !== undefined && expectedRevision !== null)
    assertRevisionNumber(key, expectedRevision);
}

/**
 * Checks the arguments of {@link StateStore.delete}: the key and, when given, that
 * `expectedRevision` is a positive integer.
 *
 * @throws AgentryError `validation_failed` for an invalid key or expected revision
 * @example
 * ```ts
 * async delete(key, options = {}) {
 *   assertStoreDelete(key, options);
 *   // … read the current revision, assertExpectedRevision(…, 'delete'), delete atomically
 * }
 * ```
 */
export function assertStoreDelete(key: unknown, options: unknown): void {
  assertStoreKey(key);
  const expectedRevision = readExpectedRevision(key, options);
  if (expectedRevision !== undefined) assertRevisionNumber(key, expectedRevision);
}

/**
 * Checks the arguments of {@link StateStore.list}: the prefix (a string of at most 512 characters
 * without control characters; empty lists everything), `limit` (an integer from 1 to
 * {@link maxStoreListLimit}) and `after` (a string).
 *
 * @throws AgentryError `validation_failed` naming the offending argument
 * @example
 * ```ts
 * async list(prefix, options = {}) {
 *   assertStoreList(prefix, options);
 *   const limit = options.limit ?? defaultStoreListLimit;
 *   // … select keys > after starting with prefix, in code point order, limit + 1 of them
 * }
 * ```
 */
export function assertStoreList(prefix: unknown, options: unknown): void {
  if (typeof prefix !== 'string' || prefix.length > maxStoreKeyLength)
    throw listInvalid(
      `the prefix must be a string of at most ${maxStoreKeyLength} characters`,
      'prefix',
      prefix,
    );
  if (prefix !== '') {
    const problem = findStoreKeyProblem(prefix);
    if (problem)
      throw listInvalid(`the prefix is not part of a valid key: ${problem}`, 'prefix', prefix);
  }
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null)
    throw listInvalid('the options must be an object', 'options', options);
  const { limit, after } = options as StoreListOptions;
  if (
    limit !== undefined &&
    (typeof limit !== 'number' ||
      !Number.isInteger(limit) ||
      limit < 1 ||
      limit > maxStoreListLimit)
  )
    throw listInvalid(`limit must be an integer from 1 to ${maxStoreListLimit}`, 'limit', limit);
  if (after !== undefined && typeof after !== 'string')
    throw listInvalid('after must be a string: the key to continue after', 'after', after);
}

function readExpectedRevision(key: string, options: unknown): unknown {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null)
    throw invalid(key, 'the options must be an object', 'options');
  return (options as StorePutOptions | StoreDeleteOptions).expectedRevision;
}

function assertRevisionNumber(key: string, revision: unknown): void {
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 1)
    throw invalid(
      key,
      `expectedRevision must be a positive integer, null or left out, not ${String(revision)}`,
      'expectedRevision',
    );
}

function assertLabel(key: string, field: string, value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength)
    throw invalid(key, `${field} must be a string of 1 to ${maxLength} characters`, field);
}

function assertJson(key: string, data: unknown): void {
  let problem;
  try {
    problem =
      data === undefined
        ? { path: [], reason: 'data is undefined; store null for no value' }
        : findSerializationProblem(data);
  } catch (error) {
    // Only a value nested thousands of levels deep overflows the checker's stack.
    if (!(error instanceof RangeError)) throw error;
    problem = { path: [], reason: 'the value is nested too deeply' };
  }
  if (!problem) return;
  const path = formatPath(problem.path);
  const where = problem.path.length > 0 ? ` at ${path}` : '';
  throw new AgentryError({
    code: 'not_serializable',
    message: `The data for store key ${quoteKey(key)} cannot be persisted${where}: ${problem.reason}.`,
    details: { key, path, reason: problem.reason },
    suggestions: [
      'Keep only JSON values (strings, finite numbers, booleans, null, plain objects and arrays) in stored data.',
    ],
  });
}

function invalid(key: string, problem: string, field: string): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `Cannot write store key ${quoteKey(key)}: ${problem}.`,
    details: { key, field, reason: problem },
    suggestions: [`Fix ${field}: ${problem}.`],
  });
}

function listInvalid(problem: string, field: string, value: unknown): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message: `Cannot list the store: ${problem}.`,
    details: { field, value: typeof value === 'string' ? value : String(value), reason: problem },
    suggestions: [`Fix ${field}: ${problem}.`],
  });
}
