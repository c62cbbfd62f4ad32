import { createModelDeprecation } from '@agentry/core';
import type { ModelCapabilities, ModelDeprecation, ModelInfo } from '@agentry/core';

/** Calls to one model that may run at once unless its settings say otherwise. */
const DEFAULT_MAX_CONCURRENCY = 16;

function model(
  name: string,
  maxTokens: number,
  pricing: { input: number; output: number; cacheRead?: number },
  deprecated?: true,
): ModelInfo {
  return {
    name,
    capabilities: {
      maxTokens,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: true,
      maxConcurrency: DEFAULT_MAX_CONCURRENCY,
    },
    pricing: {
      inputPerMillionTokens: pricing.input,
      outputPerMillionTokens: pricing.output,
      ...(pricing.cacheRead !== undefined
        ? { cachedInputPerMillionTokens: pricing.cacheRead }
        : {}),
      currency: 'USD',
    },
    ...(deprecated ? { deprecated } : {}),
  };
}

/**
 * The Claude models `@agentry/anthropic` knows, newest first, with their output token limits and
 * list prices per million tokens in USD (input, output, and prompt-cache reads where Anthropic
 * publishes one), as of 2026-11-24. Every current Claude model reads images and calls tools.
 *
 * Prices follow Anthropic's pricing page: Claude Haiku 5.5's are those of prompts up to 100,000
 * tokens (longer prompts cost five times as much); cache writes cost more than plain input and are
 * not listed. `deprecated` marks models with an announced retirement (Claude Sonnet 4.5 retires on
 * 2026-11-30). Models that are not listed can still be created by id; they get
 * {@link DEFAULT_ANTHROPIC_CAPABILITIES}.
 *
 * @example
 * ```ts
 * import { anthropicModels } from '@agentry/anthropic';
 *
 * const opus = anthropicModels.find((info) => info.name === 'claude-opus-5-5');
 * console.log(opus?.pricing?.inputPerMillionTokens); // 4
 * ```
 */
export const anthropicModels: readonly ModelInfo[] = Object.freeze([
  model('claude-fable-5-2', 128_000, { input: 8, output: 40 }),
  model('claude-opus-5-5', 128_000, { input: 4, output: 20, cacheRead: 0.2 }),
  model('claude-sonnet-5-5', 128_000, { input: 2, output: 10, cacheRead: 0.1 }),
  model('claude-haiku-5-5', 128_000, { input: 0.1, output: 0.5, cacheRead: 0.01 }),
  model('claude-fable-5-1', 128_000, { input: 10, output: 50 }),
  model('claude-fable-5', 128_000, { input: 10, output: 50, cacheRead: 1 }),
  model('claude-opus-5', 128_000, { input: 5, output: 25, cacheRead: 0.5 }),
  model('claude-sonnet-5', 128_000, { input: 2, output: 10, cacheRead: 0.2 }),
  model('claude-opus-4-8', 128_000, { input: 5, output: 25, cacheRead: 0.5 }),
  model('claude-opus-4-7', 128_000, { input: 5, output: 25, cacheRead: 0.5 }),
  model('claude-opus-4-6', 128_000, { input: 5, output: 25, cacheRead: 0.5 }),
  model('claude-sonnet-4-6', 64_000, { input: 3, output: 15, cacheRead: 0.3 }),
  model('claude-opus-4-5', 64_000, { input: 5, output: 25, cacheRead: 0.5 }),
  model('claude-haiku-4-5', 64_000, { input: 1, output: 5, cacheRead: 0.1 }),
  model('claude-sonnet-4-5', 64_000, { input: 3, output: 15, cacheRead: 0.3 }, true),
]);

/** The retirement days Anthropic has announced for deprecated models, by alias. */
const retirementDays: ReadonlyMap<string, string> = new Map([['claude-sonnet-4-5', '2026-11-30']]);

/**
 * The deprecation of a model whose catalogue entry is `deprecated` (a dated snapshot uses its
 * alias's entry and day), or `undefined`.
 *
 * @internal
 */
export function anthropicDeprecation(
  info: ModelInfo | undefined,
  modelId: string,
): ModelDeprecation | undefined {
  if (info?.deprecated !== true) return undefined;
  const retiresAt = retirementDays.get(info.name);
  return createModelDeprecation({
    vendor: 'Anthropic',
    modelId,
    ...(retiresAt !== undefined ? { retiresAt } : {}),
  });
}

/**
 * The capabilities of a Claude model the catalogue does not list: 64,000 output tokens, streaming,
 * tools and images, 16 calls at once.
 *
 * @example
 * ```ts
 * import { DEFAULT_ANTHROPIC_CAPABILITIES } from '@agentry/anthropic';
 *
 * console.log(DEFAULT_ANTHROPIC_CAPABILITIES.maxTokens); // 64000
 * ```
 */
export const DEFAULT_ANTHROPIC_CAPABILITIES: Readonly<ModelCapabilities> = Object.freeze({
  maxTokens: 64_000,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: true,
  maxConcurrency: DEFAULT_MAX_CONCURRENCY,
});

/**
 * Finds a model in a catalogue by id; a dated snapshot id (`claude-haiku-4-5-20251001`) finds its
 * alias's entry.
 *
 * @internal
 */
export function findAnthropicModel(
  catalogue: readonly ModelInfo[],
  modelId: string,
): ModelInfo | undefined {
  return (
    catalogue.find((info) => info.name === modelId) ??
    catalogue.find((info) => info.name === modelId.replace(/-\d{8}$/, ''))
  );
}
