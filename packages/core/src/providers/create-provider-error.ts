import { AgentryError } from '../errors/agentry-error.js';
import type { ProviderErrorCode } from './provider-error-code.js';
import { providerErrorSuggestions } from './provider-error-suggestions.js';
import { redactError, redactSecrets } from './redact-secrets.js';

/**
 * What {@link createProviderError} builds an error from.
 *
 * @example
 * ```ts
 * import { createProviderError, errorCodeForStatus, parseRetryAfter, type CreateProviderErrorOptions } from '@agentry/core';
 *
 * declare const response: Response; // a failed response from the vendor
 * const options: CreateProviderErrorOptions = {
 *   provider: 'acme',
 *   code: errorCodeForStatus(response.status),
 *   message: `Acme answered ${response.status} ${response.statusText}.`,
 *   status: response.status,
 *   retryAfterMs: parseRetryAfter(response.headers),
 *   requestId: response.headers.get('x-request-id') ?? undefined,
 * };
 * throw createProviderError(options);
 * ```
 */
export interface CreateProviderErrorOptions {
  /** The provider's name, as users know it (`openai`, `anthropic`, `google`). */
  provider: string;
  /** The shared code the failure maps to. */
  code: ProviderErrorCode;
  /**
   * What happened, in the provider's words or yours. Anything that looks like a credential (an
   * `sk-…` or `AIza…` key, a bearer token, a JWT) is masked before it is stored.
   */
  message: string;
  /** The HTTP status of the failed response, when there was one. */
  status?: number;
  /** How long the provider asked to wait before retrying, in milliseconds (see {@link parseRetryAfter}). */
  retryAfterMs?: number;
  /** The vendor's own error code or type (`insufficient_quota`, `overloaded_error`, …). */
  vendorCode?: string;
  /** The vendor's request id, for support tickets. */
  requestId?: string;
  /**
   * Whether the provider said the request may be retried: its `x-should-retry` response header
   * (`true` or `false`), which the vendors' own SDKs obey. Leave it out when the header was absent
   * or held anything else; the router then decides by the code alone. Stored as
   * `details.retryable`, which the model router obeys over the code's recoverability (see
   * `createModelRouter` and `parseShouldRetry`).
   */
  retryable?: boolean;
  /**
   * The error from the SDK or the network. It is kept as `cause` as a redacted copy (see the
   * function's description), never as the original, which may hold the key that was sent.
   */
  cause?: unknown;
}

/**
 * Builds the {@link AgentryError} for a failed provider call, the same way for every provider.
 *
 * Whether it is recoverable comes from the code table (`rate_limited`, `provider_unavailable`,
 * `timeout` and `network` are; the others are not). `details` holds `provider` and, when given,
 * `status`, `retryAfterMs` (which `retry` waits for), `retryable` (the provider's
 * `x-should-retry` answer), `vendorCode` and `requestId`. The suggestions are the code's standard
 * actions, naming the provider.
 *
 * No credential reaches the error graph that loggers print (`util.inspect`, `console.error`):
 * credentials found in the message are masked, and `cause` is a copy of the given cause, an
 * `Error` with the original's name, message, stack and fields (status, code, error body, response
 * headers) and its own cause chain, in which credential-looking text (`sk-…`, `AIza…`, `ya29.…`,
 * bearer tokens, JWTs) is masked and fields and headers named like credentials (`authorization`,
 * `x-api-key`, `x-goog-api-key`, `set-cookie`, `client_secret`, `access_token`, …) are masked
 * whatever their value. The copy is not an instance of the SDK's error class: branch on `code`
 * and `details`, never on the cause.
 *
 * @example
 * ```ts
 * throw createProviderError({
 *   provider: 'openai',
 *   code: errorCodeForStatus(response.status),
 *   message: `OpenAI answered ${response.status}: ${body.error.message}`,
 *   status: response.status,
 *   retryAfterMs: parseRetryAfter(response.headers),
 *   vendorCode: body.error.code,
 *   requestId: response.headers.get('x-request-id') ?? undefined,
 * });
 * ```
 */
export function createProviderError(options: CreateProviderErrorOptions): AgentryError {
  const details: Record<string, unknown> = { provider: options.provider };
  if (options.status !== undefined) details.status = options.status;
  if (options.retryAfterMs !== undefined) details.retryAfterMs = options.retryAfterMs;
  if (options.retryable !== undefined) details.retryable = options.retryable;
  if (options.vendorCode !== undefined) details.vendorCode = redactSecrets(options.vendorCode);
  if (options.requestId !== undefined) details.requestId = redactSecrets(options.requestId);
  return new AgentryError({
    code: options.code,
    message: redactSecrets(options.message),
    details,
    suggestions: providerErrorSuggestions[options.code].map((suggestion) =>
      suggestion.replaceAll('{provider}', options.provider),
    ),
    cause: options.cause === undefined ? undefined : redactError(options.cause),
  });
}
