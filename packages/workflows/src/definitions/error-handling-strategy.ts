import { backoffStrategySchema, circuitBreakerConfigSchema } from '@agentry/core';
import { z } from 'zod';

/**
 * What a run does when a step fails, per the specification's `ErrorHandlingStrategy`.
 *
 * - `retryAttempts`: retries after the first attempt for a step that has no `retryPolicy` of its
 *   own (`0` means no retry); the delays come from the `workflows.defaults.retryPolicy` setting.
 * - `backoffStrategy`: how the wait between those retries grows.
 * - `fallbackAction`: what happens once the retries are spent: `abort` fails the run.
 *   `retry` waits the `maxDelay` of the step's retry policy (its own, or the runner's default)
 *   and then starts a new round of that policy (a fresh set of attempts); it does so after every
 *   spent round, indefinitely unless the runner's `maxFallbackRounds` option caps the rounds,
 *   after which the step and the run fail. With `retry`, a failure that is not recoverable (an
 *   `AgentryError` with `recoverable: false`) fails the run at once. `human_intervention` suspends
 *   the run until a person (or the configured deadline) resumes it with `retry`, `skip` or
 *   `abort`, or it is cancelled. Without one the run fails.
 * - `circuitBreaker`: opens after consecutive failures of a step's handler and refuses calls for
 *   a while, shared by every run of the workflow (core's `CircuitBreakerConfig`).
 *
 * @example
 * ```ts
 * errorHandlingStrategySchema.parse({
 *   retryAttempts: 2,
 *   backoffStrategy: 'exponential',
 *   fallbackAction: 'human_intervention',
 *   circuitBreaker: { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 },
 * });
 * ```
 */
export const errorHandlingStrategySchema = z.strictObject({
  /** Retries after the first attempt, for steps without a retry policy of their own. */
  retryAttempts: z
    .int({
      error: 'retryAttempts must be a non-negative integer (retries after the first attempt).',
    })
    .nonnegative({
      error: 'retryAttempts must be a non-negative integer (retries after the first attempt).',
    }),
  /** How the wait between retries grows. */
  backoffStrategy: backoffStrategySchema,
  /**
   * What happens once retries are spent: `abort`, another round of retries (`retry`), or a person's
   * decision.
   */
  fallbackAction: z
    .literal(['abort', 'retry', 'human_intervention'], {
      error: 'fallbackAction must be "abort", "retry" or "human_intervention".',
    })
    .optional(),
  /** A circuit breaker around the workflow's step handlers. */
  circuitBreaker: circuitBreakerConfigSchema.optional(),
});

/**
 * What a run does when a step fails; see {@link errorHandlingStrategySchema}.
 *
 * @example
 * ```ts
 * import { type ErrorHandlingStrategy } from '@agentry/workflows';
 *
 * const strategy: ErrorHandlingStrategy = { retryAttempts: 3, backoffStrategy: 'linear', fallbackAction: 'abort' };
 * ```
 */
export type ErrorHandlingStrategy = z.infer<typeof errorHandlingStrategySchema>;
