import { AgentryError } from '../errors/agentry-error.js';

/**
 * Builds the `aborted` error the resilience helpers reject with, keeping the signal's reason as
 * `cause` so callers can tell who aborted.
 *
 * @internal
 */
export function createAbortedError(
  signal: { readonly reason: unknown } | undefined,
  action: string,
  details: Record<string, unknown> = {},
): AgentryError {
  return new AgentryError({
    code: 'aborted',
    message: `${action} was aborted before it finished.`,
    details,
    suggestions: [
      'Nothing to do if the abort was intended; otherwise find who aborted the signal.',
    ],
    cause: signal?.reason,
  });
}
