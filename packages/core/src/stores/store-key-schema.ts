import { z } from 'zod';
import { AgentryError } from '../errors/index.js';

/** The longest key a {@link StateStore} accepts, in UTF-16 code units (`key.length`). */
export const maxStoreKeyLength = 512;

// Control characters break logs, terminals and line-based tools; unpaired surrogates cannot be
// encoded as UTF-8, so a database would store (and return) a different key.
const forbiddenCharacters = /[\p{Cc}\p{Cs}]/u;

/**
 * Tells why `key` is not a valid store key, or returns `undefined` when it is.
 *
 * @internal
 * @example
 * ```ts
 * findStoreKeyProblem(''); // 'a key must not be empty'
 * ```
 */
export function findStoreKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `a key must be a string, not ${describeType(key)}`;
  if (key.length === 0) return 'a key must not be empty';
  if (key.length > maxStoreKeyLength)
    return `a key must be at most ${maxStoreKeyLength} characters long, not ${key.length}`;
  if (forbiddenCharacters.test(key))
    return 'a key must not contain control characters or unpaired surrogates';
  return undefined;
}

/**
 * A key of a {@link StateStore}: a non-empty string of at most 512 UTF-16 code units without
 * control characters (U+0000–U+001F, U+007F–U+009F) or unpaired surrogates. Build keys with
 * {@link storeKey} so that ids containing `:` cannot collide.
 *
 * @example
 * ```ts
 * storeKeySchema.parse('agent:support-bot'); // 'agent:support-bot'
 * storeKeySchema.safeParse('').success; // false
 * ```
 */
export const storeKeySchema = z.string().check((context) => {
  const problem = findStoreKeyProblem(context.value);
  if (problem) {
    context.issues.push({
      code: 'custom',
      input: context.value,
      message: `Not a valid store key: ${problem}.`,
    });
  }
});

/**
 * Throws unless `key` is a valid store key (see {@link storeKeySchema}). Store implementations call
 * it first in `get`, `put` and `delete`, so every store refuses the same keys the same way.
 *
 * @throws AgentryError `validation_failed` naming the key, with `details.key` and `details.reason`
 * @example
 * ```ts
 * assertStoreKey('agent:support-bot'); // passes
 * assertStoreKey('agent\n1'); // throws validation_failed
 * ```
 */
export function assertStoreKey(key: unknown): asserts key is string {
  const problem = findStoreKeyProblem(key);
  if (problem === undefined) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `The store key ${quoteKey(key)} is not valid: ${problem}.`,
    details: { key: typeof key === 'string' ? key : describeType(key), reason: problem },
    suggestions: [
      'Use a non-empty key of at most 512 characters without control characters; build it with storeKey(...parts).',
    ],
  });
}

/**
 * Quotes a key for a message: JSON escapes make control characters visible, and long keys are cut.
 *
 * @internal
 * @example
 * ```ts
 * quoteKey('a\nb'); // '"a\\nb"'
 * ```
 */
export function quoteKey(key: unknown): string {
  if (typeof key !== 'string') return describeType(key);
  const shown = key.length > 80 ? `${key.slice(0, 80)}…` : key;
  return JSON.stringify(shown);
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
