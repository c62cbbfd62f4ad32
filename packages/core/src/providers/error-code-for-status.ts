import type { ProviderErrorCode } from './provider-error-code.js';

/**
 * Maps the HTTP status of a failed provider call to a {@link ProviderErrorCode}:
 *
 * | Status                                | Code                      |
 * | ------------------------------------- | ------------------------- |
 * | 401, 403                              | `auth_failed`             |
 * | 408                                   | `timeout`                 |
 * | 413                                   | `context_length_exceeded` |
 * | 429                                   | `rate_limited`            |
 * | any other 4xx (400, 404, 409, 422, …) | `invalid_request`         |
 * | 5xx (and Anthropic's 529)             | `provider_unavailable`    |
 * | anything else                         | `provider_unavailable`    |
 *
 * A status outside 400–599 on a failure means something other than the API answered (a proxy,
 * a captive portal, an outage page), so it counts as the provider being unavailable. Vendors that
 * say more in their error body (`context_length_exceeded` inside a 400, say) refine the code from
 * the body; this is the fallback when the body says nothing.
 *
 * @param status - the HTTP status code
 * @example
 * ```ts
 * errorCodeForStatus(429); // 'rate_limited'
 * errorCodeForStatus(529); // 'provider_unavailable'
 * ```
 */
export function errorCodeForStatus(status: number): ProviderErrorCode {
  switch (status) {
    case 401:
    case 403:
      return 'auth_failed';
    case 408:
      return 'timeout';
    case 413:
      return 'context_length_exceeded';
    case 429:
      return 'rate_limited';
    default:
      return status >= 400 && status < 500 ? 'invalid_request' : 'provider_unavailable';
  }
}
