import { z } from 'zod';

/**
 * The part of a circuit breaker's state that outlives a process, as {@link CircuitBreaker.restore}
 * takes it and a store keeps it: the state, the consecutive failures and when the breaker last
 * opened (epoch milliseconds, on the clock of the breaker that opened it). An `open` or
 * `half-open` state needs `openedAt`. Probes in flight are not part of it: they belong to the
 * process that admitted them.
 *
 * @example
 * ```ts
 * const saved = savedCircuitStateSchema.parse(JSON.parse(text));
 * breaker.restore(saved);
 * ```
 */
export const savedCircuitStateSchema = z
  .strictObject({
    /** `closed`, `open` or `half-open`. */
    state: z.literal(['closed', 'open', 'half-open'], {
      error: 'state must be "closed", "open" or "half-open".',
    }),
    /** Failures since the last success or since the breaker closed. */
    consecutiveFailures: z.int().nonnegative({
      error: 'consecutiveFailures must be a non-negative integer.',
    }),
    /** When the breaker last opened, in epoch milliseconds; absent until it first opens. */
    openedAt: z.number().finite().optional(),
  })
  .refine((saved) => saved.state === 'closed' || saved.openedAt !== undefined, {
    message: 'An open or half-open breaker needs openedAt (when it opened).',
    path: ['openedAt'],
  });

/**
 * The part of a circuit breaker's state that outlives a process (see
 * {@link savedCircuitStateSchema}).
 *
 * @example
 * ```ts
 * import type { CircuitBreaker, SavedCircuitState } from '@agentry/core';
 *
 * declare const breaker: CircuitBreaker;
 * const { state, consecutiveFailures, openedAt }: SavedCircuitState = breaker.snapshot();
 * ```
 */
export type SavedCircuitState = z.infer<typeof savedCircuitStateSchema>;
