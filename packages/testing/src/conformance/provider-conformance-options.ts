import type { LanguageModel } from '@agentry/core';
import type { Emulator } from '../emulator/emulator.js';
import type { EmulatorApi } from '../emulator/emulator-types.js';

/** What {@link ProviderConformanceOptions.createModel} receives: where the emulator listens. */
export interface ProviderConformanceModelContext {
  /** The base URL to give the provider, such as `http://127.0.0.1:43123/openai/v1`. */
  baseURL: string;
  /** The model id to create (`options.modelId`). */
  modelId: string;
  /** An API key made for the run; the kit checks that it is sent and never shows in errors. */
  apiKey: string;
  /** The emulator the model talks to (some checks start one of their own). */
  emulator: Emulator;
}

/**
 * What the provider does that the kit cannot learn from the model itself. Vision comes from the
 * model's `capabilities.supportsVision` and tool calls from `capabilities.supportsFunctions`.
 */
export interface ProviderConformanceCapabilities {
  /**
   * Whether the model reads images. When set, the kit also checks that the model's
   * `capabilities.supportsVision` says the same. Default: the model's `supportsVision`.
   */
  vision?: boolean;
  /**
   * Whether the provider streams the vendor's reasoning as `reasoning-start`, `reasoning-delta` and
   * `reasoning-end` parts (and returns it from `generate`). Default `false`.
   */
  reasoning?: boolean;
  /**
   * Whether the wire format reports reasoning tokens, so that `usage.reasoningTokens` must carry
   * them. Default `true`, except for `anthropic`, whose usage has no such count.
   */
  reasoningTokens?: boolean;
  /** Whether the wire format reports cached input tokens (`usage.cachedInputTokens`). Default `true`. */
  cachedInputTokens?: boolean;
}

/** Options of {@link describeProviderConformance}. */
export interface ProviderConformanceOptions {
  /** Names the suite, such as `createCompatibleProvider`. */
  name: string;
  /** The wire format the provider speaks; the emulator answers in it. */
  api: EmulatorApi;
  /**
   * Creates the model under test, pointed at the emulator: pass `baseURL` and `apiKey` to your
   * provider as a user would pass an endpoint and a key. Called once per check; the retries of an
   * official SDK client must be off (`maxRetries: 0`), as in every provider.
   */
  createModel(context: ProviderConformanceModelContext): LanguageModel;
  /** The model id to create; default `conformance-model`. */
  modelId?: string;
  /** What the provider does beyond what its model declares. */
  capabilities?: ProviderConformanceCapabilities;
}
