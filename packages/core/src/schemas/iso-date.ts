import { z } from 'zod';

/**
 * A point in time: a `Date` in memory, an ISO 8601 string with offset when persisted. Decoding
 * (`parse`, `z.decode`) turns the string into a `Date`; `z.encode` turns it back, so persisted
 * dates never depend on `JSON.stringify` calling `toJSON`.
 *
 * @example
 * ```ts
 * z.decode(isoDateSchema, '2026-01-01T00:00:00.000Z'); // Date
 * z.encode(isoDateSchema, new Date(0)); // '1970-01-01T00:00:00.000Z'
 * ```
 */
export const isoDateSchema = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});
