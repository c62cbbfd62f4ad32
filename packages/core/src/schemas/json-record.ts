import { z } from 'zod';
import { findSerializationProblem } from './serializable.js';

/**
 * Adds a `not_serializable` issue, at the offending path, when a value would not survive a JSON
 * round trip. Shared by every schema that holds free-form JSON.
 *
 * @internal
 */
export function checkSerializable(context: {
  value: unknown;
  issues: z.core.$ZodRawIssue[];
}): void {
  const problem = findSerializationProblem(context.value);
  if (problem) {
    context.issues.push({
      code: 'custom',
      input: context.value,
      path: problem.path,
      message: `Not serializable: ${problem.reason}.`,
      params: {
        code: 'not_serializable',
        suggestion:
          'Keep only JSON values here: strings, finite numbers, booleans, null, plain objects and arrays.',
      },
    });
  }
}

/**
 * A free-form record (agent memory, message metadata, model parameters) that must survive
 * persistence: every value in it is checked with {@link findSerializationProblem}.
 *
 * @example
 * ```ts
 * jsonRecordSchema.parse({ topic: 'billing', attempts: 2 });
 * ```
 */
export const jsonRecordSchema = z.record(z.string(), z.unknown()).check(checkSerializable);
