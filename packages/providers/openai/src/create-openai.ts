import {
  AgentryError,
  createModelDeprecation,
  createPooledFetch,
  createProviderCredentials,
  providerApiKeyVariables,
  guardModel,
  type LanguageModel,
  type ModelInfo,
  type ModelSettings,
  type ProviderFactory,
} from '@agentry/core';
import { VERSION as SDK_VERSION } from 'openai/version';
import { createClientSource } from './create-client-source.js';
import { createOpenAIModel } from './create-openai-model.js';
import { DEFAULT_CUSTOM_CAPABILITIES, findModelInfo, openaiModels } from './models.js';
import type { OpenAIApi, OpenAIProviderOptions } from './openai-provider-options.js';
import { validateOpenAIApiKey } from './validate-openai-api-key.js';
import { VERSION } from './version.js';

/**
 * The OpenAI provider: a `ProviderFactory` whose models share one connection pool, which
 * `close()` shuts.
 *
 * @example
 * ```ts
 * import { createAgent } from '@agentry/core';
 * import { createOpenAI, type OpenAIProvider } from '@agentry/openai';
 *
 * const openai: OpenAIProvider = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });
 * const agent = createAgent({ model: openai.createModel('gpt-5.4-mini') });
 * console.log(await agent.send('Say hello.'));
 * await agent.shutdown();
 * await openai.close(); // the connection pool, once every model is done with it
 * ```
 */
export interface OpenAIProvider extends ProviderFactory {
  /** Always `openai`. */
  readonly type: 'openai';
  /** The API models speak unless their settings say otherwise. */
  readonly api: OpenAIApi;
  /** Closes the connection pool; later calls fail. The plug-in calls it on shutdown. */
  close(): Promise<void>;
}

const apis: readonly OpenAIApi[] = ['responses', 'chat'];
const USER_AGENT = `OpenAI/JS ${SDK_VERSION} agentry-openai/${VERSION}`;

function checkApi(api: unknown, path: string): OpenAIApi {
  if (apis.includes(api as OpenAIApi)) return api as OpenAIApi;
  throw new AgentryError({
    code: 'validation_failed',
    message: `${path} must be "responses" or "chat", not ${JSON.stringify(api)}.`,
    details: { path, received: String(api) },
    suggestions: [`Set ${path} to "responses" (the default) or "chat".`],
  });
}

