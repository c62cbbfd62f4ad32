import { formatPath } from '@agentry/core';
import type { z } from 'zod';

/** One problem a zod schema found, with its path written out. @internal */
export interface ListedIssue {
  /** Where, as `a.b[0]`; empty for the whole value. */
  path: string;
  /** What is wrong. */
  message: string;
}

/**
 * A zod error's issues with their paths written out, and the first three as one clause for an
 * error message (`a.b: Required; c: …; and 2 more`).
 *
 * @internal
 */
export function listIssues(error: z.ZodError): { issues: ListedIssue[]; listed: string } {
  const issues = error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const listed = issues
    .slice(0, 3)
    .map((issue) => `${issue.path || '(the whole value)'}: ${issue.message}`)
    .join('; ');
  return {
    issues,
    listed: `${listed}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`,
  };
}
