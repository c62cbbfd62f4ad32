import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import {
  AgentryError,
  createProviderError,
  errorCodeForStatus,
  parseRetryAfter,
  parseShouldRetry,
  type ProviderErrorCode,
} from '@agentry/core';
import { z } from 'zod';

const PROVIDER = 'anthropic';

/**
 * The body of an error from the Messages API, as an HTTP error response and as the data of an
 * `error` event in a stream: `{ type: 'error', error: { type, message }, request_id? }`. Unknown
 * fields are kept.
 *
 * @example
 * ```ts
 * import { anthropicErrorBodySchema } from '@agentry/anthropic';
 *
 * anthropicErrorBodySchema.parse({
 *   type: 'error',
 *   error: { type: 'overloaded_error', message: 'Overloaded' },
 * });
 * ```
 */
export const anthropicErrorBodySchema = z.looseObject({
  /** Always `error`. */
  type: z.literal('error'),
  /** What went wrong. */
  error: z.looseObject({
    /** The error's kind: `invalid_request_error`, `rate_limit_error`, `overloaded_error`, … */
    type: z.string(),
    /** What happened, in the API's words; the wording may change. */
    message: z.string(),
  }),
  /** The request's id, for support. */
  request_id: z.string().optional(),
});

/**
 * The body of an error from the Messages API.
 *
 * @example
 * ```ts
 * import { anthropicErrorBodySchema, type AnthropicErrorBody } from '@agentry/anthropic';
 *
 * // Read the error a proxy in front of the Messages API passed through.
 * declare const response: Response;
 * const parsed = anthropicErrorBodySchema.safeParse(await response.json());
 * const body: AnthropicErrorBody | undefined = parsed.success ? parsed.data : undefined;
 * console.log(body?.error.type, body?.request_id);
 * ```
 */
export type AnthropicErrorBody = z.infer<typeof anthropicErrorBodySchema>;

/** The code of each error type the Messages API sends, for errors that carry no HTTP status. */
const errorTypeCodes: Readonly<Record<string, ProviderErrorCode>> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'auth_failed',
  permission_error: 'auth_failed',
  billing_error: 'auth_failed',
  not_found_error: 'invalid_request',
  request_too_large: 'context_length_exceeded',
  rate_limit_error: 'rate_limited',
  timeout_error: 'timeout',
  api_error: 'provider_unavailable',
  overloaded_error: 'provider_unavailable',
};

// The API says a prompt does not fit only in the message of an invalid_request_error:
// "prompt is too long: 208310 tokens > 200000 maximum", or "input length and `max_tokens` exceed
// context limit" when the prompt leaves no room for the answer.
const contextLengthPattern =
  /prompt is too long|exceed(?:s|ed)? (?:the )?context (?:limit|window)/i;
// An output the API's own filter blocked: "Output blocked by content filtering policy".
const contentFilterPattern = /content filtering policy/i;

/** What {@link toAnthropicError} needs besides the error. */
export interface ToAnthropicErrorContext {
  /** The call's signal: an error after it aborted is `aborted`, whatever the SDK threw. */
  signal?: AbortSignal | undefined;
}

/**
 * Maps anything an Anthropic call threw to an `AgentryError` with a shared provider code:
 *
 * | What failed                                                      | Code                      |
 * | ---------------------------------------------------------------- | ------------------------- |
 * | the call's signal aborted                                        | `aborted`                 |
 * | the SDK's timeout passed before the response started             | `timeout`                 |
 * | no connection, or the connection broke (also in a stream)        | `network`                 |
 * | 429 `rate_limit_error` (wait from `retry-after-ms`/`retry-after`) | `rate_limited`            |
 * | 401 `authentication_error`, 403 `permission_error`               | `auth_failed`             |
 * | 400 whose message says the prompt is too long, 413               | `context_length_exceeded` |
 * | 400 "Output blocked by content filtering policy"                 | `content_filtered`        |
 * | other 4xx                                                        | `invalid_request`         |
 * | 5xx, 529 `overloaded_error`, an `error` event in a stream        | `provider_unavailable`    |
 * | a stream event that is not JSON                                  | `provider_unavailable`    |
 *
 * An `error` event inside a stream has no status; its `error.type` decides, as in the table. The
 * vendor's type goes to `details.vendorCode` and its request id to `details.requestId`. An
 * `x-should-retry: true|false` response header becomes `details.retryable`, which the router
 * obeys over the code.
 *
 * @param error - what the SDK, the network or Agentry threw
 * @param context - the call's signal
 * @example
 * ```ts
 * try {
 *   await client.messages.create(params, { signal });
 * } catch (error) {
 *   throw toAnthropicError(error, { signal });
 * }
 * ```
 * @internal
 */
