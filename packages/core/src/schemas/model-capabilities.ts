import { z } from 'zod';

/**
 * What a model can do: its output token limit, whether it streams, calls functions (tools) and
 * reads images, and how many calls it may serve at once.
 *
 * @example
 * ```ts
 * modelCapabilitiesSchema.parse({
 *   maxTokens: 16384, supportsStreaming: true, supportsFunctions: true,
 *   supportsVision: true, maxConcurrency: 8,
 * });
 * ```
 */
export const modelCapabilitiesSchema = z.strictObject({
  /** The most tokens the model produces in one response; a positive integer. */
  maxTokens: z.int().positive(),
  /** Whether the model streams its output. */
  supportsStreaming: z.boolean(),
  /** Whether the model calls functions (tools). */
  supportsFunctions: z.boolean(),
  /** Whether the model reads images. */
  supportsVision: z.boolean(),
  /** How many calls to the model may run at once; a positive integer. */
  maxConcurrency: z.int().positive(),
});

/**
 * What a model can do.
 *
 * @example
 * ```ts
 * import type { LanguageModel, ModelCapabilities } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const capabilities: ModelCapabilities = model.capabilities;
 * if (!capabilities.supportsVision) console.warn(`${model.modelId} cannot read images`);
 * console.log(`${capabilities.maxTokens} tokens of context, ${capabilities.maxConcurrency} calls at once`);
 * ```
 */
export type ModelCapabilities = z.infer<typeof modelCapabilitiesSchema>;
