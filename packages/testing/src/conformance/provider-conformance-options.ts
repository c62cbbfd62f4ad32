import type { LanguageModel } from '@agentry/core';
import type { Emulator } from '../emulator/emulator.js';
import type { EmulatorApi } from '../emulator/emulator-types.js';
import type {
  ConformanceRequest,
  ConformanceRequestInfo,
  ConformanceServe,
} from './serve/serve-types.js';

/**
 * What `createModel` receives with `serve`: where the kit's server listens.
 *
 * @example
 * ```ts
 * const createModel = ({ baseURL, apiKey, modelId }: ProviderConformanceServerContext) =>
 *   createAcmeProvider({ baseURL, apiKey }).createModel(modelId);
 * ```
 */
export interface ProviderConformanceServerContext {
  /**
   * The base URL to give the provider: the emulator's for the wire format, such as
   * `http://127.0.0.1:43123/openai/v1`, or the kit's server, such as `http://127.0.0.1:43124`.
   */
  baseURL: string;
  /** The model id to create (`options.modelId`). */
  modelId: string;
  /** An API key made for the run; the kit checks that it is sent and never shows in errors. */
  apiKey: string;
}

/**
 * What `createModel` receives with a built-in wire format (`api`): where the emulator listens.
 *
 * @example
 * ```ts
 * const createModel = ({ baseURL, apiKey, modelId }: ProviderConformanceModelContext) =>
 *   createCompatibleProvider({ endpoint: baseURL, apiKey, models: [{ name: modelId }] }).createModel(modelId);
 * ```
 */
export interface ProviderConformanceModelContext extends ProviderConformanceServerContext {
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

/**
 * What both modes of {@link describeProviderConformance} take.
 *
 * @example
 * ```ts
 * const base: ProviderConformanceBaseOptions = { name: 'acme', modelId: 'acme-large' };
 * ```
 */
export interface ProviderConformanceBaseOptions {
  /** Names the suite, such as `createCompatibleProvider`. */
  name: string;
  /** The model id to create; default `conformance-model`. */
  modelId?: string;
  /** What the provider does beyond what its model declares. */
  capabilities?: ProviderConformanceCapabilities;
}

/**
 * Options of {@link describeProviderConformance} for a provider that speaks one of the built-in
 * wire formats: the emulator answers in it.
 *
 * @example
 * ```ts
 * const options: ProviderConformanceWireOptions = {
 *   name: 'createCompatibleProvider',
 *   api: 'openai-chat',
 *   createModel: ({ baseURL, apiKey, modelId }) =>
 *     createCompatibleProvider({ endpoint: baseURL, apiKey, models: [{ name: modelId }] }).createModel(modelId),
 * };
 * ```
 */
export interface ProviderConformanceWireOptions extends ProviderConformanceBaseOptions {
  /** The wire format the provider speaks; the emulator answers in it. */
  api: EmulatorApi;
  /** Only with your own protocol. */
  serve?: never;
  /**
   * Creates the model under test, pointed at the emulator: pass `baseURL` and `apiKey` to your
   * provider as a user would pass an endpoint and a key. Called once per check; the retries of an
   * official SDK client must be off (`maxRetries: 0`), as in every provider.
   */
  createModel(context: ProviderConformanceModelContext): LanguageModel;
}

/**
 * Options of {@link describeProviderConformance} for a provider with its own protocol: the kit
 * runs the same checks, and your `serve` encodes each check's scenario in your vendor's protocol.
 *
 * @example
 * ```ts
 * const options: ProviderConformanceServeOptions = {
 *   name: 'acme',
 *   serve: serveAcme,
 *   readRequest: (request) => ({ model: (request.body as { model?: string }).model, toolCallIds: [], toolResultIds: [] }),
 *   createModel: ({ baseURL, apiKey, modelId }) => createAcmeProvider({ baseURL, apiKey }).createModel(modelId),
 * };
 * ```
 */
export interface ProviderConformanceServeOptions extends ProviderConformanceBaseOptions {
  /** Only with a built-in wire format. */
  api?: never;
  /**
   * Your vendor's encoder: answers each scenario in your protocol, as a body or as the events of
   * a stream; the kit owns the server, the pacing, resets, stalls and the checks.
   */
  serve: ConformanceServe;
  /**
   * Reads from a request in your protocol the model it names, and the ids of the tool calls and
   * tool results it sends back, for the checks that look at what the provider sent.
   */
  readRequest: (request: ConformanceRequest) => ConformanceRequestInfo;
  /**
   * Creates the model under test, pointed at the kit's server: pass `baseURL` and `apiKey` to
   * your provider as a user would pass an endpoint and a key. Called once per check.
   */
  createModel(context: ProviderConformanceServerContext): LanguageModel;
}

/**
 * Options of {@link describeProviderConformance}: a built-in wire format (`api`) or your own
 * protocol (`serve` and `readRequest`).
 *
 * @example
 * ```ts
 * const options: ProviderConformanceOptions = {
 *   name: 'createCompatibleProvider',
 *   api: 'openai-chat',
 *   createModel: ({ baseURL, apiKey, modelId }) =>
 *     createCompatibleProvider({ endpoint: baseURL, apiKey, models: [{ name: modelId }] }).createModel(modelId),
 * };
 * ```
 */
export type ProviderConformanceOptions =
  ProviderConformanceWireOptions | ProviderConformanceServeOptions;
