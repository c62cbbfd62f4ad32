import type { Clock } from './clock.js';
import type { SavedCircuitState } from './saved-circuit-state.js';

/**
 * Where a circuit breaker stands: `closed` lets every call through, `open` refuses every call until
 * its recovery timeout has passed, `half-open` lets a few probe calls through to test recovery.
 *
 * @example
 * ```ts
 * import type { CircuitBreaker, CircuitState } from '@agentry/core';
 *
 * declare const breaker: CircuitBreaker;
 * const state: CircuitState = breaker.state;
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * The right to make one call through a {@link CircuitBreaker}. Settle it exactly once with the
 * outcome; settling again is a no-op, so `finally` blocks are safe.
 *
 * @example
 * ```ts
 * const permit = breaker.tryAcquire();
 * if (permit) {
 *   try { await call(); permit.success(); } catch (error) { permit.failure(); throw error; }
 * }
 * ```
 */
export interface CircuitPermit {
  /** Reports that the call succeeded: it resets the failure count or counts toward recovery. */
  success(): void;
  /** Reports that the dependency failed: it counts toward opening, or reopens a half-open breaker. */
  failure(): void;
  /**
   * Gives the permit back without an outcome, for calls that say nothing about the dependency's
   * health (an invalid request, an abort, a local limit). It never trips the breaker.
   */
  release(): void;
}

/**
 * A copy of a {@link CircuitBreaker}'s counters, for metrics and tests.
 *
 * @example
 * ```ts
 * const { state, consecutiveFailures } = breaker.snapshot();
 * ```
 */
export interface CircuitBreakerSnapshot {
  /** The current state. */
  state: CircuitState;
  /** Failures since the last success or since the breaker closed. */
  consecutiveFailures: number;
  /** When the breaker last opened, on its clock; `undefined` until it first opens. */
  openedAt: number | undefined;
  /** Probe calls that hold a permit while half-open. */
  halfOpenInFlight: number;
  /** Probe calls that succeeded since the breaker became half-open. */
  halfOpenSuccesses: number;
}

/**
 * Options of {@link CircuitBreaker.execute}.
 *
 * @example
 * ```ts
 * await breaker.execute(call, { isFailure: (error) => !(error instanceof ValidationError) });
 * ```
 */
export interface CircuitExecuteOptions {
  /**
   * Tells whether an error is the dependency's fault; defaults to {@link isDependencyFailure}.
   * Errors it says no to release the permit without counting.
   */
  isFailure?: (error: unknown) => boolean;
}

/**
 * Options of {@link createCircuitBreaker}.
 *
 * @example
 * ```ts
 * import { type CircuitBreakerOptions } from '@agentry/core';
 *
 * const options: CircuitBreakerOptions = { name: 'openai', onStateChange: (from, to) => console.warn(`openai: ${from} → ${to}`) };
 * ```
 */
export interface CircuitBreakerOptions {
  /** Names the protected dependency in error messages; defaults to `"default"`. */
  name?: string;
  /** The clock that measures the recovery timeout; defaults to {@link systemClock}. */
  clock?: Clock;
  /** Called after each change of state, for logs and metrics. */
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

/**
 * Stops calling a dependency that keeps failing, then tests carefully whether it has recovered.
 * Made by {@link createCircuitBreaker}.
 *
 * @example
 * ```ts
 * const text = await breaker.execute(() => model.generate(request));
 * ```
 */
export interface CircuitBreaker {
  /** The current state. An open breaker stays `open` here until a call after its timeout. */
  readonly state: CircuitState;
  /**
   * Asks to make one call. Returns a permit to settle once the call ends, or `undefined` when the
   * breaker refuses (open, or half-open with every probe slot taken).
   */
  tryAcquire(): CircuitPermit | undefined;
  /**
   * Calls `operation` under a permit and settles it from the outcome.
   *
   * @throws AgentryError `provider_unavailable` (recoverable) when the breaker refuses, with
   *   `details.circuit` (`'open'` or `'half-open'`), `details.breaker` and, when open,
   *   `details.retryInMs`.
   * @throws Whatever `operation` throws, unchanged.
   */
  execute<T>(operation: () => Promise<T>, options?: CircuitExecuteOptions): Promise<T>;
  /** Returns a copy of the breaker's counters. */
  snapshot(): CircuitBreakerSnapshot;
  /**
   * Takes over a saved state (one another process stored, or this one before a restart): the
   * state, the failure count and when it opened; no probe is in flight afterwards. Permits issued
   * before settle without effect, and `onStateChange` is not called: the change was reported
   * where it happened. An open breaker restored this way refuses calls until `recoveryTimeout`
   * has passed since `openedAt`. Probes in flight elsewhere are not part of the saved state, so a
   * half-open state restored in N processes admits up to N × `halfOpenMaxCalls` probes in all.
   *
   * @throws AgentryError `validation_failed` when `saved` is not a {@link SavedCircuitState}
   */
  restore(saved: SavedCircuitState): void;
}
