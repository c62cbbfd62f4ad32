import { AgentryError } from './agentry-error.js';
import type { ErrorCode } from './error-codes.js';

/**
 * Returns `value` when it is already an {@link AgentryError}; otherwise wraps it, keeping it as
 * `cause`. Aborts (`AbortError`) become `aborted`; everything else gets `fallbackCode`.
 *
 * @param value - anything that was thrown
 * @param fallbackCode - the code for values that say nothing of themselves (default `internal`)
 * @example
 * ```ts
 * try { await work(); } catch (error) { throw toAgentryError(error); }
 * ```
 */
export function toAgentryError(value: unknown, fallbackCode: ErrorCode = 'internal'): AgentryError {
  if (AgentryError.isInstance(value)) return value;
  if (value instanceof Error && value.name === 'AbortError') {
    return new AgentryError({
      code: 'aborted',
      message: value.message || 'The operation was aborted.',
      cause: value,
    });
  }
  const message =
    value instanceof Error
      ? value.message
      : typeof value === 'string'
        ? value
        : `Non-error value thrown: ${describe(value)}`;
  return new AgentryError({ code: fallbackCode, message, cause: value });
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
