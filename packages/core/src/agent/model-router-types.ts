import type { AgentryError } from '../errors/index.js';
import type { LanguageModel } from '../model/index.js';
import type { AbortSource } from '../resilience/index.js';

/**
 * What the router tells an attempt.
 *
 * @example
 * ```ts
 * import type { AbortSource, LanguageModel, ModelRouter, RouterAttempt } from '@agentry/core';
 *
 * declare const router: ModelRouter;
 * declare const abort: AbortSource; // the caller's: aborting it stops the attempts
 * // Each attempt gets the model chosen for it and a signal to pass on.
 * const callModel = (model: LanguageModel, info: RouterAttempt) =>
 *   model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, { signal: info.signal });
 * const response = await router.run(callModel, { abort });
 * ```
 */
export interface RouterAttempt {
  /** The attempt number on this model, from 1. */
  attempt: number;
  /** Aborted when the caller aborts; pass it to the model call (it may be made on first read). */
  readonly signal: AbortSignal;
}

/**
 * What the router reports when an attempt fails.
 *
 * @example
 * ```ts
 * import type { AbortSource, ModelRouter, RouterFailure } from '@agentry/core';
 *
 * declare const router: ModelRouter;
 * declare const abort: AbortSource;
 * // Log every failed attempt, and whether the router goes on.
 * const onFailure = ({ model, attempt, error, willRetry }: RouterFailure) =>
 *   console.warn(`${model.provider}:${model.modelId} attempt ${attempt}: ${error.code}${willRetry ? ', retrying' : ''}`);
 * await router.run(
 *   (model, { signal }) => model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] }, { signal }),
 *   { abort, onFailure },
 * );
 * ```
 */
export interface RouterFailure {
  /** The model that failed. */
  model: LanguageModel;
  /** The attempt number on that model. */
  attempt: number;
  /** The failure. */
  error: AgentryError;
  /** Whether another attempt (same model or the next in the chain) follows. */
  willRetry: boolean;
}

/**
 * The time a caller of {@link ModelRouter.run} has left; the router reads it only when it
 * considers a wait, and does not sleep a wait that would outlast it.
 *
 * @example
 * ```ts
 * import { type RouterDeadline } from '@agentry/core';
 *
 * const endsAt = Date.now() + 30_000;
 * const deadline: RouterDeadline = { remainingMs: () => endsAt - Date.now() };
 * ```
 */
export interface RouterDeadline {
  /** Milliseconds left before the caller gives up. */
  remainingMs(): number;
}

/**
 * Chooses the model for each attempt of a step: retries recoverable failures with backoff, skips
 * models whose circuit breaker is open, and falls back along the chain.
 *
 * @example
 * ```ts
 * import { createAgent, createModelRouter, type LanguageModel, type ModelRouter } from '@agentry/core';
 *
 * declare const primary: LanguageModel;
 * declare const fallback: LanguageModel;
 * // Given to an agent as its model: each step retries, then falls back along the chain.
 * const router: ModelRouter = createModelRouter({ models: [primary, fallback] });
 * const agent = createAgent({ model: router });
 * console.log(router.models.map((model) => model.modelId));
 * ```
 */
export interface ModelRouter {
  /** The models in the order tried: the primary first, then the fallback chain. */
  readonly models: readonly LanguageModel[];
  /**
   * Runs `attempt` until it succeeds, a failure is not recoverable, or every model is spent.
   *
   * `options.abort` tells whether the caller aborted; read its `signal` only to pass it on or to
   * wait, since it may be made on first read. `options.deadline` tells how long the caller has
   * left: a wait beyond it is not slept (the next model is tried, or the error is thrown with
   * `details.retryAfterMs`).
   *
   * @throws AgentryError the last failure; `provider_unavailable` when every breaker is open;
   *   `aborted` when the caller aborts
   */
  run<T>(
    attempt: (model: LanguageModel, info: RouterAttempt) => Promise<T>,
    options: {
      abort: AbortSource;
      onFailure?: (failure: RouterFailure) => void;
      deadline?: RouterDeadline;
    },
  ): Promise<T>;
}
