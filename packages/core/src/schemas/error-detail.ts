import { z } from 'zod';
import { jsonRecordSchema } from './json-record.js';

/**
 * An error as data, kept in conversations and sent over the wire: a stable code, a message,
 * details and suggestions a person can act on.
 *
 * @example
 * ```ts
 * errorDetailSchema.parse({ code: 'rate_limited', message: 'Slow down.', suggestions: ['Retry in 2 s.'] });
 * ```
 */
export const errorDetailSchema = z.strictObject({
  /** A stable, lowercase snake_case code, such as `rate_limited`. */
  code: z
    .string()
    .regex(
      /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/,
      'Expected a lowercase snake_case code such as "rate_limited".',
    ),
  /** What happened. */
  message: z.string().min(1),
  /** Machine-readable facts; JSON values only. */
  details: jsonRecordSchema.optional(),
  /** Actions a person can take. */
  suggestions: z.array(z.string().min(1)).optional(),
});

/**
 * An error as data.
 *
 * @example
 * ```ts
 * import { AgentryError, type ErrorDetail } from '@agentry/core';
 *
 * // The error as stored in an error message of a conversation.
 * declare const error: AgentryError;
 * const detail: ErrorDetail = { code: error.code, message: error.message, suggestions: [...error.suggestions] };
 * ```
 */
export type ErrorDetail = z.infer<typeof errorDetailSchema>;
