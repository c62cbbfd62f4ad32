import type { ModelCapabilities, ProviderConnectionOptions } from '@agentry/core';

/**
 * The OpenAI API a model speaks: `responses` (the Responses API, OpenAI's newest, with reasoning
 * summaries and encrypted reasoning) or `chat` (Chat Completions, which OpenAI-compatible servers
 * such as vLLM, Ollama and LM Studio speak too).
 *
 * @example
 * ```ts
 * import { createOpenAI, type OpenAIApi } from '@agentry/openai';
 *
 * // A local vLLM server speaks Chat Completions, not the Responses API.
 * const api: OpenAIApi = 'chat';
 * const local = createOpenAI({ api, endpoint: 'http://localhost:8000/v1', apiKey: 'unused' });
 * ```
 */
export type OpenAIApi = 'responses' | 'chat';

/**
 * Options of {@link createOpenAI} and {@link openaiPlugin}: core's `ProviderConnectionOptions`,
 * which every Agentry provider takes, plus OpenAI's own `api`, `organization`, `project` and
 * `defaultCapabilities`.
 *
 * - `endpoint` is the API's base URL (default `https://api.openai.com/v1`): set it to use an
 *   OpenAI-compatible server (`http://localhost:8000/v1` for vLLM, `http://localhost:11434/v1`
 *   for Ollama, `http://localhost:1234/v1` for LM Studio) or a proxy.
 * - Credentials are looked for in this order: a model's own `authentication` setting (from the
 *   configuration's provider entry), its `apiKey` setting, `credentials`, `authentication` (with
 *   `oauth2`, `apiKeyRotation`, `readKey` and `clock`), `apiKey`, and last the `OPENAI_API_KEY`
 *   environment variable, read at each call.
 * - `timeout` (default the SDK's 10 minutes) bounds the wait for a response to begin and, in a
 *   stream, each wait for the next event: a stream silent for longer fails with `timeout` and its
 *   connection is closed. A long stream that keeps coming is never cut off.
 * - `fetch` replaces the provider's connection pool (`connectionPool` is then ignored), and also
 *   carries OAuth2 token requests.
 * - `models` entries give `createModel` their capabilities, such as the vision flag and the
 *   concurrency limit.
 *
 * @example
 * ```ts
 * import { type OpenAIProviderOptions } from '@agentry/openai';
 *
 * const options: OpenAIProviderOptions = {
 *   api: 'chat',
 *   endpoint: 'http://localhost:11434/v1',
 *   apiKey: 'ollama',
 *   models: [{ name: 'llama3.3', capabilities: { maxTokens: 8192, supportsStreaming: true, supportsFunctions: true, supportsVision: false, maxConcurrency: 2 } }],
 * };
 * ```
 */
export interface OpenAIProviderOptions extends ProviderConnectionOptions {
  /** The API models speak, unless a model's settings say otherwise. Default `responses`. */
  api?: OpenAIApi;
  /** The OpenAI organization id (`OpenAI-Organization` header). */
  organization?: string;
  /** The OpenAI project id (`OpenAI-Project` header). */
  project?: string;
  /**
   * The capabilities of a model id the catalogue does not hold, on a server other than OpenAI's
   * (default: streaming and functions, no vision, 8,192 output tokens, 4 calls at once). On
   * OpenAI's own API an unknown id is refused; add it to `models` instead.
   */
  defaultCapabilities?: ModelCapabilities;
}
