import { z } from 'zod';
import { modelCapabilitiesSchema } from './model-capabilities.js';
import { pricingInfoSchema } from './pricing-info.js';

/**
 * A model a provider offers: its name, capabilities, price and whether it is deprecated.
 *
 * @example
 * ```ts
 * modelInfoSchema.parse({
 *   name: 'gpt-4o',
 *   capabilities: { maxTokens: 16384, supportsStreaming: true, supportsFunctions: true, supportsVision: true, maxConcurrency: 8 },
 *   pricing: { inputPerMillionTokens: 2.5, outputPerMillionTokens: 10, currency: 'USD' },
 * });
 * ```
 */
export const modelInfoSchema = z.strictObject({
  /** The provider's model id, such as `gpt-4o` or `claude-sonnet-4-5`. */
  name: z.string().min(1),
  /** What the model can do. */
  capabilities: modelCapabilitiesSchema,
  /** What the model costs; without it cost metrics report no cost for the model. */
  pricing: pricingInfoSchema.optional(),
  /** Set when the provider has announced the model's retirement. */
  deprecated: z.boolean().optional(),
});

/**
 * A model a provider offers.
 *
 * @example
 * ```ts
 * import type { ModelInfo, ProviderFactory } from '@agentry/core';
 *
 * declare const provider: ProviderFactory;
 * // The catalogue's cheapest model that can call tools.
 * const priced = provider
 *   .models()
 *   .filter((info): info is ModelInfo & { pricing: NonNullable<ModelInfo['pricing']> } => info.capabilities.supportsFunctions && info.pricing !== undefined);
 * const cheapest = priced.sort((a, b) => a.pricing.inputPerMillionTokens - b.pricing.inputPerMillionTokens)[0];
 * ```
 */
export type ModelInfo = z.infer<typeof modelInfoSchema>;
