import { AgentryError } from '../errors/agentry-error.js';

/**
 * Tells whether an error counts against a dependency's health, as {@link CircuitBreaker.execute}
 * judges it by default.
 *
 * It is true for recoverable {@link AgentryError}s (`rate_limited`, `provider_unavailable`,
 * `timeout`, `network`, …) except `limit_exceeded` and `conflict`, which come from local limits and
 * stores. Errors the caller caused (`invalid_request`, `context_length_exceeded`, `aborted`, …) and
 * errors that are not `AgentryError`s (most likely bugs) say nothing about the dependency: settle
 * their permits with `release()` so they never trip a breaker. This is the one rule for what trips
 * a breaker: {@link settleCircuitPermit} applies it for the model router, the workflow runner and
 * your own code, and {@link CircuitBreaker.execute} uses it by default.
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
  return (
    AgentryError.isInstance(error) &&
    error.recoverable &&
    error.code !== 'limit_exceeded' &&
    error.code !== 'conflict'
  );
}
