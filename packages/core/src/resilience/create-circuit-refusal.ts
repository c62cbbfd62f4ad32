import { AgentryError } from '../errors/agentry-error.js';

/**
 * Builds the `provider_unavailable` error a circuit breaker refuses a call with. `retryInMs` is
 * given when the breaker is open, and left out when it is half-open with every probe slot taken.
 *
 * @internal
 */
export function createCircuitRefusal(
  name: string,
  retryInMs: number | undefined,
  halfOpenMaxCalls: number,
): AgentryError {
  const suggestions = [
    'Wait for the dependency to recover, or fall back to another provider or model.',
  ];
  if (retryInMs !== undefined) {
    return new AgentryError({
      code: 'provider_unavailable',
      recoverable: true,
      message: `The circuit breaker "${name}" is open after repeated failures; calls are refused for another ${retryInMs} ms.`,
      details: { circuit: 'open', breaker: name, retryInMs },
      suggestions,
    });
  }
  return new AgentryError({
    code: 'provider_unavailable',
    recoverable: true,
    message: `The circuit breaker "${name}" is testing recovery with ${halfOpenMaxCalls} probe call(s); calls are refused until they finish.`,
    details: { circuit: 'half-open', breaker: name },
    suggestions,
  });
}
