import { AgentryError, findSerializationProblem } from '@agentry/core';
import type { z } from 'zod';

/** How {@link parseStored} names what it read, in its error. @internal */
export interface StoredDataDescription {
  /** What the data should be, after "does not hold" (`valid journal entries`). */
  expected: string;
  /** What follows for the run, as the message's last sentence. */
  consequence: string;
  /** What to do about it. */
  suggestions: string[];
}

/**
 * Parses data the runner reads back from its store with `schema`. Data the store itself would
 * refuse to write (see `findSerializationProblem`: a `__proto__` key, a function, a cycle) is
 * damage, checked before the schema, which would copy a `__proto__` key into a prototype; the
 * record is then rebuilt or refused, never cleaned up by guesswork.
 *
 * @internal
 * @throws AgentryError `validation_failed` naming `key`, the first problem's path and every issue
 */
export function parseStored<TSchema extends z.ZodType>(
  schema: TSchema,
  key: string,
  data: unknown,
  description: StoredDataDescription,
): z.output<TSchema> {
  const problem = findSerializationProblem(data);
  const parsed = problem ? undefined : schema.safeParse(data);
  if (parsed?.success) return parsed.data;
  const issues = problem
    ? [{ path: problem.path.map(String), message: `not JSON: ${problem.reason}` }]
    : (parsed?.error.issues ?? []).map((entry) => ({
        path: entry.path.map(String),
        message: entry.message,
      }));
  const issue = issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new AgentryError({
    code: 'validation_failed',
    message: `The stored entry "${key}" does not hold ${description.expected}${where}: ${issue?.message ?? 'unknown problem'}. ${description.consequence}`,
    details: { key, issues },
    suggestions: description.suggestions,
  });
}
