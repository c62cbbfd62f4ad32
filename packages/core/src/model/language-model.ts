import type { ApiKeyRotationConfig } from '../schemas/api-key-rotation-config.js';
import type { AuthenticationMethod } from '../schemas/authentication-method.js';
import type { ModelCapabilities } from '../schemas/model-capabilities.js';
import type { ModelInfo } from '../schemas/model-info.js';
import type { OAuth2Config } from '../schemas/oauth2-config.js';
import type { ProviderType } from '../schemas/provider-type.js';
import type { ModelCallOptions, ModelRequest } from './model-request.js';
import type { ModelResponse } from './model-response.js';
import type { ModelStreamPart } from './model-stream-part.js';

/** The version of the model contract this core speaks. */
export const MODEL_SPECIFICATION_VERSION = 'v1';

/**
 * A model a provider serves: what every provider plug-in implements. Failures are `AgentryError`s
 * with the shared provider codes (`rate_limited` with `details.retryAfterMs`, `auth_failed`,
 * `invalid_request`, `context_length_exceeded`, `content_filtered`, `provider_unavailable`,
 * `timeout`, `network`, `aborted`): thrown by `generate`, or thrown from the stream's iterator
 * (before any part) or sent as an `error` part (after some parts, which are then kept as partial
 * output and never stitched into a retry).
 *
 * @example
 * ```ts
 * import type { LanguageModel } from '@agentry/core';
 *
 * declare const model: LanguageModel; // from a provider: openai.createModel('gpt-5.4-mini')
 * // Agents call models for you; calling one directly is one request, with no retries.
 * const response = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Name a colour.' }] }],
 *   parameters: { maxTokens: 20 },
 * });
 * console.log(model.provider, model.modelId, response.finishReason);
 * for await (const part of model.stream({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Count to 3.' }] }] })) {
 *   if (part.type === 'text-delta') process.stdout.write(part.delta);
 * }
 * ```
 */
export interface LanguageModel {
  /** The contract version, `v1`. */
  readonly specificationVersion: 'v1';
  /** The provider type: a built-in one (`openai`, …) or its plug-in's own (`acme`). */
  readonly provider: ProviderType;
  /** The vendor's model id. */
  readonly modelId: string;
  /** What the model can do. */
  readonly capabilities: ModelCapabilities;
  /**
   * Set when the vendor has announced the model's retirement. An agent emits it once per model as
   * a `model-warning` event on `events$` the first time it calls the model; nothing is printed.
   */
  readonly deprecation?: ModelDeprecation;
  /** Makes one call and returns the whole response. */
  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
  /** Makes one call and streams the response. */
  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamPart>;
}

/**
 * A vendor's announcement that a model will be retired, as a provider states it on the
 * {@link LanguageModel} it creates (from its catalogue's `deprecated` entries). Agents surface it
 * once per model as a `model-warning` event; providers never print it.
 *
 * @example
 * ```ts
 * const model = anthropic.createModel('claude-sonnet-4-5');
 * if (model.deprecation) logger.warn(model.deprecation.message);
 * ```
 */
export interface ModelDeprecation {
  /** What is deprecated and what to do, in one or two sentences. */
  message: string;
  /** The day the vendor retires the model (`YYYY-MM-DD`), when it has announced one. */
  retiresAt?: string;
}

/**
 * Settings for one model created by a provider factory.
 *
 * @example
 * ```ts
 * import type { ModelSettings, ProviderFactory } from '@agentry/core';
 *
 * declare const openai: ProviderFactory;
 * // One model on a different endpoint and key than the factory's defaults.
 * const settings: ModelSettings = {
 *   endpoint: 'https://eu.api.example.com/v1',
 *   authentication: { type: 'api_key', configuration: { apiKey: process.env.EU_OPENAI_KEY ?? '' } },
 * };
 * const model = openai.createModel('gpt-5.4-mini', settings);
 * ```
 */
export interface ModelSettings {
  /**
   * Overrides the factory's API key for this model. `createAgentry` sets it only for an `api_key`
   * entry, for factories that read nothing else.
   */
  apiKey?: string;
  /**
   * How to authenticate, from the configuration's provider entry (references resolved, secrets
   * substituted); wins over the factory's own credentials and over `apiKey`. A `bearer_token` or
   * `oauth2` credential is sent as `Authorization: Bearer`, never as the vendor's key header.
   */
  authentication?: AuthenticationMethod;
  /** The OAuth2 client settings (`authentication.oauth2`) that an `oauth2` method needs. */
  oauth2?: OAuth2Config;
  /** How API keys rotate (`authentication.apiKeyRotation`), for an `api_key` method. */
  apiKeyRotation?: ApiKeyRotationConfig;
  /** Overrides the factory's endpoint for this model. */
  endpoint?: string;
  /** Vendor-specific settings. */
  options?: Record<string, unknown>;
}

/**
 * A provider plug-in's entry point: which vendor it serves, its model catalogue, its API-key format
 * check, and how to create a model.
 *
 * @example
 * ```ts
 * import type { ProviderFactory } from '@agentry/core';
 *
 * declare const factory: ProviderFactory; // what a provider plug-in serves, such as createOpenAI()
 * console.log(factory.type, factory.models().map((info) => info.name));
 * // Checks the key's shape without a network call; the message never contains the key.
 * const problem = factory.validateApiKey(process.env.OPENAI_API_KEY ?? '');
 * if (problem) throw new Error(problem);
 * const model = factory.createModel('gpt-5.4-mini');
 * ```
 */
export interface ProviderFactory {
  /** The contract version, `v1`. */
  readonly specificationVersion: 'v1';
  /**
   * The provider type (`ProviderConfig.type`) it serves: a built-in one, or a type of the plug-in's
   * own, such as `acme` (any name matching `PROVIDER_TYPE_PATTERN`). One plug-in per type is
   * installed; models are then named `acme:<model>`.
   */
  readonly type: ProviderType;
  /** The models it knows, with capabilities and prices. */
  models(): readonly ModelInfo[];
  /**
   * The environment variables an `api_key` provider entry without a key reads its key from, the
   * first one set (and not empty) winning, such as `['ACME_API_KEY']`. Optional: for the built-in
   * types core knows them (`providerApiKeyVariables`); a provider of another type that leaves it
   * out needs the key in its configuration entry.
   */
  readonly apiKeyEnvironmentVariables?: readonly string[];
  /**
   * Checks an API key's format without calling the provider. Returns `undefined` when the key
   * looks right, or a sentence saying what is wrong (never containing the key).
   */
  validateApiKey(apiKey: string): string | undefined;
  /** Creates a model by the vendor's model id. */
  createModel(modelId: string, settings?: ModelSettings): LanguageModel;
}