export function toAnthropicError(
  error: unknown,
  context: ToAnthropicErrorContext = {},
): AgentryError {
  if (AgentryError.isInstance(error)) return error;
  if (
    error instanceof APIUserAbortError ||
    context.signal?.aborted === true ||
    isAbortError(error)
  ) {
    return createProviderError({
      provider: PROVIDER,
      code: 'aborted',
      message: 'The Anthropic call was aborted by its signal.',
      cause: error,
    });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return createProviderError({
      provider: PROVIDER,
      code: 'timeout',
      message: 'Anthropic did not start answering before the request timed out.',
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return createProviderError({
      provider: PROVIDER,
      code: 'network',
      message: `Could not reach Anthropic: ${causeMessage(error)}.`,
      cause: error,
    });
  }
  if (error instanceof APIError) return fromApiError(error as APIError);
  if (error instanceof SyntaxError) {
    return createProviderError({
      provider: PROVIDER,
      code: 'provider_unavailable',
      message: `Anthropic sent a stream event that is not valid JSON (${error.message}).`,
      cause: error,
    });
  }
  return createProviderError({
    provider: PROVIDER,
    code: 'network',
    message: `The connection to Anthropic failed: ${causeMessage(error)}.`,
    cause: error,
  });
}

function fromApiError(error: APIError): AgentryError {
  const parsed = anthropicErrorBodySchema.safeParse(error.error);
  const body = parsed.success ? parsed.data : undefined;
  const vendorType = body?.error.type ?? error.type ?? undefined;
  const vendorMessage = body?.error.message ?? error.apiMessage ?? undefined;
  const status = error.status;
  const code = codeOf(status, vendorType, vendorMessage);
  const requestId = body?.request_id ?? error.requestID ?? undefined;
  const retryable = parseShouldRetry(error.headers);
  const what =
    status === undefined
      ? `Anthropic's stream reported ${vendorType ?? 'an error'}`
      : `Anthropic answered ${String(status)}${vendorType === undefined ? '' : ` ${vendorType}`}`;
  return createProviderError({
    provider: PROVIDER,
    code,
    message: `${what}: ${vendorMessage ?? describeBody(error.error)}`,
    ...(status !== undefined ? { status } : {}),
    ...retryAfterOf(code, error.headers),
    ...(retryable !== undefined ? { retryable } : {}),
    ...(vendorType !== undefined ? { vendorCode: vendorType } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    cause: error,
  });
}

/**
 * The code of an API error: the message refines a 400 (context length, content filter), then the
 * status decides, and an error without a status (a stream's `error` event) goes by its type.
 */
function codeOf(
  status: number | undefined,
  vendorType: string | undefined,
  vendorMessage: string | undefined,
): ProviderErrorCode {
  const message = vendorMessage ?? '';
  const invalidRequest =
    vendorType === 'invalid_request_error' || vendorType === undefined || status === 400;
  if (invalidRequest && contextLengthPattern.test(message)) return 'context_length_exceeded';
  if (invalidRequest && contentFilterPattern.test(message)) return 'content_filtered';
  if (status !== undefined) return errorCodeForStatus(status);
  return (
    (vendorType !== undefined ? errorTypeCodes[vendorType] : undefined) ?? 'provider_unavailable'
  );
}

function retryAfterOf(
  code: ProviderErrorCode,
  headers: Headers | undefined,
): { retryAfterMs?: number } {
  if (code !== 'rate_limited' && code !== 'provider_unavailable') return {};
  const retryAfterMs = parseRetryAfter(headers);
  return retryAfterMs === undefined ? {} : { retryAfterMs };
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function causeMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : undefined;
  const parts = [error.message, inner?.message].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  return parts.join(': ') || error.name;
}

function describeBody(body: unknown): string {
  if (body === undefined || body === null) return 'no error body';
  try {
    return JSON.stringify(body).slice(0, 500);
  } catch {
    return 'an unreadable error body';
  }
}
