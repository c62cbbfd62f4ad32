import {
  AgentryError,
  createCredentialSource,
  createPooledFetch,
  guardModel,
  MODEL_SPECIFICATION_VERSION,
  type ApiKeyRotationConfig,
  type AuthenticationMethod,
  type CreateCredentialSourceOptions,
  type CredentialSource,
  type ModelInfo,
  type ModelSettings,
  type OAuth2Config,
  type ProviderConnectionOptions,
  type ProviderFactory,
} from '@agentry/core';
import { createAnthropicClientSource } from './anthropic-client-source.js';
import { createAnthropicLanguageModel } from './anthropic-language-model.js';
import { anthropicModels, DEFAULT_ANTHROPIC_CAPABILITIES, findAnthropicModel } from './models.js';
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
 * - `timeout` defaults to 600000 ms (10 minutes); past it a call whose response has not started
 *   fails with `timeout`. A stream that has started is not cut off.
 * - `fetch` replaces the provider's connection pool (`connectionPool` is then ignored), and also
 *   carries OAuth2 token requests.
 *
 * @example
 * ```ts
 * const options: AnthropicProviderOptions = {
 *   apiKey: process.env.ANTHROPIC_API_KEY,
 *   endpoint: 'https://llm-gateway.example.com/anthropic',
 *   timeout: 60_000,
 * };
 * ```
 */
export type AnthropicProviderOptions = ProviderConnectionOptions;

/** The Anthropic provider: a `ProviderFactory` that also closes its connections. */
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
  const defaultCredentials = options.credentials ?? credentialsFromOptions(options, fetch);
  const modelCredentials = entryCredentials(options, fetch);
  let closing: Promise<void> | undefined;

  return {
    specificationVersion: MODEL_SPECIFICATION_VERSION,
    type: 'anthropic',
    models: () => catalogue,
    validateApiKey: validateAnthropicApiKey,
    createModel(modelId, settings = {}) {
      const info = findAnthropicModel(catalogue, modelId);
      const credentials =
        settings.authentication !== undefined
          ? modelCredentials(settings.authentication, settings)
          : settings.apiKey !== undefined
            ? apiKeySource(settings.apiKey, options)
            : defaultCredentials;
      const clients = createAnthropicClientSource({
        credentials,
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
          clients,
        }),
      );
    },
    close() {
      closing ??= pooledFetch?.close() ?? Promise.resolve();
      return closing;
    },
  };
}

/** The first of `authentication`, `apiKey` and `ANTHROPIC_API_KEY` given. */
function credentialsFromOptions(
  options: AnthropicProviderOptions,
  fetch: typeof globalThis.fetch,
): CredentialSource {
  if (options.authentication !== undefined) {
    return createCredentialSource({
      method: options.authentication,
      ...(options.oauth2 !== undefined ? { oauth2: options.oauth2 } : {}),
      ...rotationOptions(options),
      // OAuth2 token requests go the way API calls go (a proxy's fetch, or the pool).
      fetch,
    });
  }
  if (options.apiKey !== undefined) return apiKeySource(options.apiKey, options);
  return environmentKeySource();
}

/** An API key's source, rotating as `apiKeyRotation` says. */
function apiKeySource(apiKey: string, options: AnthropicProviderOptions): CredentialSource {
  return createCredentialSource({
    method: { type: 'api_key', configuration: { apiKey } },
    ...rotationOptions(options),
  });
}

/**
 * Makes the credential source of a model whose settings carry an `authentication` method (from
 * the configuration's provider entry): one source per method object, so the models of one entry
 * share one OAuth2 token and one key-rotation record. The settings' `oauth2` and
 * `apiKeyRotation` win over the options'; `readKey` and `clock` are the options'.
 */
function entryCredentials(
  options: AnthropicProviderOptions,
  fetch: typeof globalThis.fetch,
): (method: AuthenticationMethod, settings: ModelSettings) => CredentialSource {
  const sources = new WeakMap<
    AuthenticationMethod,
    { oauth2?: OAuth2Config; rotation?: ApiKeyRotationConfig; source: CredentialSource }
  >();
  return (method, settings) => {
    const oauth2 = settings.oauth2 ?? options.oauth2;
    const rotation = settings.apiKeyRotation ?? options.apiKeyRotation;
    const cached = sources.get(method);
    if (cached !== undefined && cached.oauth2 === oauth2 && cached.rotation === rotation) {
      return cached.source;
    }
    const source = createCredentialSource({
      method,
      ...(oauth2 !== undefined ? { oauth2 } : {}),
      ...rotationOptions({ ...options, apiKeyRotation: rotation }),
      // OAuth2 token requests go the way API calls go (a proxy's fetch, or the pool).
      fetch,
    });
    sources.set(method, { oauth2, rotation, source });
    return source;
  };
}

function rotationOptions(
  options: AnthropicProviderOptions,
): Pick<CreateCredentialSourceOptions, 'rotation' | 'readKey' | 'clock'> {
  return {
    ...(options.apiKeyRotation !== undefined ? { rotation: options.apiKeyRotation } : {}),
    ...(options.readKey !== undefined ? { readKey: options.readKey } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  };
}

/** The `ANTHROPIC_API_KEY` environment variable, read at each call. */
function environmentKeySource(): CredentialSource {
  return {
    get() {
      const value = process.env['ANTHROPIC_API_KEY'];
      if (value === undefined || value === '') {
        return Promise.reject(
          new AgentryError({
            code: 'auth_failed',
            message:
              'No Anthropic credential is configured: give createAnthropic an apiKey, authentication or credentials, or set ANTHROPIC_API_KEY.',
            details: { provider: 'anthropic' },
            suggestions: [
              "Set the ANTHROPIC_API_KEY environment variable, or configure the provider's authentication.",
            ],
          }),
        );
      }
      return Promise.resolve({ scheme: 'api_key', value });
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
