import { z } from 'zod';

/**
 * How the wait between attempts grows: `exponential` doubles it after each failed attempt
 * (`baseDelay * 2^(n - 1)`), `linear` adds `baseDelay` each time (`baseDelay * n`) and `fixed` keeps
 * it at `baseDelay`. It is the spec's `ErrorHandlingStrategy.backoffStrategy`.
 *
 * @example
 * ```ts
 * backoffStrategySchema.parse('exponential');
 * ```
 */
export const backoffStrategySchema = z.literal(['exponential', 'linear', 'fixed'], {
  error: 'The backoff strategy must be "exponential", "linear" or "fixed".',
});

/**
 * How the wait between attempts grows: `exponential`, `linear` or `fixed`.
 *
 * @example
 * ```ts
 * import { type BackoffStrategy } from '@agentry/core';
 *
 * const strategy: BackoffStrategy = 'linear';
 * ```
 */
export type BackoffStrategy = z.infer<typeof backoffStrategySchema>;
