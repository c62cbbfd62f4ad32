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

/**
 * What a model costs.
 *
 * @example
 * ```ts
 * import type { PricingInfo, Usage } from '@agentry/core';
 *
 * // What a call cost, from the catalogue's prices.
 * const cost = (usage: Usage, pricing: PricingInfo) =>
 *   (usage.inputTokens * pricing.inputPerMillionTokens + usage.outputTokens * pricing.outputPerMillionTokens) / 1_000_000;
 * cost({ inputTokens: 1_200, outputTokens: 300, totalTokens: 1_500 }, { inputPerMillionTokens: 2.5, outputPerMillionTokens: 10, currency: 'USD' }); // 0.006
 * ```
 */
export type PricingInfo = z.infer<typeof pricingInfoSchema>;
