import {
  createPooledFetch,
  createProviderCredentials,
  providerApiKeyVariables,
  guardModel,
  MODEL_SPECIFICATION_VERSION,
  type ModelInfo,
  type ProviderConnectionOptions,
  type ProviderFactory,
} from '@agentry/core';
import { createAnthropicClientSource } from './anthropic-client-source.js';
import { createAnthropicLanguageModel } from './anthropic-language-model.js';
import {
  anthropicDeprecation,
  anthropicModels,
  DEFAULT_ANTHROPIC_CAPABILITIES,
  findAnthropicModel,
} from './models.js';
import { validateAnthropicApiKey } from './validate-anthropic-api-key.js';

/** The Messages API's address when no endpoint is given. */
const DEFAULT_ENDPOINT = 'https://api.anthropic.com';

/** How long a call waits for the response to start unless told otherwise: 10 minutes, in ms. */
const DEFAULT_TIMEOUT = 600_000;

/**
 * Options of {@link createAnthropic} and {@link anthropicPlugin}: core's
 * `ProviderConnectionOptions`, which every Agentry provider takes, so switching vendors changes the
 * factory, not the options. For Anthropic:
 *
 * - `apiKey` is an Anthropic key (`sk-ant-…`); `bearer_token` and `oauth2` credentials are sent
 *   as `Authorization: Bearer`.
 * - Credentials are looked for in this order: a model's own `authentication` setting (from the
 *   configuration's provider entry, with its `oauth2` and `apiKeyRotation`), its `apiKey`
 *   setting, `credentials`, `authentication` (with `oauth2`, `apiKeyRotation`, `readKey` and
 *   `clock`), `apiKey`, and last the `ANTHROPIC_API_KEY` environment variable, read at each call.
 * - `endpoint` defaults to `https://api.anthropic.com` (without `/v1`).
 * - `timeout` defaults to 600000 ms (10 minutes). It bounds the wait for the response to start
 *   and, in a stream, each wait for the next event: a call or a stream that waits longer fails
 *   with `timeout` (after some parts, as an `error` part; what came is partial output) and its
 *   connection is closed. A long stream that keeps coming is never cut off, and the time the
 *   consumer spends between parts does not count.
 * - `fetch` replaces the provider's connection pool (`connectionPool` is then ignored), and also
 *   carries OAuth2 token requests.
 *
 * @example
 * ```ts
 * import { type AnthropicProviderOptions } from '@agentry/anthropic';
 *
 * const options: AnthropicProviderOptions = {
 *   apiKey: process.env.ANTHROPIC_API_KEY,
 *   endpoint: 'https://llm-gateway.example.com/anthropic',
 *   timeout: 60_000,
 * };
 * ```
 */
export type AnthropicProviderOptions = ProviderConnectionOptions;

/**
 * The Anthropic provider: a `ProviderFactory` that also closes its connections.
 *
 * @example
 * ```ts
 * import { createAgent } from '@agentry/core';
 * import { createAnthropic, type AnthropicProvider } from '@agentry/anthropic';
 *
 * const anthropic: AnthropicProvider = createAnthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
 * const agent = createAgent({ model: anthropic.createModel('claude-haiku-5-5') });
 * console.log(await agent.send('Say hello.'));
 * await agent.shutdown();
 * await anthropic.close(); // the connection pool, once every model is done with it
 * ```
 */
export interface AnthropicProvider extends ProviderFactory {
  /** Always `anthropic`. */
  readonly type: 'anthropic';
  /**
   * Closes the connection pool: calls in flight finish, idle connections close, and calls made
   * afterwards fail with `network`. A `fetch` given in the options is left alone. Calling it
   * again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Creates the Anthropic provider: Claude models over the Messages API through the official
 * `@anthropic-ai/sdk`, with Agentry's error codes, stream parts and usage.
 *
 * Every model of the provider shares one connection pool. Each call reads the credential again
 * (so rotated keys and refreshed tokens take effect) and is one HTTP request: the SDK never
 * retries, so Agentry's retry and fallback policies decide. Models are guarded
 * (`guardModel`): at most `capabilities.maxConcurrency` calls at once.
 *
 * @param options - core's connection options: credentials, endpoint, pool or fetch, timeout,
 *   headers and catalogue additions
 * @throws AgentryError `validation_failed` when the connection pool settings or the OAuth2 setup
 *   are not valid. Calls fail with `auth_failed` when no credential is configured.
 * @example
 * ```ts
 * import { createAnthropic } from '@agentry/anthropic';
 *
 * const anthropic = createAnthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
 * const model = anthropic.createModel('claude-sonnet-5-5');
 * const response = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello!' }] }],
 * });
 * console.log(response.content);
 * await anthropic.close();
 * ```
 */
export function createAnthropic(options: AnthropicProviderOptions = {}): AnthropicProvider {
  const pooledFetch =
    options.fetch === undefined ? createPooledFetch(options.connectionPool) : undefined;
  const fetch = options.fetch ?? pooledFetch!;
  const catalogue = mergeCatalogue(anthropicModels, options.models ?? []);
  const endpoint = stripTrailingSlash(options.endpoint ?? DEFAULT_ENDPOINT);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const headers = { ...options.headers };
  const credentials = createProviderCredentials(options, {
    provider: 'Anthropic',
    environmentVariables: providerApiKeyVariables.anthropic,
    fetch,
  });
  let closing: Promise<void> | undefined;

  return {
    specificationVersion: MODEL_SPECIFICATION_VERSION,
    type: 'anthropic',
    models: () => catalogue,
    validateApiKey: validateAnthropicApiKey,
    createModel(modelId, settings = {}) {
      const info = findAnthropicModel(catalogue, modelId);
      const clients = createAnthropicClientSource({
        credentials: credentials.forModel(settings),
        endpoint:
          settings.endpoint !== undefined ? stripTrailingSlash(settings.endpoint) : endpoint,
        fetch,
        timeout,
        headers,
      });
      return guardModel(
        createAnthropicLanguageModel({
          modelId,
          capabilities: info?.capabilities ?? { ...DEFAULT_ANTHROPIC_CAPABILITIES },
          deprecation: anthropicDeprecation(info, modelId),
          clients,
          timeout,
        }),
      );
    },
    close() {
      closing ??= pooledFetch?.close() ?? Promise.resolve();
      return closing;
    },
  };
}

function mergeCatalogue(
  builtIn: readonly ModelInfo[],
  extra: readonly ModelInfo[],
): readonly ModelInfo[] {
  const names = new Set(extra.map((info) => info.name));
  return Object.freeze([...extra, ...builtIn.filter((info) => !names.has(info.name))]);
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
