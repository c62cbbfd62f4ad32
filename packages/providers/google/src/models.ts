import type { ModelCapabilities, ModelInfo } from '@agentry/core';

/** Calls to one model that may run at once unless its settings say otherwise. */
const DEFAULT_MAX_CONCURRENCY = 16;

/** The output token limit of every current Gemini text model. */
const GEMINI_MAX_OUTPUT_TOKENS = 65_536;

function model(
  name: string,
  pricing: { input: number; output: number; cached: number },
  deprecated?: true,
): ModelInfo {
  return {
    name,
    capabilities: {
      maxTokens: GEMINI_MAX_OUTPUT_TOKENS,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: true,
      maxConcurrency: DEFAULT_MAX_CONCURRENCY,
    },
    pricing: {
      inputPerMillionTokens: pricing.input,
      outputPerMillionTokens: pricing.output,
      cachedInputPerMillionTokens: pricing.cached,
      currency: 'USD',
    },
    ...(deprecated ? { deprecated } : {}),
  };
}

/**
 * The Gemini models `@agentry/google` knows, newest first, with their output token limits and the
 * Gemini Developer API's paid-tier list prices per million tokens in USD (input, output including
 * thinking, and context-cache reads), as of 2026-11-24. Every model listed reads images, calls
 * functions and thinks.
 *
 * Prices of the Pro models are those of prompts up to 200,000 tokens; longer prompts cost more
 * (Gemini 3.1 Pro Preview: 4 USD input and 18 USD output; Gemini 2.5 Pro: 2.50 and 15). Context
 * caching also bills storage per hour, and audio input costs more than text; neither is listed.
 * `deprecated` marks models with an announced shutdown (the Gemini 2.5 family). Models that are
 * not listed (a dated or `-latest` alias, a tuned model) can still be created by id; they get
 * {@link DEFAULT_GOOGLE_CAPABILITIES}.
 *
 * @example
 * ```ts
 * import { googleModels } from '@agentry/google';
 *
 * const flash = googleModels.find((info) => info.name === 'gemini-3.5-flash');
 * console.log(flash?.pricing?.outputPerMillionTokens); // 9
 * ```
 */
export const googleModels: readonly ModelInfo[] = Object.freeze([
  model('gemini-3.5-flash', { input: 1.5, output: 9, cached: 0.15 }),
  model('gemini-3.1-pro-preview', { input: 2, output: 12, cached: 0.2 }),
  model('gemini-3.1-flash-lite-preview', { input: 0.25, output: 1.5, cached: 0.025 }),
  model('gemini-3-flash-preview', { input: 0.5, output: 3, cached: 0.05 }),
  model('gemini-2.5-pro', { input: 1.25, output: 10, cached: 0.125 }, true),
  model('gemini-2.5-flash', { input: 0.3, output: 2.5, cached: 0.03 }, true),
  model('gemini-2.5-flash-lite', { input: 0.1, output: 0.4, cached: 0.01 }, true),
]);

/**
 * The capabilities of a Gemini model the catalogue does not list: 65,536 output tokens,
 * streaming, functions and images, 16 calls at once.
 *
 * @example
 * ```ts
 * import { DEFAULT_GOOGLE_CAPABILITIES } from '@agentry/google';
 *
 * console.log(DEFAULT_GOOGLE_CAPABILITIES.maxTokens); // 65536
 * ```
 */
export const DEFAULT_GOOGLE_CAPABILITIES: Readonly<ModelCapabilities> = Object.freeze({
  maxTokens: GEMINI_MAX_OUTPUT_TOKENS,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: true,
  maxConcurrency: DEFAULT_MAX_CONCURRENCY,
});

/**
 * Finds a model in a catalogue by id; `models/gemini-3.5-flash` (the API's resource name) finds
 * `gemini-3.5-flash`.
 *
 * @internal
 */
export function findGoogleModel(
  catalogue: readonly ModelInfo[],
  modelId: string,
): ModelInfo | undefined {
  const name = modelId.startsWith('models/') ? modelId.slice('models/'.length) : modelId;
  return catalogue.find((info) => info.name === name);
}
