import { toValidationError } from '../versioning/to-validation-error.js';
import { circuitBreakerConfigSchema, type CircuitBreakerConfig } from './circuit-breaker-config.js';
import type {
  CircuitBreaker,
  CircuitBreakerOptions,
  CircuitPermit,
  CircuitState,
} from './circuit-breaker.js';
import { systemClock } from './clock.js';
import { createCircuitRefusal } from './create-circuit-refusal.js';
import { isDependencyFailure } from './is-dependency-failure.js';
import { savedCircuitStateSchema } from './saved-circuit-state.js';

type Outcome = 'success' | 'failure' | 'release';

/**
 * Creates a {@link CircuitBreaker} that protects one dependency, such as a provider.
 *
 * - `closed`: calls go through; `failureThreshold` consecutive failures open it (a success resets
 *   the count).
 * - `open`: every call is refused until `recoveryTimeout` ms have passed since it opened; the next
 *   call then moves it to `half-open`.
 * - `half-open`: at most `halfOpenMaxCalls` probes are admitted (a released probe frees its slot);
 *   one probe failure reopens it and restarts the timeout, `halfOpenMaxCalls` successes close it.
 *
 * Permits remember the state they were issued in: a call that started before a change of state
 * (say, a slow call from the closed period that fails while the breaker is already open) settles
 * without effect, so it can neither reopen nor close the breaker by accident.
 *
 * @throws AgentryError `validation_failed` when `config` is not a valid {@link CircuitBreakerConfig}.
 * @example
 * ```ts
 * const breaker = createCircuitBreaker(
 *   { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 },
 *   { name: 'openai', onStateChange: (from, to) => logger.warn(`openai breaker ${from} -> ${to}`) },
 * );
 * const reply = await breaker.execute(() => model.generate(request));
 * ```
 */
export function createCircuitBreaker(
  config: CircuitBreakerConfig,
  options: CircuitBreakerOptions = {},
): CircuitBreaker {
  const parsed = circuitBreakerConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw toValidationError(parsed.error, 'The circuit breaker configuration');
  }
  const { failureThreshold, recoveryTimeout, halfOpenMaxCalls } = parsed.data;
  const { name = 'default', clock = systemClock, onStateChange } = options;
  let state: CircuitState = 'closed';
  // Bumped on every change of state; permits from an earlier period settle without effect.
  let period = 0;
  let consecutiveFailures = 0;
  let openedAt: number | undefined;
  let halfOpenInFlight = 0;
  let halfOpenSuccesses = 0;

  function moveTo(next: CircuitState): void {
    const previous = state;
    state = next;
    period += 1;
    halfOpenInFlight = 0;
    halfOpenSuccesses = 0;
    if (next === 'open') openedAt = clock.now();
    if (next === 'closed') consecutiveFailures = 0;
    onStateChange?.(previous, next);
  }

  function settle(permitPeriod: number, outcome: Outcome): void {
    if (permitPeriod !== period) return;
    if (state === 'half-open') {
      halfOpenInFlight -= 1;
      if (outcome === 'failure') {
        consecutiveFailures += 1;
        moveTo('open');
      } else if (outcome === 'success') {
        halfOpenSuccesses += 1;
        if (halfOpenSuccesses >= halfOpenMaxCalls) moveTo('closed');
      }
      return;
    }
    // Closed: an open breaker issues no permits, so no permit of this period can find it open.
    if (outcome === 'success') consecutiveFailures = 0;
    if (outcome !== 'failure') return;
    consecutiveFailures += 1;
    if (consecutiveFailures >= failureThreshold) moveTo('open');
  }

  function createPermit(): CircuitPermit {
    const permitPeriod = period;
    let settled = false;
    const settleWith = (outcome: Outcome) => () => {
      if (settled) return;
      settled = true;
      settle(permitPeriod, outcome);
    };
    return {
      success: settleWith('success'),
      failure: settleWith('failure'),
      release: settleWith('release'),
    };
  }

  function retryInMs(): number {
    return Math.max(0, (openedAt ?? 0) + recoveryTimeout - clock.now());
  }

  function tryAcquire(): CircuitPermit | undefined {
    if (state === 'open') {
      if (retryInMs() > 0) return undefined;
      moveTo('half-open');
    }
    if (state === 'half-open') {
      if (halfOpenInFlight + halfOpenSuccesses >= halfOpenMaxCalls) return undefined;
      halfOpenInFlight += 1;
    }
    return createPermit();
  }

  return {
    get state() {
      return state;
    },
    tryAcquire,
    async execute(operation, executeOptions = {}) {
      const { isFailure = isDependencyFailure } = executeOptions;
      const permit = tryAcquire();
      if (permit === undefined) {
        throw createCircuitRefusal(
          name,
          state === 'open' ? retryInMs() : undefined,
          halfOpenMaxCalls,
        );
      }
      try {
        const result = await operation();
        permit.success();
        return result;
      } catch (error) {
        if (isFailure(error)) permit.failure();
        throw error;
      } finally {
        // A no-op once settled; it frees the permit when isFailure said no (or threw).
        permit.release();
      }
    },
    restore(saved) {
      const parsed = savedCircuitStateSchema.safeParse(saved);
      if (!parsed.success) {
        throw toValidationError(parsed.error, `The saved state of the circuit breaker "${name}"`);
      }
      // A new period: permits issued before the restore settle without effect.
      state = parsed.data.state;
      period += 1;
      halfOpenInFlight = 0;
      halfOpenSuccesses = 0;
      consecutiveFailures = parsed.data.consecutiveFailures;
      openedAt = parsed.data.openedAt;
    },
    snapshot: () => ({
      state,
      consecutiveFailures,
      openedAt,
      halfOpenInFlight,
      halfOpenSuccesses,
    }),
  };
}
