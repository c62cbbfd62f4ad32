import type { ModelCapabilities, ModelInfo } from '@agentry/core';

/**
 * How many calls to one model may run at once, by default: OpenAI's limits are per minute and per
 * organisation rather than per connection, so this is a client-side bound that keeps one busy
 * agent from opening hundreds of sockets. Raise it through `models` for high usage tiers.
 */
const DEFAULT_MAX_CONCURRENCY = 16;

function model(
  name: string,
  maxTokens: number,
  prices: readonly [input: number, cachedInput: number | undefined, output: number],
  extra: { vision?: boolean; deprecated?: boolean } = {},
): ModelInfo {
  const [inputPerMillionTokens, cachedInputPerMillionTokens, outputPerMillionTokens] = prices;
  return {
    name,
    capabilities: {
      maxTokens,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: extra.vision ?? true,
      maxConcurrency: DEFAULT_MAX_CONCURRENCY,
    },
    pricing: {
      inputPerMillionTokens,
      outputPerMillionTokens,
      ...(cachedInputPerMillionTokens === undefined ? {} : { cachedInputPerMillionTokens }),
      currency: 'USD',
    },
    ...(extra.deprecated === true ? { deprecated: true } : {}),
  };
}

/**
 * The OpenAI models `@agentry/openai` knows, newest first, as of November 2026: each model's
 * output token limit (`capabilities.maxTokens` is the most tokens one response may hold, not the
 * context window), whether it reads images, its standard-tier price per million tokens in USD
 * (input, cached input, output; long-context surcharges above 272K input tokens are not modelled),
 * and whether OpenAI has announced its shutdown (`deprecated`). Every model streams and calls
 * functions. Models already shut down are left out.
 *
 * The catalogue is data for cost reports and model pickers; it does not limit what
 * {@link createOpenAI} can call. Add or override entries with the `models` option.
 *
 * @example
 * ```ts
 * import { openaiModels } from '@agentry/openai';
 *
 * const cheapest = [...openaiModels]
 *   .filter((model) => !model.deprecated)
 *   .sort((a, b) => (a.pricing?.inputPerMillionTokens ?? 0) - (b.pricing?.inputPerMillionTokens ?? 0))[0];
 * ```
 */
export const openaiModels: readonly ModelInfo[] = Object.freeze([
  // GPT-6 (1,050,000-token context window, 922K of it input; 128K output).
  model('gpt-6.2-astra', 128_000, [8, undefined, 40]),
  model('gpt-6.1-sol', 128_000, [2, 0.1, 10]),
  model('gpt-6.1-terra', 128_000, [1, 0.05, 5]),
  model('gpt-6-astra', 128_000, [10, 1, 50]),
  model('gpt-6-sol', 128_000, [2, 0.2, 10]),
  model('gpt-6-luna', 128_000, [0.1, 0.01, 0.5]),
  // GPT-5.x (1,050,000-token context from 5.4 on; 400K before).
  model('gpt-5.6-sol', 128_000, [4, 0.4, 20]),
  model('gpt-5.6-terra', 128_000, [2, 0.2, 12]),
  model('gpt-5.6-luna', 128_000, [0.2, 0.02, 1.2]),
  model('gpt-5.5', 128_000, [5, 0.5, 30]),
  model('gpt-5.4', 128_000, [2.5, 0.25, 15]),
  model('gpt-5.4-mini', 128_000, [0.75, 0.075, 4.5]),
  model('gpt-5.4-nano', 128_000, [0.2, 0.02, 1.25]),
  model('gpt-5.2', 128_000, [1.75, 0.175, 14]),
  model('gpt-5.1', 128_000, [1.25, 0.125, 10]),
  // Shut down on 11 December 2026.
  model('gpt-5', 128_000, [1.25, 0.125, 10], { deprecated: true }),
  model('gpt-5-mini', 128_000, [0.25, 0.025, 2], { deprecated: true }),
  model('gpt-5-nano', 128_000, [0.05, 0.005, 0.4], { deprecated: true }),
  model('o3', 100_000, [2, 0.5, 8], { deprecated: true }),
  // Shut down on 14 January 2027.
  model('gpt-4.1', 32_768, [2, 0.5, 8], { deprecated: true }),
  model('gpt-4.1-mini', 32_768, [0.4, 0.1, 1.6], { deprecated: true }),
  model('gpt-4o', 16_384, [2.5, 1.25, 10], { deprecated: true }),
  model('gpt-4o-mini', 16_384, [0.15, 0.075, 0.6], { deprecated: true }),
]);

// A dated snapshot (`gpt-4.1-2025-04-14`) has its family's capabilities.
const snapshotSuffix = /-\d{4}-\d{2}-\d{2}$/;

/**
 * Finds a model in a catalogue by id, or by the id without a snapshot date
 * (`gpt-5.4-mini-2026-03-17` finds `gpt-5.4-mini`).
 *
 * @internal
 */
export function findModelInfo(
  catalogue: readonly ModelInfo[],
  modelId: string,
): ModelInfo | undefined {
  const exact = catalogue.find((info) => info.name === modelId);
  if (exact !== undefined || !snapshotSuffix.test(modelId)) return exact;
  const family = modelId.replace(snapshotSuffix, '');
  return catalogue.find((info) => info.name === family);
}

/**
 * Whether a model reasons before it answers (GPT-5 and later, the o-series). Those models refuse
 * `temperature` and `top_p` unless reasoning is switched off.
 *
 * @internal
 */
export function isReasoningModel(modelId: string): boolean {
  return /^(gpt-[5-9]|gpt-\d{2}|o\d)/.test(modelId) && !modelId.includes('chat-latest');
}

/**
 * Capabilities assumed for a model the catalogue does not hold, on an OpenAI-compatible server:
 * streaming and function calling on, vision off, an 8,192-token output limit, 4 calls at once.
 *
 * @internal
 */
export const DEFAULT_CUSTOM_CAPABILITIES: Readonly<ModelCapabilities> = Object.freeze({
  maxTokens: 8192,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: false,
  maxConcurrency: 4,
});
