import type { z } from 'zod';
import { AgentryError } from '../errors/index.js';

/**
 * Turns a zod error into a `validation_failed` {@link AgentryError} whose details list each issue's
 * path and message.
 *
 * @internal
 * @example
 * ```ts
 * const parsed = versioningConfigSchema.safeParse(input);
 * if (!parsed.success) throw toValidationError(parsed.error, 'The versioning configuration');
 * ```
 */
export function toValidationError(error: z.ZodError, subject: string): AgentryError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    message: issue.message,
  }));
  const first = issues[0];
  const where = first === undefined || first.path.length === 0 ? '' : ` at ${first.path.join('.')}`;
  return new AgentryError({
    code: 'validation_failed',
    message: `${subject} is not valid${where}: ${first?.message ?? 'unknown issue'}`,
    details: { issues },
    suggestions: issues.map((issue) =>
      issue.path.length === 0 ? issue.message : `Fix ${issue.path.join('.')}: ${issue.message}`,
    ),
    cause: error,
  });
}
