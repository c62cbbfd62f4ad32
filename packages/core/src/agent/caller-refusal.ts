import { toAgentryError, type AgentryError } from '../errors/index.js';

// Errors a model middleware threw before the call reached the model: the caller's own refusal (a
// rate limit, a denied permission), which the router surfaces at once: never retried, never
// failed over to the next model, never counted against a model's breaker.
const refusals = new WeakSet<object>();

/** @internal Marks `error` as the caller's refusal of a model call and returns it. */
export function markCallerRefusal(error: unknown): AgentryError {
  const refusal = toAgentryError(error);
  refusals.add(refusal);
  return refusal;
}

/** @internal Whether `error` is a caller's refusal (see {@link markCallerRefusal}). */
export function isCallerRefusal(error: unknown): error is AgentryError {
  return typeof error === 'object' && error !== null && refusals.has(error);
}
