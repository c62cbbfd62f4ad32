/**
 * Response headers as {@link parseRetryAfter} reads them: a fetch `Headers` object, or a plain
 * record (names in any case) whose values are strings or arrays of strings, as Node's
 * `IncomingHttpHeaders` and most SDK error objects hold them.
 *
 * @example
 * ```ts
 * import { parseRetryAfter, type RetryAfterHeaders } from '@agentry/core';
 *
 * // A fetch Headers object, or the plain record some SDKs put on their errors.
 * const fromSdkError: RetryAfterHeaders = { 'retry-after': '3' };
 * parseRetryAfter(fromSdkError); // 3000
 * parseRetryAfter(new Headers({ 'retry-after-ms': '250' })); // 250
 * ```
 */
export type RetryAfterHeaders =
  Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

const decimalPattern = /^\d+(?:\.\d+)?$/;
// An HTTP date (RFC 9110 §5.6.7) starts with a day name: `Sun, 06 Nov 1994 08:49:37 GMT`,
// `Sunday, 06-Nov-94 08:49:37 GMT` or `Sun Nov  6 08:49:37 1994`.
const httpDatePattern = /^[A-Za-z]{3}/;

/**
 * Reads how long a provider asks the caller to wait before retrying, in milliseconds.
 *
 * `retry-after-ms` (milliseconds, sent by OpenAI and Anthropic) wins; otherwise `retry-after` is
 * read as seconds (`"30"`, `"1.5"`) or as an HTTP date, which becomes the time left until that date
 * (0 when it has passed). Values that are missing, negative or not a number or date give
 * `undefined`, so the caller falls back to its own backoff. Fractions of a millisecond round up.
 *
 * @param headers - the response headers; `undefined` gives `undefined`
 * @param now - the current time in epoch milliseconds, for HTTP dates (default `Date.now()`)
 * @example
 * ```ts
 * parseRetryAfter(new Headers({ 'retry-after': '2' })); // 2000
 * parseRetryAfter({ 'Retry-After-Ms': '150' }); // 150
 * parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }, Date.parse('Wed, 21 Oct 2026 07:27:30 GMT')); // 30000
 * ```
 */
export function parseRetryAfter(
  headers: RetryAfterHeaders | undefined,
  now: number = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = readHeader(headers, 'retry-after-ms');
  if (milliseconds !== undefined && decimalPattern.test(milliseconds)) {
    return Math.ceil(Number(milliseconds));
  }
  const retryAfter = readHeader(headers, 'retry-after');
  if (retryAfter === undefined) return undefined;
  if (decimalPattern.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
  if (!httpDatePattern.test(retryAfter)) return undefined;
  // asctime dates carry no zone but are GMT; without one, Date.parse would read local time.
  const date = Date.parse(/[A-Za-z]$/.test(retryAfter) ? retryAfter : `${retryAfter} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The first value of a response header (`name` in lower case), trimmed; `undefined` when it is
 * missing or empty.
 *
 * @internal
 */
export function readHeader(headers: RetryAfterHeaders, name: string): string | undefined {
  let value: string | readonly string[] | null | undefined;
  if (isHeaders(headers)) {
    value = headers.get(name);
  } else {
    value = headers[name];
    if (value === undefined) {
      for (const key of Object.keys(headers)) {
        if (key.toLowerCase() === name) {
          value = headers[key];
          break;
        }
      }
    }
  }
  const first = typeof value === 'string' ? value : value?.[0];
  const trimmed = first?.trim();
  return trimmed === '' ? undefined : trimmed;
}

function isHeaders(headers: RetryAfterHeaders): headers is Headers {
  // Duck-typed: the `Headers` of another fetch implementation (undici's own, say) is not an
  // instance of the global class.
  return typeof (headers as { get?: unknown }).get === 'function';
}
