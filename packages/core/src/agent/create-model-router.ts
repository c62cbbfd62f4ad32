import { AgentryError, toAgentryError } from '../errors/index.js';
import type { LanguageModel } from '../model/index.js';
import {
  createCircuitBreaker,
  isDependencyFailure,
  retry,
  systemClock,
  type CircuitBreaker,
  type CircuitBreakerConfig,
  type Clock,
  type RetryPolicyWithBackoff,
} from '../resilience/index.js';
import type { ModelRouter } from './model-router-types.js';

/** The retry policy of a router that names none: 3 attempts per model, exponential from 500 ms to 10 s, with jitter. */
export const defaultModelRetryPolicy: Readonly<RetryPolicyWithBackoff> = Object.freeze({
  maxAttempts: 3,
  baseDelay: 500,
  maxDelay: 10_000,
  jitter: true,
  strategy: 'exponential',
});

/** The breaker settings of a registry that names none: open after 5 failures, probe once after 30 s. */
export const defaultCircuitBreakerConfig: Readonly<CircuitBreakerConfig> = Object.freeze({
  failureThreshold: 5,
  recoveryTimeout: 30_000,
  halfOpenMaxCalls: 1,
});

/** One circuit breaker per `provider:model`, shared by every agent that uses the registry. */
export interface CircuitBreakerRegistry {
  /** The breaker of a model, created on first use. */
  get(model: LanguageModel): CircuitBreaker;
  /** Every breaker created so far, by `provider:model`. */
  entries(): [string, CircuitBreaker][];
}

/**
 * Creates a registry of circuit breakers, one per `provider:model`.
 *
 * @example
 * ```ts
 * const breakers = createCircuitBreakerRegistry({ failureThreshold: 3, recoveryTimeout: 10_000, halfOpenMaxCalls: 1 });
 * ```
 */
export function createCircuitBreakerRegistry(
  config: CircuitBreakerConfig = defaultCircuitBreakerConfig,
  options: { clock?: Clock; onStateChange?(model: string, from: string, to: string): void } = {},
): CircuitBreakerRegistry {
  const breakers = new Map<string, CircuitBreaker>();
  return {
    get(model) {
      const key = `${model.provider}:${model.modelId}`;
      let breaker = breakers.get(key);
      if (!breaker) {
        breaker = createCircuitBreaker(config, {
          clock: options.clock ?? systemClock,
          name: key,
          ...(options.onStateChange
            ? { onStateChange: (from, to) => options.onStateChange?.(key, from, to) }
            : {}),
        });
        breakers.set(key, breaker);
      }
      return breaker;
    },
    entries: () => [...breakers.entries()],
  };
}

/** How {@link createModelRouter} routes. */
export interface ModelRouterOptions {
  /** The primary model first, then the fallback chain in order. */
  models: readonly LanguageModel[];
  /** Attempts per model and backoff (see {@link defaultModelRetryPolicy}). */
  retry?: RetryPolicyWithBackoff;
  /** Circuit breakers; without a registry no breaker guards the models. */
  breakers?: CircuitBreakerRegistry;
  /** The clock for backoff waits. */
  clock?: Clock;
  /** The source of jitter. */
  random?: () => number;
}

/** The router's own refusal for an open breaker: the model is skipped, not reported as failing. */
const isCircuitRefusal = (error: unknown): boolean =>
  AgentryError.isInstance(error) && error.details.skipped === 'circuit-open';

/**
 * Creates a router over a primary model and its fallbacks. Each model gets up to
 * `retry.maxAttempts` attempts with backoff (honouring the provider's `retryAfterMs`); a
 * recoverable failure that persists moves to the next model; a failure that is not recoverable
 * (invalid request, content filter, auth, abort) is surfaced at once, never retried or failed
 * over. A model whose breaker is open is skipped; only provider faults (`isDependencyFailure`)
 * count against a breaker.
 *
 * @throws AgentryError `validation_failed` when no model is given
 * @example
 * ```ts
 * const router = createModelRouter({ models: [primary, backup], breakers: createCircuitBreakerRegistry() });
 * const agent = createAgent({ model: router });
 * ```
 */
export function createModelRouter(options: ModelRouterOptions): ModelRouter {
  if (options.models.length === 0)
    throw new AgentryError({
      code: 'validation_failed',
      message: 'A model router needs at least one model.',
      suggestions: ['Pass the primary model in models.'],
    });
  // A frozen copy: retry() checks a frozen policy once, not on every call.
  const policy = Object.freeze({ ...(options.retry ?? defaultModelRetryPolicy) });
  const clock = options.clock ?? systemClock;
  return {
    models: options.models,
    async run(attempt, { signal, onFailure }) {
      let lastError: AgentryError | undefined;
      for (const [index, model] of options.models.entries()) {
        const breaker = options.breakers?.get(model);
        const hasNext = index < options.models.length - 1;
        let attempts = 0;
        try {
          return await retry(
            async (number, attemptSignal) => {
              attempts = number;
              const permit = breaker?.tryAcquire();
              if (breaker && !permit)
                throw new AgentryError({
                  code: 'provider_unavailable',
                  message: `The circuit breaker of ${model.provider}:${model.modelId} is open; the model was skipped.`,
                  details: {
                    model: `${model.provider}:${model.modelId}`,
                    circuit: 'open',
                    skipped: 'circuit-open',
                  },
                });
              try {
                const value = await attempt(model, { attempt: number, signal: attemptSignal });
                permit?.success();
                return value;
              } catch (error) {
                const failure = toAgentryError(error);
                if (isDependencyFailure(failure)) permit?.failure();
                else permit?.release();
                throw failure;
              }
            },
            {
              policy,
              clock,
              signal,
              ...(options.random ? { random: options.random } : {}),
              shouldRetry: (error) =>
                AgentryError.isInstance(error) && error.recoverable && !isCircuitRefusal(error),
              onRetry: (info) =>
                onFailure?.({
                  model,
                  attempt: info.attempt,
                  error: toAgentryError(info.error),
                  willRetry: true,
                }),
            },
          );
        } catch (error) {
          const failure = toAgentryError(error);
          if (isCircuitRefusal(failure)) {
            lastError ??= failure;
            continue;
          }
          const recoverable = failure.recoverable && failure.code !== 'aborted';
          onFailure?.({
            model,
            attempt: attempts,
            error: failure,
            willRetry: recoverable && hasNext,
          });
          if (!recoverable) throw failure;
          lastError = failure;
        }
      }
      throw (
        lastError ??
        new AgentryError({ code: 'provider_unavailable', message: 'No model could be tried.' })
      );
    },
  };
}
