import {
  AgentryError,
  createProviderError,
  errorCodeForStatus,
  parseRetryAfter,
  parseShouldRetry,
  type ProviderErrorCode,
} from '@agentry/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';

/**
 * The `error` object of an OpenAI error body (`{ "error": { message, type, param, code } }`), as
 * Chat Completions and the Responses API send it on an HTTP error and in an in-stream error event.
 * OpenAI-compatible servers fill it in loosely, so every field may be missing.
 *
 * @example
 * ```ts
 * openaiErrorBodySchema.parse({
 *   message: 'Rate limit reached for gpt-5.4 on requests per min (RPM): Limit 500.',
 *   type: 'requests',
 *   param: null,
 *   code: 'rate_limit_exceeded',
 * });
 * ```
 */
export const openaiErrorBodySchema = z.object({
  /** What went wrong, for people. */
  message: z.string().nullish(),
  /** The error's kind: `invalid_request_error`, `server_error`, `insufficient_quota`, `requests`, `tokens`, … */
  type: z.string().nullish(),
  /** The request field at fault (`messages`, `input`, `prompt`), when there is one. */
  param: z.string().nullish(),
  /** The specific error: `context_length_exceeded`, `rate_limit_exceeded`, `invalid_api_key`, … */
  code: z.union([z.string(), z.number()]).nullish(),
});

/**
 * The `error` object of an OpenAI error body.
 *
 * @example
 * ```ts
 * import { openaiErrorBodySchema, type OpenAIErrorBody } from '@agentry/openai';
 *
 * // Read the `error` object of a failed response from an OpenAI-compatible server.
 * declare const response: Response;
 * const json = (await response.json()) as { error?: unknown };
 * const parsed = openaiErrorBodySchema.safeParse(json.error);
 * const body: OpenAIErrorBody | undefined = parsed.success ? parsed.data : undefined;
 * console.log(body?.code, body?.message);
 * ```
 */
export type OpenAIErrorBody = z.infer<typeof openaiErrorBodySchema>;

/**
 * What a failed call was, for the error's message.
 *
 * @internal
 */
export interface OpenAIErrorContext {
  /** The model called. */
  readonly modelId: string;
  /** The call's signal: once it has aborted, every failure is `aborted`. */
  readonly signal?: AbortSignal | undefined;
  /** The request timeout given to the SDK, in milliseconds. */
  readonly timeout?: number | undefined;
}

/** Facts about the response an error body came in. */
interface ResponseFacts {
  status?: number | undefined;
  headers?: Headers | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

const contentFilterCodes = new Set([
  'content_filter',
  'content_policy_violation',
  'image_content_policy_violation',
  'bio_policy',
]);
const contextLengthPattern =
  /maximum context length|context_length_exceeded|exceeds? the context window/i;
const policyPattern = /polic|flagged|safety|filter/i;

function codeFor(status: number | undefined, body: OpenAIErrorBody): ProviderErrorCode {
  const code = body.code === null || body.code === undefined ? '' : String(body.code);
  const type = body.type ?? '';
  const message = body.message ?? '';
  if (code === 'context_length_exceeded' || contextLengthPattern.test(message)) {
    return 'context_length_exceeded';
  }
  if (contentFilterCodes.has(code) || (code === 'invalid_prompt' && policyPattern.test(message))) {
    return 'content_filtered';
  }
  if (
    code === 'rate_limit_exceeded' ||
    code === 'insufficient_quota' ||
    ['insufficient_quota', 'requests', 'tokens'].includes(type)
  ) {
    return 'rate_limited';
  }
  if (code === 'invalid_api_key') return 'auth_failed';
  if (status !== undefined) return errorCodeForStatus(status);
  // An error event inside a stream has no status of its own.
  return type === 'invalid_request_error' ? 'invalid_request' : 'provider_unavailable';
}

/**
 * Builds the `AgentryError` for an OpenAI error body, from an HTTP error or an error event inside
 * a stream. `insufficient_quota` (no credit left) is `rate_limited` but not recoverable: retrying
 * cannot succeed until someone adds credit.
 *
 * @internal
 */
export function fromOpenAIErrorBody(
  body: OpenAIErrorBody,
  context: OpenAIErrorContext,
  facts: ResponseFacts = {},
): AgentryError {
  const code = codeFor(facts.status, body);
  const vendorCode = body.code ?? body.type ?? undefined;
  const where = facts.status === undefined ? 'during the stream' : `with HTTP ${facts.status}`;
  const error = createProviderError({
    provider: 'openai',
    code,
    message: `OpenAI failed ${where} for model ${context.modelId}: ${body.message ?? 'no message given'}`,
    ...(facts.status === undefined ? {} : { status: facts.status }),
    ...optional('retryAfterMs', parseRetryAfter(facts.headers)),
    ...optional('retryable', parseShouldRetry(facts.headers)),
    ...optional('vendorCode', vendorCode === undefined ? undefined : String(vendorCode)),
    ...optional('requestId', facts.requestId ?? facts.headers?.get('x-request-id') ?? undefined),
    cause: facts.cause,
  });
  if (vendorCode !== 'insufficient_quota') return error;
  // The redacted copy of the cause, never facts.cause itself, which may hold the key.
  return new AgentryError({ ...error.toJSON(), recoverable: false, cause: error.cause });
}

function optional<TKey extends string, TValue>(
  key: TKey,
  value: TValue | undefined,
): Partial<Record<TKey, TValue>> {
  return value === undefined ? {} : ({ [key]: value } as Record<TKey, TValue>);
}

function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('UND_ERR') || code.startsWith('E'))) return true;
  if (error.name === 'TypeError' && /terminated|fetch failed|socket/i.test(error.message)) {
    return true;
  }
  return error.cause !== undefined && isConnectionFailure(error.cause);
}

