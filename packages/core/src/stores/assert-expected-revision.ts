import { AgentryError } from '../errors/index.js';
import { quoteKey } from './store-key-schema.js';

/**
 * Throws `conflict` unless a key's current revision meets the condition of a write: a number must
 * equal it, `null` requires the key to be missing, `undefined` accepts anything. A store calls it
 * inside its transaction (or with the revision its conditional write reported), after
 * {@link assertStorePut} or {@link assertStoreDelete}.
 *
 * @param key - the key being written
 * @param expectedRevision - the caller's condition, from `options.expectedRevision`
 * @param actualRevision - the key's current revision, or `undefined` when it does not exist
 * @param operation - the write, named in the message
 * @throws AgentryError `conflict` (recoverable) with `details.key`, `details.expectedRevision` and
 *   `details.actualRevision` (`null` for a missing key)
 * @example
 * ```ts
 * const current = transaction.get(key);
 * assertExpectedRevision(key, options.expectedRevision, current?.revision);
 * transaction.set(key, { ...envelope, revision: (current?.revision ?? 0) + 1 });
 * ```
 */
export function assertExpectedRevision(
  key: string,
  expectedRevision: number | null | undefined,
  actualRevision: number | undefined,
  operation: 'put' | 'delete' = 'put',
): void {
  if (expectedRevision === undefined) return;
  if (
    expectedRevision === null ? actualRevision === undefined : expectedRevision === actualRevision
  )
    return;
  const expected =
    expectedRevision === null
      ? 'expected it not to exist'
      : `expected revision ${expectedRevision}`;
  const actual =
    actualRevision === undefined ? 'it does not exist' : `it is at revision ${actualRevision}`;
  throw new AgentryError({
    code: 'conflict',
    message: `Cannot ${operation} store key ${quoteKey(key)}: ${expected} but ${actual}. Another writer changed it; read it again and retry.`,
    details: { key, operation, expectedRevision, actualRevision: actualRevision ?? null },
    suggestions: [
      'Read the entry again, apply your change to the fresh data, and retry with its revision as expectedRevision.',
    ],
  });
}
