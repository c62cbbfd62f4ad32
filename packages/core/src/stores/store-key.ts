import { AgentryError } from '../errors/index.js';
import { assertStoreKey, quoteKey } from './store-key-schema.js';

/**
 * Builds a store key from parts, joined with `:`. Each part has `%` written as `%25` and `:` as
 * `%3A`, so a part can hold any text and two different lists of parts never give the same key:
 * `storeKey('agent', 'a:b')` is `agent:a%3Ab`, not the key of parts `agent`, `a`, `b`.
 *
 * @param parts - one or more non-empty strings, such as a kind and an id
 * @throws AgentryError `validation_failed` when there are no parts, a part is empty or not a
 *   string, or the key is not valid (too long, control characters)
 * @example
 * ```ts
 * storeKey('agent', 'support-bot'); // 'agent:support-bot'
 * storeKey('workflow-run', 'run:42', 'step', '3'); // 'workflow-run:run%3A42:step:3'
 * ```
 */
export function storeKey(...parts: string[]): string {
  if (parts.length === 0)
    throw new AgentryError({
      code: 'validation_failed',
      message: 'Cannot build a store key from no parts.',
      details: { reason: 'no parts' },
      suggestions: ['Pass at least one part, such as storeKey("agent", id).'],
    });
  const key = parts.map((part, index) => escapePart(part, index)).join(':');
  assertStoreKey(key);
  return key;
}

/**
 * Builds the prefix that lists the keys under some parts: {@link storeKey} of the parts plus `:`.
 * Because parts are escaped, `storeKeyPrefix('agent', '1')` matches `agent:1:…` but neither
 * `agent:10…` nor the key `agent:1` itself.
 *
 * @throws AgentryError `validation_failed` as {@link storeKey} does
 * @example
 * ```ts
 * await store.list(storeKeyPrefix('workflow-run', runId)); // every step of one run
 * ```
 */
export function storeKeyPrefix(...parts: string[]): string {
  return `${storeKey(...parts)}:`;
}

/**
 * Splits a key built by {@link storeKey} back into its parts, undoing the escapes.
 *
 * @throws AgentryError `validation_failed` when the key is not valid, has an empty part, or has a
 *   `%` that does not start `%25` or `%3A`
 * @example
 * ```ts
 * parseStoreKey('workflow-run:run%3A42:step:3'); // ['workflow-run', 'run:42', 'step', '3']
 * ```
 */
export function parseStoreKey(key: string): string[] {
  assertStoreKey(key);
  return key.split(':').map((part) => {
    if (part === '' || /%(?!25|3A)/.test(part))
      throw new AgentryError({
        code: 'validation_failed',
        message: `The store key ${quoteKey(key)} was not built by storeKey: it has ${part === '' ? 'an empty part' : 'a % not followed by 25 or 3A'}.`,
        details: { key, part },
        suggestions: ['Parse only keys built with storeKey(...parts).'],
      });
    return part.replace(/%(?:25|3A)/g, (escape) => (escape === '%25' ? '%' : ':'));
  });
}

function escapePart(part: unknown, index: number): string {
  if (typeof part !== 'string' || part === '')
    throw new AgentryError({
      code: 'validation_failed',
      message: `Cannot build a store key: part ${index + 1} must be a non-empty string.`,
      details: { index, reason: 'parts must be non-empty strings' },
      suggestions: ['Pass non-empty strings as key parts, such as storeKey("agent", id).'],
    });
  // '%' first, so the '%' of '%3A' is not escaped again.
  return part.replaceAll('%', '%25').replaceAll(':', '%3A');
}
