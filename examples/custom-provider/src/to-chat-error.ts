import {
  createProviderError,
  errorCodeForStatus,
  parseRetryAfter,
  type AgentryError,
  type ProviderErrorCode,
} from '@agentry/core';

/** The provider name errors carry in `details.provider`. */
export const PROVIDER_NAME = 'openai-compatible';

/** What a compatible server said about a failure, from any of the error bodies they send. */
interface ServerError {
  message: string | undefined;
  type: string | undefined;
  code: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' ? String(value) : undefined;
}

/**
 * Reads the error bodies compatible servers send: `{ error: { message, type, code } }` (OpenAI,
 * Ollama, LM Studio, recent vLLM), `{ error: "…" }`, `{ object: "error", message, type, code }`
 * (older vLLM), or plain text.
 */
export function readServerError(body: unknown): ServerError {
  if (typeof body === 'string')
    return { message: body.trim() || undefined, type: undefined, code: undefined };
  if (!isRecord(body)) return { message: undefined, type: undefined, code: undefined };
  const inner = isRecord(body.error) ? body.error : body;
  return {
    message: stringOf(inner.message) ?? stringOf(body.error) ?? stringOf(body.detail),
    type: stringOf(inner.type),
    code: stringOf(inner.code),
  };
}

const contextLengthPattern = /context[ _]length|context window|maximum context|too many tokens/i;

/** The shared code for a server's error, from its vendor code first, then its HTTP status. */
function codeFor(status: number | undefined, error: ServerError): ProviderErrorCode {
  const vendor = `${error.code ?? ''} ${error.type ?? ''}`;
  if (/context_length/.test(vendor) || contextLengthPattern.test(error.message ?? '')) {
    return 'context_length_exceeded';
  }
  if (/content_filter|content_policy/.test(vendor)) return 'content_filtered';
  if (status !== undefined) return errorCodeForStatus(status);
  // An error event inside a stream has no status: go by its type.
  if (/rate_limit/.test(vendor)) return 'rate_limited';
  if (/authentication|invalid_api_key/.test(vendor)) return 'auth_failed';
  if (/invalid_request/.test(vendor)) return 'invalid_request';
  return 'provider_unavailable';
}

/** What {@link toChatError} maps. */
export interface ChatErrorInput {
  /** How the server is named in the message. */
  serverName: string;
  /** The HTTP status, or `undefined` for an error event inside a stream. */
  status?: number;
  /** The response headers, for `retry-after` and the request id. */
  headers?: Headers;
  /** The error body: parsed JSON, or the text when it was not JSON. */
  body: unknown;
}

/**
 * Maps a compatible server's error (an HTTP error response, or an error event inside a stream) to
 * an `AgentryError` with the shared provider codes: `context_length_exceeded` and
 * `content_filtered` from the server's error code, else by HTTP status (`rate_limited` with
 * `details.retryAfterMs` from `retry-after`, `auth_failed`, `invalid_request`,
 * `provider_unavailable`, …), and for an in-stream event by its type.
 *
 * @example
 * ```ts
 * throw toChatError({ serverName: 'Ollama', status: 429, headers: response.headers, body });
 * ```
 */
export function toChatError(input: ChatErrorInput): AgentryError {
  const error = readServerError(input.body);
  const code = codeFor(input.status, error);
  const said = error.message ?? 'no message';
  const message =
    input.status === undefined
      ? `${input.serverName} failed mid-stream (${code}): ${said}`
      : `${input.serverName} answered HTTP ${input.status} (${code}): ${said}`;
  return createProviderError({
    provider: PROVIDER_NAME,
    code,
    message,
    status: input.status,
    retryAfterMs: parseRetryAfter(input.headers),
    vendorCode: error.code ?? error.type,
    requestId: input.headers?.get('x-request-id') ?? undefined,
  });
}
