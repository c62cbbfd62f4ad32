import { readHeader, type RetryAfterHeaders } from './parse-retry-after.js';

/**
 * Reads whether a provider says a failed request may be retried, from its `x-should-retry`
 * response header: `true` or `false` (in any case); `undefined` when the header is missing or holds
 * anything else.
 *
 * OpenAI and Anthropic send it, and their own SDKs obey it over the status (`false` on a 5xx means
 * retrying cannot help; `true` on a 4xx means it can). Agentry turns the SDKs' retries off, so each
 * provider passes the answer to {@link createProviderError} as `retryable`, where it becomes
 * `details.retryable` for the router to obey.
 *
 * @param headers - the response headers; `undefined` gives `undefined`
 * @example
 * ```ts
 * parseShouldRetry(new Headers({ 'x-should-retry': 'false' })); // false
 * parseShouldRetry({ 'X-Should-Retry': 'true' }); // true
 * parseShouldRetry(new Headers()); // undefined
 * ```
 */
export function parseShouldRetry(headers: RetryAfterHeaders | undefined): boolean | undefined {
  if (headers === undefined) return undefined;
  const value = readHeader(headers, 'x-should-retry')?.toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}
