import { isCallerRefusal } from './caller-refusal.js';
import { AgentryError, toAgentryError } from '../errors/index.js';
import type { LanguageModel } from '../model/index.js';
import { checkDelay } from '../resilience/check-delay.js';
import {
  abortedAfter,
  checkRetryPolicy,
  inlineWaitLimit,
  isRetryableError,
  notWaited,
  retryDelay,
  withAttempts,
} from '../resilience/retry.js';
import {
  createCircuitBreaker,
  settleCircuitPermit,
  sleep,
  systemClock,
  type AbortSource,
  type CircuitBreaker,
  type CircuitBreakerConfig,
  type Clock,
  type RetryPolicyWithBackoff,
} from '../resilience/index.js';
import type { ModelRouter, RouterAttempt } from './model-router-types.js';

/** The retry policy of a router that names none: 3 attempts per model, exponential from 500 ms to 10 s, with jitter. */
export const defaultModelRetryPolicy: Readonly<RetryPolicyWithBackoff> = Object.freeze({
  maxAttempts: 3,
  baseDelay: 500,
  maxDelay: 10_000,
  jitter: true,
  strategy: 'exponential',
});

/**
 * The longest provider's retry-after a router sleeps before retrying a model when its options
 * name none: 30 seconds. A longer one (a `retry-after` of an hour, say) moves to the next model
 * instead, or fails with `details.retryAfterMs` when no model remains.
 */
export const defaultMaxInlineWait = 30_000;

/** The breaker settings of a registry that names none: open after 5 failures, probe once after 30 s. */
export const defaultCircuitBreakerConfig: Readonly<CircuitBreakerConfig> = Object.freeze({
  failureThreshold: 5,
  recoveryTimeout: 30_000,
  halfOpenMaxCalls: 1,
});

/**
 * One circuit breaker per `provider:model`, shared by every agent that uses the registry.
 *
 * @example
 * ```ts
 * import { createCircuitBreakerRegistry, type CircuitBreakerRegistry } from '@agentry/core';
 *
 * // One registry shared by every router, so a failing model is skipped by all agents at once.
 * const breakers: CircuitBreakerRegistry = createCircuitBreakerRegistry(undefined, {
 *   onStateChange: (model, from, to) => console.warn(`${model}: breaker ${from} → ${to}`),
 * });
 * for (const [model, breaker] of breakers.entries()) console.log(model, breaker.state);
 * ```
 */
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

/**
 * How {@link createModelRouter} routes.
 *
 * @example
 * ```ts
 * import { createCircuitBreakerRegistry, createModelRouter, type LanguageModel, type ModelRouterOptions } from '@agentry/core';
 *
 * declare const primary: LanguageModel;
 * declare const fallback: LanguageModel;
 * const options: ModelRouterOptions = {
 *   models: [primary, fallback],
 *   retry: { maxAttempts: 2, baseDelay: 250, maxDelay: 2_000, jitter: true, strategy: 'exponential' },
 *   breakers: createCircuitBreakerRegistry({ failureThreshold: 3, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 }),
 *   maxInlineWait: 5_000, // a longer retry-after moves on to the fallback
 * };
 * const router = createModelRouter(options);
 * ```
 */
