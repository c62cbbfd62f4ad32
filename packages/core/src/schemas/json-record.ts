import { z } from 'zod';
import { findSerializationProblem } from './serializable.js';

/**
 * A free-form record (agent memory, message metadata, model parameters) that must survive
 * persistence: every value in it is checked with {@link findSerializationProblem}.
 *
 * @example
 * ```ts
 * jsonRecordSchema.parse({ topic: 'billing', attempts: 2 });
 * ```
 */
export const jsonRecordSchema = z.record(z.string(), z.unknown()).check((context) => {
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
});
