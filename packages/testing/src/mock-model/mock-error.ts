import { AgentryError, type ErrorCode } from '@agentry/core';

/**
 * Builds the {@link AgentryError} a provider would fail with, for a {@link MockTurn}'s `error` or
 * `errorAfterParts`.
 *
 * `recoverable` comes from the code's row in `errorCodes` (so `rate_limited` is retried and
 * `auth_failed` is not), exactly as for errors a real provider maps. Put the facts retry logic reads
 * in `details`, such as `retryAfterMs` for `rate_limited`.
 *
 * @param code - the error code, such as `rate_limited`, `provider_unavailable` or `auth_failed`
 * @param message - what happened
 * @param details - machine-readable facts; default `{}`
 * @example
 * ```ts
 * const model = createMockModel({
 *   script: [
 *     { error: mockError('rate_limited', 'Slow down.', { retryAfterMs: 1000 }) },
 *     mockText('Done.'),
 *   ],
 * });
 * ```
 */
export function mockError(
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): AgentryError {
  return new AgentryError({ code, message, details });
}
