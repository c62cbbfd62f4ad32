/**
 * A dimension a limit is counted per; see {@link rateLimitKey}.
 *
 * @example
 * ```ts
 * import { rateLimitKey, type RateLimitKeyDimension } from '@agentry/security';
 *
 * // One limit per user and model: a user's calls to two models are counted apart.
 * const keyBy: RateLimitKeyDimension[] = ['user', 'model'];
 * console.log(rateLimitKey(keyBy, { principalId: 'alice', model: 'openai:gpt-4o' }));
 * ```
 */
export type RateLimitKeyDimension = 'user' | 'session' | 'agent' | 'model';

/**
 * What a rate limit key is built from; see {@link rateLimitKey}.
 *
 * @example
 * ```ts
 * import { rateLimitKey, type RateLimitKeyParts } from '@agentry/security';
 *
 * const parts: RateLimitKeyParts = { principalId: 'alice', sessionId: 's-1', agentId: 'support' };
 * console.log(rateLimitKey(['user', 'agent'], parts)); // user=alice|agent=support
 * ```
 */
export interface RateLimitKeyParts {
  /** Who the call is made for (`principal.id`); the `user` dimension, before `userId`. */
  readonly principalId?: string | undefined;
  /** The user the agent serves; the `user` dimension when there is no principal. */
  readonly userId?: string | undefined;
  /** The session; the `session` dimension. */
  readonly sessionId?: string | undefined;
  /** The agent; the `agent` dimension. */
  readonly agentId?: string | undefined;
  /** The model, as `provider:model`; the `model` dimension. */
  readonly model?: string | undefined;
}

// `\`, `|` and `=` are escaped so that no id can forge another key: `a|session=b` as a user id
// stays one value.
const escapeValue = (value: string): string => value.replace(/[\\|=]/g, (char) => `\\${char}`);

function valueOf(dimension: RateLimitKeyDimension, parts: RateLimitKeyParts): string | undefined {
  switch (dimension) {
    case 'user':
      return parts.principalId ?? parts.userId;
    case 'session':
      return parts.sessionId;
    case 'agent':
      return parts.agentId;
    case 'model':
      return parts.model;
  }
}

/**
 * The key a call is limited under: one `dimension=value` segment per entry of `keyBy`, in its
 * order, joined by `|`. Separators inside values are escaped (`\|`, `\=`, `\\`), so two different
 * sets of ids never make the same key; a missing value is written `dimension~` (distinct from an
 * empty id). The key holds ids, never secrets, and is reported in `rate_limited` errors.
 *
 * @param keyBy - the dimensions, such as `['user']` or `['user', 'model']`
 * @param parts - the ids of the call
 * @example
 * ```ts
 * import { rateLimitKey } from '@agentry/security';
 *
 * rateLimitKey(['user', 'model'], { principalId: 'alice', model: 'openai:gpt-4o' });
 * // 'user=alice|model=openai:gpt-4o'
 * rateLimitKey(['user'], { principalId: 'a|session=b' }); // 'user=a\\|session\\=b'
 * ```
 */
export function rateLimitKey(
  keyBy: readonly RateLimitKeyDimension[],
  parts: RateLimitKeyParts,
): string {
  let key = '';
  for (let index = 0; index < keyBy.length; index += 1) {
    const dimension = keyBy[index]!;
    const value = valueOf(dimension, parts);
    if (index > 0) key += '|';
    key += value === undefined ? `${dimension}~` : `${dimension}=${escapeValue(value)}`;
  }
  return key;
}
