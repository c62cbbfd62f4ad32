import { AgentryError } from '../errors/agentry-error.js';

// The error codes Node and undici give a failure to reach or hear from another host: the
// connection was refused, reset, timed out or the name did not resolve. They say the dependency
// (or the way to it) is down, whoever threw them.
const networkFaultCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
// How far down a cause chain a network fault is looked for: fetch wraps it once
// (`TypeError: fetch failed`, cause `ECONNREFUSED`), an SDK or a handler once or twice more.
const maxCauseDepth = 4;

/**
 * Tells whether an error counts against a dependency's health, as {@link CircuitBreaker.execute}
 * judges it by default.
 *
 * It is true for recoverable {@link AgentryError}s (`rate_limited`, `provider_unavailable`,
 * `timeout`, `network`, …) except `limit_exceeded` and `conflict`, which come from local limits and
 * stores, and for errors that are not `AgentryError`s but say the network failed: a Node or undici
 * network code (`ECONNREFUSED`, `ECONNRESET`, `ETIMEDOUT`, `ENOTFOUND`, `UND_ERR_SOCKET`, …) on the
 * error or in its cause chain, as fetch's `TypeError: fetch failed` carries it, or a `TimeoutError`
 * (what `AbortSignal.timeout` aborts with). Errors the caller caused (`invalid_request`,
 * `context_length_exceeded`, `aborted`, …) and any other error (most likely a bug) say nothing
 * about the dependency: settle their permits with `release()` so they never trip a breaker.
 *
 * @example
 * ```ts
 * try {
 *   await call();
 *   permit.success();
 * } catch (error) {
 *   if (isDependencyFailure(error)) permit.failure();
 *   else permit.release();
 *   throw error;
 * }
 * ```
 */
export function isDependencyFailure(error: unknown): boolean {
  if (AgentryError.isInstance(error))
    return error.recoverable && error.code !== 'limit_exceeded' && error.code !== 'conflict';
  return isNetworkFault(error, maxCauseDepth);
}

function isNetworkFault(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth < 0) return false;
  const { code, name, cause } = error as { code?: unknown; name?: unknown; cause?: unknown };
  if (typeof code === 'string' && networkFaultCodes.has(code)) return true;
  if (name === 'TimeoutError') return true;
  return isNetworkFault(cause, depth - 1);
}

/**
 * The Node or undici network code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …) on an error or in its
 * cause chain, as far down as {@link isDependencyFailure} looks; `undefined` when there is none.
 *
 * @internal
 */
export function networkFaultCode(error: unknown, depth = maxCauseDepth): string | undefined {
  if (typeof error !== 'object' || error === null || depth < 0) return undefined;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && networkFaultCodes.has(code)) return code;
  return networkFaultCode(cause, depth - 1);
}
