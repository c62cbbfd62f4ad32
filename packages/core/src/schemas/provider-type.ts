import { z } from 'zod';

/**
 * The model vendors Agentry speaks to. A provider plug-in serves one of them (an
 * OpenAI-compatible server is `openai` with its own endpoint).
 *
 * @example
 * ```ts
 * providerTypeSchema.parse('anthropic');
 * ```
 */
export const providerTypeSchema = z.literal(['openai', 'anthropic', 'google']);

/** One of the model vendors Agentry speaks to. */
export type ProviderType = z.infer<typeof providerTypeSchema>;

/** The npm package of the plug-in that serves each provider type. */
export const providerPackages: Readonly<Record<ProviderType, string>> = {
  openai: '@agentry/openai',
  anthropic: '@agentry/anthropic',
  google: '@agentry/google',
};
