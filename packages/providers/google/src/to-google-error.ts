import { ApiError } from '@google/genai';
import {
  AgentryError,
  createProviderError,
  errorCodeForStatus,
  parseRetryAfter,
  parseShouldRetry,
  type ProviderErrorCode,
} from '@agentry/core';
import { z } from 'zod';

const PROVIDER = 'google';

/**
 * The body of an error from the Gemini API, as an HTTP error response and as the data of an
 * error event in a stream: `{ error: { code, message, status, details } }`, where `code` is the
 * HTTP status, `status` the canonical status (`RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`, …) and
 * `details` typed objects such as `google.rpc.RetryInfo` and `google.rpc.ErrorInfo`. Unknown
 * fields are kept.
 *
 * @example
 * ```ts
 * import { googleErrorBodySchema } from '@agentry/google';
 *
 * googleErrorBodySchema.parse({
 *   error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
 * });
 * ```
 */
export const googleErrorBodySchema = z.looseObject({
  /** What went wrong. */
  error: z.looseObject({
    /** The HTTP status. */
    code: z.number().optional(),
    /** What happened, in the API's words; the wording may change. */
    message: z.string().optional(),
    /** The canonical status: `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, `UNAVAILABLE`, … */
    status: z.string().optional(),
    /** Typed details, each naming its type in `@type`. */
    details: z
      .array(
        z.looseObject({
          /** The detail's type, such as `type.googleapis.com/google.rpc.RetryInfo`. */
          '@type': z.string().optional(),
          /** `RetryInfo`: how long to wait, as a duration such as `34.4s`. */
          retryDelay: z.string().optional(),
          /** `ErrorInfo`: the machine-readable reason, such as `API_KEY_INVALID`. */
          reason: z.string().optional(),
        }),
      )
      .optional(),
  }),
});

/**
 * The body of an error from the Gemini API.
 *
 * @example
 * ```ts
 * import { googleErrorBodySchema, type GoogleErrorBody } from '@agentry/google';
 *
 * // Read the error a proxy in front of the Gemini API passed through.
 * declare const response: Response;
 * const parsed = googleErrorBodySchema.safeParse(await response.json());
 * const body: GoogleErrorBody | undefined = parsed.success ? parsed.data : undefined;
 * console.log(body?.error.status, body?.error.message);
 * ```
 */
export type GoogleErrorBody = z.infer<typeof googleErrorBodySchema>;

// A prompt longer than the model's context window is a 400 INVALID_ARGUMENT whose message alone
// says so: "The input token count (1048577) exceeds the maximum number of tokens allowed
// (1048576)."
const contextLengthPattern =
  /input token count|exceeds the maximum number of tokens|too many (?:input )?tokens|context (?:length|window)/i;
// A bad key is a 400 INVALID_ARGUMENT on the Gemini API, not a 401.
const badKeyPattern = /API key not valid|API_KEY_INVALID/i;
/** `ErrorInfo` reasons that mean a key or token is not accepted. */
const authReasons = new Set([
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_SERVICE_BLOCKED',
  'ACCESS_TOKEN_EXPIRED',
  'ACCESS_TOKEN_TYPE_UNSUPPORTED',
  'CREDENTIALS_MISSING',
]);
/** `ErrorInfo` reasons (and block reasons) that mean a safety or policy filter blocked the request. */
const safetyReasons = new Set([
  'SAFETY',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'RECITATION',
]);
/** Connection failures that mean a timeout rather than a broken connection. */
const timeoutCauses = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** What {@link toGoogleError} needs besides the error. */
export interface ToGoogleErrorContext {
  /** The caller's signal: an error after it aborted is `aborted`, whatever the SDK threw. */
  signal?: AbortSignal | undefined;
  /** The call's own timeout, when it fired: the error is then `timeout`. */
  timeout?: number | undefined;
  /** The headers of the call's HTTP response, for `retry-after`. */
  headers?: Headers | undefined;
}

/**
 * Maps anything a Gemini call threw to an `AgentryError` with a shared provider code:
 *
 * | What failed                                                             | Code                      |
 * | ----------------------------------------------------------------------- | ------------------------- |
 * | the call's signal aborted                                               | `aborted`                 |
 * | the call's timeout passed, or a connect/header/body timeout             | `timeout`                 |
 * | no connection, or the connection broke (also in a stream)               | `network`                 |
 * | 429 `RESOURCE_EXHAUSTED` (wait from `retry-after`, else `RetryInfo`)     | `rate_limited`            |
 * | 401 `UNAUTHENTICATED`, 403 `PERMISSION_DENIED`, 400 `API_KEY_INVALID`   | `auth_failed`             |
 * | 400 whose message says the prompt has too many tokens, 413              | `context_length_exceeded` |
 * | an `ErrorInfo` whose reason is a safety block (`SAFETY`, `BLOCKLIST`, …) | `content_filtered`        |
 * | other 4xx                                                               | `invalid_request`         |
 * | 5xx (`INTERNAL`, `UNAVAILABLE`, `DEADLINE_EXCEEDED`), an error event     | `provider_unavailable`    |
 * | a stream event that is not JSON                                         | `provider_unavailable`    |
 *
 * `@google/genai` throws an `ApiError` whose message is the error body as JSON; the body is read
 * with {@link googleErrorBodySchema}. The `ErrorInfo` reason (else the canonical status) goes to
 * `details.vendorCode`. An `x-should-retry: true|false` response header (which Gemini does not
 * send today, but a gateway in front of it may) becomes `details.retryable`, which the router
 * obeys over the code.
 *
 * @param error - what the SDK, the network or Agentry threw
 * @param context - the call's signal, timeout and response headers
 * @example
 * ```ts
 * try {
 *   await client.models.generateContent(params);
 * } catch (error) {
 *   throw toGoogleError(error, { signal });
 * }
 * ```
 * @internal
 */
