import { findSerializationProblem } from '@agentry/core';
import { z } from 'zod';

/**
 * A value that survives a JSON round trip unchanged: what definitions, inputs and outputs hold.
 *
 * @example
 * ```ts
 * import { type JsonValue } from '@agentry/workflows';
 *
 * const value: JsonValue = { total: 120, tags: ['vip'], note: null };
 * ```
 */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Accepts any {@link JsonValue}; anything else (functions, dates, `NaN`, cycles, class
 * instances) is refused with the reason.
 *
 * @example
 * ```ts
 * jsonValueSchema.parse({ a: [1, 'two', null] });
 * ```
 */
export const jsonValueSchema = z.unknown().check((context) => {
  const problem = findSerializationProblem(context.value);
  if (problem) {
    context.issues.push({
      code: 'custom',
      input: context.value,
      path: problem.path,
      message: `Not serializable: ${problem.reason}.`,
      params: { code: 'not_serializable' },
    });
  }
}) as unknown as z.ZodType<JsonValue>;