export interface ModelRouterOptions {
  /** The primary model first, then the fallback chain in order. */
  models: readonly LanguageModel[];
  /** Attempts per model and backoff (see {@link defaultModelRetryPolicy}). */
  retry?: RetryPolicyWithBackoff;
  /** Circuit breakers; without a registry no breaker guards the models. */
  breakers?: CircuitBreakerRegistry;
  /**
   * The longest provider's retry-after (`details.retryAfterMs`), in milliseconds, the router
   * sleeps before another attempt on the same model (default {@link defaultMaxInlineWait}). A
   * longer one is not slept: the router moves to the next model in the chain, and when none
   * remains fails with `details.retryAfterMs` (a workflow runner turns it into a durable timer).
   * The policy's own backoff is bounded by `retry.maxDelay`, not by this cap: `0` refuses every
   * retry-after but still retries a `503` without one after its backoff. Any wait, backoff
   * included, that is not shorter than the caller's remaining time (`run`'s `deadline`, the
   * turn's timeout for an agent) is not slept either.
   */
  maxInlineWait?: number;
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
 * (invalid request, content filter, auth, abort) is surfaced at once, never failed over. A model
 * whose breaker is open is skipped; only provider faults count against a breaker
 * (`settleCircuitPermit`, the rule the workflow runner shares).
 *
 * Whether the same model is tried again:
 * - `details.retryable === false` (the provider's `x-should-retry: false`): never; a recoverable
 *   code still moves to the next model.
 * - `details.retryable === true` (`x-should-retry: true`): yes, even for a code the table calls
 *   unrecoverable (a `409` mapped to `invalid_request`), except `auth_failed`,
 *   `context_length_exceeded`, `content_filtered` and `aborted`, which the same request meets
 *   again whatever the server says.
 * - otherwise: when the error is recoverable.
 * - A provider's retry-after longer than `maxInlineWait`, or any wait not shorter than the
 *   caller's remaining time, is not slept (see {@link ModelRouterOptions.maxInlineWait}).
 * - `auth_failed` with `details.credentialInvalidated === true` (the provider dropped a refused
 *   credential that its source can replace) is tried once more at once, outside `maxAttempts`:
 *   the refresh attempt counts neither against `maxAttempts`, nor in the backoff's exponent, nor
 *   in `details.attempts` (events still number every request). A second refusal fails. A fixed
 *   API key is never retried.
 *
 * When every model of the chain has failed recoverably, the error thrown is the last model's,
 * with `details.retryAfterMs` set to the earliest time any model of the chain may be called
 * again (the smallest `retryAfterMs` among the failures, less the time spent since), when any
 * failure named one.
 *
 * @throws AgentryError `validation_failed` when no model is given, or `maxInlineWait` is not a
 *   number of milliseconds a timer can wait
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
  // A frozen copy, checked now so that a bad policy fails here rather than on the first call (the
  // frozen default is checked once, however many routers use it).
  const policy =
    options.retry === undefined || options.retry === defaultModelRetryPolicy
      ? defaultModelRetryPolicy
      : Object.freeze({ ...options.retry });
  checkRetryPolicy(policy);
  const maxInlineWait = options.maxInlineWait ?? defaultMaxInlineWait;
  checkDelay(maxInlineWait, 'maxInlineWait');
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const models = options.models;
  return {
    models,
    // The retry loop is the router's own (rather than retry()) so that one call is one async
    // frame, and the caller's signal is made only when a wait needs it.
    async run(attempt, { abort, onFailure, deadline }) {
      let lastError: AgentryError | undefined;
      // The earliest time, on `clock`, at which a model of the chain may be called again, from
      // the `retryAfterMs` of the failures seen so far.
      let retryAt: number | undefined;
      let retryFrom: AgentryError | undefined;
      for (let index = 0; index < models.length; index += 1) {
        const model = models[index]!;
        const breaker = options.breakers?.get(model);
        // `number` counts the requests sent to this model (what events report); `counted` the
        // attempts against `maxAttempts`, which leave out the one credential-refresh retry.
        let attempts = 0;
        let refreshed = false;
        let failure: AgentryError | undefined;
        for (let number = 1; failure === undefined; number += 1) {
          const counted = refreshed ? number - 1 : number;
          if (abort.aborted) {
            failure = abortedAfter(abort, Math.max(0, counted - 1));
            break;
          }
          const permit = breaker?.tryAcquire();
          let error: AgentryError;
          if (breaker && !permit) error = circuitRefusal(model);
          else {
            attempts = number;
            try {
              const value = await attempt(model, new Attempt(number, abort));
              permit?.success();
              return value;
            } catch (caught) {
              // The caller's own refusal (a model middleware's rate limit): not the model's fault.
              if (isCallerRefusal(caught)) {
                permit?.release();
                throw caught;
              }
              error = toAgentryError(caught);
              settleCircuitPermit(permit, error);
            }
          }
          if (abort.aborted) failure = abortedAfter(abort, counted);
          else if (!refreshed && isRefreshedCredential(error)) {
            // The provider dropped the refused credential and its source can give another: one
            // more attempt, at once and outside maxAttempts, reads it.
            refreshed = true;
            onFailure?.({ model, attempt: number, error, willRetry: true });
          } else if (counted >= policy.maxAttempts || !shouldRetry(error))
            failure = withAttempts(error, counted);
          else {
            const delayMs = retryDelay(error, counted, policy, random);
            const limit = inlineWaitLimit(error, delayMs, maxInlineWait, deadline?.remainingMs());
            if (limit !== undefined) {
              // Too long to sleep here: the next model, or the caller, takes it from here.
              failure = notWaited(error, counted, delayMs, limit);
            } else {
              onFailure?.({ model, attempt: number, error, willRetry: true });
              try {
                await sleep(delayMs, { clock, signal: abort.signal });
              } catch {
                failure = abortedAfter(abort, counted);
              }
            }
          }
        }
        const retryAfterMs = retryAfterOf(failure);
        if (retryAfterMs !== undefined) {
          const at = clock.now() + retryAfterMs;
          if (retryAt === undefined || at < retryAt) {
            retryAt = at;
            retryFrom = failure;
          }
        }
        // An open breaker skips the model: it is not reported as failing.
        if (isCircuitRefusal(failure)) {
          lastError ??= failure;
          continue;
        }
        const recoverable = failure.recoverable && failure.code !== 'aborted';
        onFailure?.({
          model,
          attempt: attempts,
          error: failure,
          willRetry: recoverable && index < models.length - 1,
        });
        if (!recoverable) throw failure;
        lastError = failure;
      }
      if (lastError === undefined)
        throw new AgentryError({
          code: 'provider_unavailable',
          message: 'No model could be tried.',
        });
      // The last failure's own wait, when it is the earliest, is passed on as it is.
      throw retryAt === undefined || retryFrom === lastError
        ? lastError
        : withEarliestRetry(lastError, retryAt - clock.now());
    },
  };
}

/** What an attempt is told; the signal is read from the caller's source only when asked for. */
class Attempt implements RouterAttempt {
  readonly attempt: number;
  readonly #abort: AbortSource;

