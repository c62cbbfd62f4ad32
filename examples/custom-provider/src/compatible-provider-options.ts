import type { ModelCapabilities, PricingInfo, ProviderConnectionOptions } from '@agentry/core';

/** A model the server serves, as the provider lists it. */
export interface CompatibleModelOptions {
  /** The server's model id, such as `llama3.2` (Ollama) or `Qwen/Qwen3-8B` (vLLM). */
  name: string;
  /**
   * What the model can do; missing fields take the defaults of {@link DEFAULT_COMPATIBLE_CAPABILITIES}
   * (no vision: set `supportsVision: true` for a model that reads images, such as `llava`).
   */
  capabilities?: Partial<ModelCapabilities>;
  /** What the model costs, for cost metrics; local models usually cost nothing. */
  pricing?: PricingInfo;
}

/**
 * Options of {@link createCompatibleProvider}. The connection settings reuse core's
 * `ProviderConnectionOptions` (picking those this provider serves), so they are named and behave
 * as in every Agentry provider: a user switching from `@agentry/openai` keeps `apiKey`,
 * `credentials`, `endpoint`, `headers`, `connectionPool` and `fetch` as they are. `models` is this
 * provider's own: the server's whole list, not additions to a built-in catalogue.
 *
 * Credentials are looked for in this order: a model's own `apiKey` setting, `credentials`, then
 * `apiKey`, sent as `Authorization: Bearer …`; with none, no `authorization` header is sent
 * (most local servers need none).
 */
export interface CompatibleProviderOptions extends Pick<
  ProviderConnectionOptions,
  'apiKey' | 'credentials' | 'endpoint' | 'headers' | 'connectionPool' | 'fetch'
> {
  /**
   * The server's OpenAI-compatible base URL, ending before `/chat/completions`:
   * `http://localhost:11434/v1` (Ollama), `http://localhost:8000/v1` (vLLM),
   * `http://localhost:1234/v1` (LM Studio). Required: there is no default server.
   */
  endpoint: string;
  /** The models the server serves. */
  models: readonly CompatibleModelOptions[];
  /** How the server is named in error messages; default `the compatible server at <endpoint>`. */
  serverName?: string;
}

/** The capabilities a model gets for the fields its options leave out. */
export const DEFAULT_COMPATIBLE_CAPABILITIES: Readonly<ModelCapabilities> = Object.freeze({
  maxTokens: 4096,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: false,
  maxConcurrency: 4,
});
