import { AgentryError } from '../errors/agentry-error.js';
import { networkFaultCode } from '../resilience/is-dependency-failure.js';
import { createProviderError } from './create-provider-error.js';
import { sanitizeUrlsInText } from './sanitize-url.js';

/**
 * What {@link toConnectionError} needs to know about the call.
 *
 * @example
 * ```ts
 * const options: ToConnectionErrorOptions = { provider: 'acme', server: 'Acme (eu-west)', signal };
 * ```
 */
export interface ToConnectionErrorOptions {
  /** The provider's name, stored as `details.provider` (as in {@link createProviderError}). */
  provider: string;
  /** How the message names the other end, such as `Ollama at localhost:11434`; default `provider`. */
  server?: string;
  /** The call's signal: when it has aborted, the failure is `aborted`, whatever was thrown. */
  signal?: AbortSignal | undefined;
}

const timeoutCodes = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const hints: Readonly<Record<string, string>> = {
  ECONNREFUSED: ' Is the server running and listening there?',
  ENOTFOUND: ' Check the host name of the endpoint.',
  EAI_AGAIN: ' Check the host name of the endpoint and the DNS resolver.',
};

/**
 * Maps a failure to reach a provider's server or to read its answer (what `fetch` throws, or what
 * reading a response body throws) to the shared provider code, through
 * {@link createProviderError} (credentials masked, a redacted copy of the error kept as `cause`):
 *
 * - an {@link AgentryError} is returned as it is (it was mapped already);
 * - `aborted` when the call's `signal` has aborted, checked first, so that an abort is never
 *   reported as a network failure (an aborted `fetch` rejects with an `AbortError`, and a body
 *   read after an abort fails with whatever the stream says);
 * - `timeout` for a `TimeoutError` (a fetch given `AbortSignal.timeout(…)`) or a connect, header
 *   or body timeout of Node or undici (`ETIMEDOUT`, `UND_ERR_HEADERS_TIMEOUT`, …);
 * - `network` otherwise, naming the system error found on the error or its causes (`fetch failed`
 *   hides `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND` … in `cause`), with a hint for a refused
 *   connection or an unknown host.
 *
 * URLs in the thrown message lose their user info and secret-looking query parameters
 * (`sanitizeUrlsInText`).
 *
 * @param error - what was thrown
 * @param options - the provider's name, how to name the server, and the call's signal
 * @returns an `AgentryError` of code `aborted`, `timeout` or `network` (or `error` itself)
 * @example
 * ```ts
 * let response: Response;
 * try {
 *   response = await fetch(url, { method: 'POST', body, signal });
 * } catch (error) {
 *   throw toConnectionError(error, { provider: 'acme', server: 'Acme', signal });
 * }
 * ```
 */
export function toConnectionError(error: unknown, options: ToConnectionErrorOptions): AgentryError {
  if (AgentryError.isInstance(error)) return error;
  const server = options.server ?? options.provider;
  const { provider } = options;
  if (options.signal?.aborted === true) {
    return createProviderError({
      provider,
      code: 'aborted',
      message: `The call to ${server} was aborted.`,
      cause: error,
    });
  }
  const system = networkFaultCode(error);
  const reason = sanitizeUrlsInText(error instanceof Error ? error.message : String(error));
  if (isTimeoutError(error) || (system !== undefined && timeoutCodes.has(system))) {
    return createProviderError({
      provider,
      code: 'timeout',
      message: `The connection to ${server} timed out (${system ?? reason}).`,
      cause: error,
    });
  }
  return createProviderError({
    provider,
    code: 'network',
    message: `The connection to ${server} failed (${system ?? reason}).${system === undefined ? '' : (hints[system] ?? '')}`,
    cause: error,
  });
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}
