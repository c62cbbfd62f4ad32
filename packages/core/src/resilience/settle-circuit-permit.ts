import type { CircuitPermit } from './circuit-breaker.js';
import { isDependencyFailure } from './is-dependency-failure.js';

/**
 * Settles the permit of a call that failed, by the one rule for what trips a breaker: a failure
 * that is the dependency's fault ({@link isDependencyFailure}) counts against it, anything else
 * (an invalid request, a filtered answer, a failed validation, an abort, a local limit, a bug)
 * gives the permit back without an outcome. The model router, the workflow runner and
 * {@link CircuitBreaker.execute} all judge failures this way; call it wherever you settle a permit
 * yourself, so your breakers follow the same rule.
 *
 * @param permit - the permit of the call; `undefined` (no breaker) does nothing
 * @param error - what the call threw
 * @returns whether the failure counted against the breaker
 * @example
 * ```ts
 * const permit = breaker.tryAcquire();
 * if (permit === undefined) return fallback();
 * try {
 *   const reply = await model.generate(request);
 *   permit.success();
 *   return reply;
 * } catch (error) {
 *   settleCircuitPermit(permit, error);
 *   throw error;
 * }
 * ```
 */
export function settleCircuitPermit(permit: CircuitPermit | undefined, error: unknown): boolean {
  const counts = isDependencyFailure(error);
  if (counts) permit?.failure();
  else permit?.release();
  return counts;
}