export function toGoogleError(error: unknown, context: ToGoogleErrorContext = {}): AgentryError {
  if (context.signal?.aborted === true) {
    return createProviderError({
      provider: PROVIDER,
      code: 'aborted',
      message: 'The Gemini call was aborted by its signal.',
      cause: error,
    });
  }
  if (context.timeout !== undefined) {
    return createProviderError({
      provider: PROVIDER,
      code: 'timeout',
      message: `Gemini sent nothing for ${String(context.timeout)} ms, the call's timeout.`,
      cause: error,
    });
  }
  if (AgentryError.isInstance(error)) return error;
  if (error instanceof ApiError) return fromApiError(error, context.headers);
  if (error instanceof SyntaxError) {
    return createProviderError({
      provider: PROVIDER,
      code: 'provider_unavailable',
      message: `Gemini sent a response or stream event that is not valid JSON (${error.message}).`,
      cause: error,
    });
  }
  const causeCode = causeCodeOf(error);
  if (causeCode !== undefined && timeoutCauses.has(causeCode)) {
    return createProviderError({
      provider: PROVIDER,
      code: 'timeout',
      message: `The connection to Gemini timed out (${causeCode}).`,
      cause: error,
    });
  }
  return createProviderError({
    provider: PROVIDER,
    code: 'network',
    message: `The connection to Gemini failed: ${causeMessage(error)}.`,
    cause: error,
  });
}

/**
 * The error for a prompt the API refused to answer: `promptFeedback.blockReason` with no
 * candidates.
 *
 * @internal
 */
export function createPromptBlockedError(blockReason: string, message?: string): AgentryError {
  const code: ProviderErrorCode = 'content_filtered';
  return createProviderError({
    provider: PROVIDER,
    code,
    message: `Gemini blocked the prompt (${blockReason})${message ? `: ${message}` : ''}.`,
    vendorCode: blockReason,
  });
}

function fromApiError(error: ApiError, headers: Headers | undefined): AgentryError {
  const body = readBody(error.message);
  const status = body?.error.code ?? error.status;
  const vendorStatus = body?.error.status;
  const reason = body?.error.details?.find((detail) => detail.reason !== undefined)?.reason;
  const vendorMessage = body?.error.message ?? error.message;
  const code = codeOf(status, vendorStatus, reason, vendorMessage);
  const label = [String(status), vendorStatus].filter((part) => part !== undefined).join(' ');
  const vendorCode = reason ?? vendorStatus;
  const retryable = parseShouldRetry(headers);
  return createProviderError({
    provider: PROVIDER,
    code,
    message: `Gemini answered ${label}: ${vendorMessage}`,
    status,
    ...retryAfterOf(code, headers, body),
    ...(retryable !== undefined ? { retryable } : {}),
    ...(vendorCode !== undefined ? { vendorCode } : {}),
    cause: error,
  });
}

/** The error body in an `ApiError`'s message: the whole message, or the JSON after a prefix. */
function readBody(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start === -1) return undefined;
  try {
    const parsed = googleErrorBodySchema.safeParse(JSON.parse(message.slice(start)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(
  status: number,
  vendorStatus: string | undefined,
  reason: string | undefined,
  message: string,
): ProviderErrorCode {
  if (reason !== undefined && safetyReasons.has(reason)) return 'content_filtered';
  if (reason !== undefined && authReasons.has(reason)) return 'auth_failed';
  if (status === 400 || vendorStatus === 'INVALID_ARGUMENT') {
    if (badKeyPattern.test(message)) return 'auth_failed';
    if (contextLengthPattern.test(message)) return 'context_length_exceeded';
  }
  return errorCodeForStatus(status);
}

function retryAfterOf(
  code: ProviderErrorCode,
  headers: Headers | undefined,
  body: GoogleErrorBody | undefined,
): { retryAfterMs?: number } {
  if (code !== 'rate_limited' && code !== 'provider_unavailable') return {};
  const fromHeaders = parseRetryAfter(headers);
  if (fromHeaders !== undefined) return { retryAfterMs: fromHeaders };
  const delay = body?.error.details?.find((detail) => detail.retryDelay !== undefined)?.retryDelay;
  const fromBody = delay === undefined ? undefined : parseDuration(delay);
  return fromBody === undefined ? {} : { retryAfterMs: fromBody };
}

/** A protobuf `Duration` in JSON (`"34.4s"`, `"12s"`, `"0.5s"`) in milliseconds. */
function parseDuration(duration: string): number | undefined {
  const found = /^(\d+(?:\.\d+)?)s$/.exec(duration.trim());
  return found?.[1] === undefined ? undefined : Math.ceil(Number(found[1]) * 1000);
}

function causeCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
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