  constructor(attempt: number, abort: AbortSource) {
    this.attempt = attempt;
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}

/** Whether the router retries an error on the same model: `retry`'s rule, minus open breakers. */
const shouldRetry = (error: AgentryError) => !isCircuitRefusal(error) && isRetryableError(error);

/** A refusal whose credential the provider invalidated at a source that can replace it. */
const isRefreshedCredential = (error: AgentryError) =>
  error.code === 'auth_failed' && error.details.credentialInvalidated === true;

function circuitRefusal(model: LanguageModel): AgentryError {
  const name = `${model.provider}:${model.modelId}`;
  return new AgentryError({
    code: 'provider_unavailable',
    message: `The circuit breaker of ${name} is open; the model was skipped.`,
    details: { model: name, circuit: 'open', skipped: 'circuit-open' },
  });
}

/** A failure's `details.retryAfterMs`, when it names a wait. */
function retryAfterOf(error: AgentryError): number | undefined {
  const retryAfterMs = error.details.retryAfterMs;
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0
    ? retryAfterMs
    : undefined;
}

/**
 * The chain's final error with `details.retryAfterMs` set to the earliest time any of its models
 * may be called again (another model's retry-after may be shorter than the last one's, or the last
 * may have named none), so that a caller that schedules the retry (the workflow runner) waits for
 * the provider rather than its own backoff.
 */
function withEarliestRetry(error: AgentryError, remainingMs: number): AgentryError {
  const retryAfterMs = Math.max(0, Math.ceil(remainingMs));
  if (error.details.retryAfterMs === retryAfterMs) return error;
  return new AgentryError({
    code: error.code,
    message: error.message,
    recoverable: error.recoverable,
    details: { ...error.details, retryAfterMs },
    suggestions: [
      `Retry after ${retryAfterMs} ms: no model of the chain may be called again before then.`,
      ...error.suggestions,
    ],
    cause: error,
  });
}
