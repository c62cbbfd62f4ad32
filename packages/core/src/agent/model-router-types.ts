import type { AgentryError } from '../errors/index.js';
import type { LanguageModel } from '../model/index.js';
import type { AbortSource } from '../resilience/index.js';

/** What the router tells an attempt. */
export interface RouterAttempt {
  /** The attempt number on this model, from 1. */
  attempt: number;
  /** Aborted when the caller aborts; pass it to the model call (it may be made on first read). */
  readonly signal: AbortSignal;
}

/** What the router reports when an attempt fails. */
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
