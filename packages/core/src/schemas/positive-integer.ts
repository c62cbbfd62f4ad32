import { z } from 'zod';

/**
 * A positive integer (1 or more) with one message for every way it can be wrong: missing, not a
 * number, fractional, `NaN`, infinite, zero or negative. Write the message so that it states the
 * rule and the unit, as configuration errors show it to people.
 *
 * @example
 * ```ts
 * const schema = z.strictObject({
 *   burstLimit: positiveIntegerSchema('burstLimit must be a positive integer (at least 1 request).'),
 * });
 * ```
 */
export function positiveIntegerSchema(message: string) {
  return z.int({ error: message }).positive({ error: message });
}