/**
 * Maps anything a call through the `openai` SDK throws to an `AgentryError`:
 *
 * | Thrown                                              | Code                                   |
 * | --------------------------------------------------- | -------------------------------------- |
 * | anything, once the call's signal has aborted        | `aborted`                              |
 * | `APIError` with an error body                       | from the body and status (see below)   |
 * | `APIConnectionTimeoutError`                         | `timeout`                              |
 * | `APIConnectionError`, a reset or cut connection     | `network`                              |
 * | `SyntaxError` (an event that is not JSON)           | `provider_unavailable`                 |
 *
 * Error bodies: `context_length_exceeded` (or a message naming the maximum context length, as
 * OpenAI-compatible servers word it) is `context_length_exceeded`; `content_filter`,
 * `content_policy_violation` and policy-flagged `invalid_prompt` are `content_filtered`;
 * `rate_limit_exceeded` and `insufficient_quota` are `rate_limited` (with `retryAfterMs` from
 * `retry-after-ms` or `retry-after`); otherwise the HTTP status decides (401 and 403 `auth_failed`,
 * 5xx `provider_unavailable`, …). An `x-should-retry: true|false` response header becomes
 * `details.retryable`, which the router obeys over the code. A malformed event means the server or a proxy sent a broken
 * answer, not that the connection failed, so it is `provider_unavailable`; both are retried.
 *
 * @internal
 */
export function toOpenAIError(error: unknown, context: OpenAIErrorContext): AgentryError {
  if (context.signal?.aborted === true || error instanceof APIUserAbortError) {
    return createProviderError({
      provider: 'openai',
      code: 'aborted',
      message: `The OpenAI call to model ${context.modelId} was aborted.`,
      cause: error,
    });
  }
  if (AgentryError.isInstance(error)) return error;
  if (error instanceof APIConnectionTimeoutError) {
    const limit = context.timeout === undefined ? '' : ` within ${context.timeout} ms`;
    return createProviderError({
      provider: 'openai',
      code: 'timeout',
      message: `OpenAI did not answer${limit} for model ${context.modelId}.`,
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return createProviderError({
      provider: 'openai',
      code: 'network',
      message: `Cannot reach OpenAI for model ${context.modelId}: ${describeCause(error)}`,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const parsed = openaiErrorBodySchema.safeParse(error.error);
    const body: OpenAIErrorBody = parsed.success
      ? { ...parsed.data, message: parsed.data.message ?? error.message }
      : { message: error.message };
    return fromOpenAIErrorBody(body, context, {
      status: error.status as number | undefined,
      headers: error.headers as Headers | undefined,
      requestId: error.requestID ?? undefined,
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return createProviderError({
      provider: 'openai',
      code: 'provider_unavailable',
      message: `OpenAI sent a stream event that is not valid JSON for model ${context.modelId} (${error.message}).`,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return createProviderError({
    provider: 'openai',
    code: 'network',
    message: isConnectionFailure(error)
      ? `The connection to OpenAI broke for model ${context.modelId}: ${describeCause(error)}`
      : `The OpenAI call to model ${context.modelId} failed: ${message}`,
    cause: error,
  });
}

function describeCause(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && messages.length < 4) {
    if (current.message !== '' && !messages.includes(current.message))
      messages.push(current.message);
    current = current.cause;
  }
  return messages.join(': ') || 'unknown error';
}
