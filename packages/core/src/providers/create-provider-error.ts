import { AgentryError } from '../errors/agentry-error.js';
import type { ProviderErrorCode } from './provider-error-code.js';
import { providerErrorSuggestions } from './provider-error-suggestions.js';
import { redactSecrets } from './redact-secrets.js';

/** What {@link createProviderError} builds an error from. */
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
  /**
   * What the provider's `x-should-retry` header said, when it sent one: `true` or `false`. Stored
   * as `details.retryable`, which the model router obeys over the code's recoverability (see
   * `createModelRouter`); leave it out when the header is absent.
   */
  retryable?: boolean;
  /** The vendor's own error code or type (`insufficient_quota`, `overloaded_error`, …). */
  vendorCode?: string;
  /** The vendor's request id, for support tickets. */
  requestId?: string;
  /** The error from the SDK or the network, kept as `cause`. */
  cause?: unknown;
}

/**
 * Builds the {@link AgentryError} for a failed provider call, the same way for every provider.
 *
 * Whether it is recoverable comes from the code table (`rate_limited`, `provider_unavailable`,
 * `timeout` and `network` are; the others are not). `details` holds `provider` and, when given,
 * `status`, `retryAfterMs` (which `retry` waits for), `retryable` (the provider's
 * `x-should-retry`), `vendorCode` and `requestId`. The
 * suggestions are the code's standard actions, naming the provider. Credentials found in the
 * message are masked.
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
  if (options.vendorCode !== undefined) details.vendorCode = options.vendorCode;
  if (options.requestId !== undefined) details.requestId = options.requestId;
  return new AgentryError({
    code: options.code,
    message: redactSecrets(options.message),
    details,
    suggestions: providerErrorSuggestions[options.code].map((suggestion) =>
      suggestion.replaceAll('{provider}', options.provider),
    ),
    cause: options.cause,
  });
}
