/**
 * The error codes a provider failure maps to: the provider group of the code table
 * (`rate_limited`, `auth_failed`, `invalid_request`, `context_length_exceeded`, `content_filtered`,
 * `provider_unavailable`, `timeout`, `network`) plus `aborted` for calls cancelled by their signal.
 *
 * @example
 * ```ts
 * import { errorCodeForStatus, type ProviderErrorCode } from '@agentry/core';
 *
 * declare const response: Response; // a failed response from the vendor
 * const code: ProviderErrorCode = errorCodeForStatus(response.status);
 * ```
 */
export type ProviderErrorCode =
  | 'rate_limited'
  | 'auth_failed'
  | 'invalid_request'
  | 'context_length_exceeded'
  | 'content_filtered'
  | 'provider_unavailable'
  | 'timeout'
  | 'network'
  | 'aborted';