/** Whether an endpoint is OpenAI's own API (or unset, which means it). */
function isOpenAIHost(endpoint: string | undefined, path: string): boolean {
  if (endpoint === undefined) return true;
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The OpenAI ${path} ${JSON.stringify(endpoint)} is not an http(s) URL.`,
      details: { path, received: endpoint },
      suggestions: [`Set ${path} to an absolute URL such as "http://localhost:11434/v1".`],
    });
  }
  return url.hostname === 'api.openai.com' || url.hostname.endsWith('.openai.com');
}

/**
 * Creates the OpenAI provider: a `ProviderFactory` (type `openai`) whose models call OpenAI, or
 * an OpenAI-compatible server, through the official `openai` SDK.
 *
 * - **APIs.** `api: 'responses'` (default) uses the Responses API; `api: 'chat'` uses Chat
 *   Completions, which OpenAI-compatible servers (vLLM, Ollama, LM Studio) speak: point `endpoint`
 *   at them. A model's `settings.options.api` overrides the provider's.
 * - **Models.** `createModel` takes the catalogue's ids ({@link openaiModels}), dated snapshots of
 *   them (`gpt-4.1-2025-04-14`) and ids added with `models`; on another server any id works, with
 *   `defaultCapabilities`. Models are wrapped with core's `guardModel`, so images sent to a model
 *   without vision are refused and at most `maxConcurrency` calls run at once.
 * - **Transport.** Every model shares one connection pool (`connectionPool`); the SDK retries
 *   nothing (`maxRetries: 0`) since Agentry's router decides about retries.
 * - **Credentials.** The first of a model's own `authentication` setting (from the
 *   configuration's provider entry, with its `oauth2` and `apiKeyRotation`), its `apiKey`
 *   setting, `credentials`, `authentication`, `apiKey` and the `OPENAI_API_KEY` environment
 *   variable, read on each call (so rotated keys and refreshed OAuth2 tokens take effect), with
 *   one SDK client kept per credential value. A bearer token or OAuth2 token is sent as
 *   `Authorization: Bearer`.
 *
 * @param options - core's connection options plus OpenAI's own; everything is optional
 * @throws AgentryError `validation_failed` when `api`, `endpoint`, the connection pool settings
 *   or the OAuth2 setup are not valid; `createModel`
 *   throws `unknown_model` for an id OpenAI's catalogue does not hold (on OpenAI's own API) and
 *   `validation_failed` for a bad `settings.options.api`
 * @example
 * ```ts
 * import { createOpenAI } from '@agentry/openai';
 *
 * const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });
 * const model = openai.createModel('gpt-5.4-mini');
 * const response = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
 * });
 * console.log(response.content);
 * ```
 */
export function createOpenAI(options: OpenAIProviderOptions = {}): OpenAIProvider {
  const api = checkApi(options.api ?? 'responses', 'api');
  isOpenAIHost(options.endpoint, 'endpoint'); // refuses an endpoint that is not an http(s) URL, now
  const catalogue: readonly ModelInfo[] = [
    ...(options.models ?? []),
    ...openaiModels.filter((info) => !options.models?.some((own) => own.name === info.name)),
  ];
  const pooledFetch =
    options.fetch === undefined ? createPooledFetch(options.connectionPool) : undefined;
  const fetch = options.fetch ?? pooledFetch;
  const credentials = createProviderCredentials(options, {
    provider: 'OpenAI',
    environmentVariables: providerApiKeyVariables.openai,
    fetch: fetch!,
  });

  function createModel(modelId: string, settings: ModelSettings = {}): LanguageModel {
    const modelApi = checkApi(settings.options?.api ?? api, 'settings.options.api');
    const endpoint = settings.endpoint ?? options.endpoint;
    const onOpenAI = isOpenAIHost(
      endpoint,
      settings.endpoint === undefined ? 'endpoint' : 'settings.endpoint',
    );
    const info = findModelInfo(catalogue, modelId);
    if (info === undefined && onOpenAI) {
      throw new AgentryError({
        code: 'unknown_model',
        message: `@agentry/openai does not know the OpenAI model "${modelId}", so it cannot tell what the model can do.`,
        details: { provider: 'openai', modelId, known: catalogue.map((entry) => entry.name) },
        suggestions: [
          `Use a known model id, or describe "${modelId}" in createOpenAI's models option ({ name, capabilities }).`,
        ],
      });
    }
    const clients = createClientSource(
      credentials.forModel(settings),
      {
        maxRetries: 0,
        logLevel: 'off',
        // The SDK reads streamed bodies by async iteration: on the provider's own pool, the
        // pool's sdkFetch lets it read them straight from the connection.
        ...(fetch === undefined ? {} : { fetch: pooledFetch?.sdkFetch ?? fetch }),
        ...(endpoint === undefined ? {} : { baseURL: endpoint }),
        ...(options.organization === undefined ? {} : { organization: options.organization }),
        ...(options.project === undefined ? {} : { project: options.project }),
        ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
        ...(options.headers === undefined ? {} : { defaultHeaders: options.headers }),
      },
      USER_AGENT,
    );
    return guardModel(
      createOpenAIModel({
        modelId,
        api: modelApi,
        capabilities: {
          ...(info?.capabilities ?? options.defaultCapabilities ?? DEFAULT_CUSTOM_CAPABILITIES),
        },
        clients,
        // OpenAI's models refuse max_tokens once they reason; other servers all read it.
        tokenLimitField:
          onOpenAI || findModelInfo(openaiModels, modelId) !== undefined
            ? 'max_completion_tokens'
            : 'max_tokens',
        timeout: options.timeout,
        ...(info?.deprecated === true
          ? { deprecation: createModelDeprecation({ vendor: 'OpenAI', modelId }) }
          : {}),
      }),
    );
  }

  return {
    specificationVersion: 'v1',
    type: 'openai',
    api,
    models: () => catalogue.map((info) => structuredClone(info)),
    validateApiKey: validateOpenAIApiKey,
    createModel,
    close: () => pooledFetch?.close() ?? Promise.resolve(),
  };
}
