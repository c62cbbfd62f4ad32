import { z } from 'zod';

const price = z.number().nonnegative().finite();

/**
 * What a model costs: prices per million tokens in a currency (ISO 4217 code). Cost metrics
 * multiply usage by these.
 *
 * @example
 * ```ts
 * pricingInfoSchema.parse({ inputPerMillionTokens: 2.5, outputPerMillionTokens: 10, currency: 'USD' });
 * ```
 */
export const pricingInfoSchema = z.strictObject({
  /** Price of one million input (prompt) tokens. */
  inputPerMillionTokens: price,
  /** Price of one million output (completion) tokens. */
  outputPerMillionTokens: price,
  /** Price of one million input tokens served from the provider's prompt cache, when it differs. */
  cachedInputPerMillionTokens: price.optional(),
  /** ISO 4217 currency code, such as `USD`. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code such as "USD".'),
});

/** What a model costs. */
export type PricingInfo = z.infer<typeof pricingInfoSchema>;
