import {
  AgentryError,
  createCredentialSource,
  createPooledFetch,
  guardModel,
  modelCapabilitiesSchema,
  type CredentialSource,
  type ModelInfo,
  type ProviderFactory,
} from '@agentry/core';
import {
  DEFAULT_COMPATIBLE_CAPABILITIES,
  type CompatibleProviderOptions,
} from './compatible-provider-options.js';
import { createCompatibleModel } from './create-compatible-model.js';

/** A provider for an OpenAI-compatible server: a `ProviderFactory` with a connection pool to close. */
export interface CompatibleProvider extends ProviderFactory {
  /** Closes the provider's connection pool (not a `fetch` given in the options). */
  close(): Promise<void>;
}

function invalid(
  message: string,
  details: Record<string, unknown>,
  suggestion: string,
): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message,
    details,
    suggestions: [suggestion],
  });
}

function keySource(apiKey: string): CredentialSource {
  return createCredentialSource({ method: { type: 'api_key', configuration: { apiKey } } });
}

function toModelInfos(options: CompatibleProviderOptions): ModelInfo[] {
  if (options.models.length === 0) {
    throw invalid(
      'createCompatibleProvider needs at least one model in models.',
      { path: 'models' },
      'List the models the server serves, such as models: [{ name: "llama3.2" }].',
    );
  }
  const seen = new Set<string>();
  return options.models.map((model, index) => {
    if (seen.has(model.name)) {
      throw invalid(
        `models[${index}].name ${JSON.stringify(model.name)} is listed twice.`,
        { path: `models[${index}].name`, value: model.name },
        'List each model once.',
      );
    }
    seen.add(model.name);
    const parsed = modelCapabilitiesSchema.safeParse({
      ...DEFAULT_COMPATIBLE_CAPABILITIES,
      ...model.capabilities,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = `models[${index}].capabilities.${issue?.path.join('.') ?? ''}`;
      throw invalid(
        `${path} is invalid: ${issue?.message ?? 'unknown problem'}.`,
        { path },
        'Give maxTokens and maxConcurrency as positive integers and the supports… flags as booleans.',
      );
    }
    return {
      name: model.name,
      capabilities: parsed.data,
      ...(model.pricing ? { pricing: model.pricing } : {}),
    };
  });
}

/**
 * Creates a provider for an OpenAI-compatible server (vLLM, Ollama, LM Studio, llama.cpp's
 * server, or a gateway in front of them), speaking Chat Completions with plain `fetch` over one
 * connection pool. It serves the `openai` provider type with its own endpoint, so install it in
 * place of `@agentry/openai`, not beside it.
 *
 * `createModel(id, settings)` returns a guarded model (`guardModel`: an image sent to a model
 * without vision is refused before any call, and at most `maxConcurrency` calls run at once).
 * `settings.apiKey` and `settings.endpoint` override the provider's key and endpoint for that
 * model. The credential is read on every call, so a rotating key or an OAuth2 token in
 * `credentials` is picked up without a restart.
 *
 * @param options - the server, its key and its models
 * @throws AgentryError `validation_failed` when `endpoint` is not an http(s) URL, `models` is
 *   empty, a model is listed twice, its capabilities are invalid or the connection pool settings
 *   are invalid; `createModel` throws
 *   `unknown_model` for an id that is not listed
 * @example
 * ```ts
 * const ollama = createCompatibleProvider({
 *   endpoint: 'http://localhost:11434/v1',
 *   models: [{ name: 'llama3.2' }, { name: 'llava', capabilities: { supportsVision: true } }],
 * });
 * const model = ollama.createModel('llama3.2');
 * const response = await model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
 * await ollama.close();
 * ```
 */
export function createCompatibleProvider(options: CompatibleProviderOptions): CompatibleProvider {
  if (!/^https?:\/\/[^/]/i.test(options.endpoint)) {
    throw invalid(
      `endpoint ${JSON.stringify(options.endpoint)} is not an http(s) URL.`,
      { path: 'endpoint', value: options.endpoint },
      'Set endpoint to the server base URL, ending before /chat/completions, such as http://localhost:11434/v1.',
    );
  }
  const models = toModelInfos(options);
  const pooled =
    options.fetch === undefined ? createPooledFetch(options.connectionPool) : undefined;
  const fetch = options.fetch ?? pooled!;
  const credentials =
    options.credentials ?? (options.apiKey ? keySource(options.apiKey) : undefined);

  return {
    specificationVersion: 'v1',
    type: 'openai',
    models: () => models,
    validateApiKey(apiKey) {
      if (apiKey.trim() === '')
        return 'The API key is empty; leave it out if the server needs none.';
      if (/\s/.test(apiKey))
        return 'The API key contains whitespace; copy it without spaces or line breaks.';
      return undefined;
    },
    createModel(modelId, settings = {}) {
      const info = models.find((model) => model.name === modelId);
      if (info === undefined) {
        const known = models.map((model) => model.name);
        throw new AgentryError({
          code: 'unknown_model',
          message: `The compatible server at ${options.endpoint} has no model ${JSON.stringify(modelId)} in its list (${known.join(', ')}).`,
          details: { provider: 'openai', modelId, known },
          suggestions: [
            `Add { name: ${JSON.stringify(modelId)} } to models, or use one of ${known.join(', ')}.`,
          ],
        });
      }
      const endpoint = settings.endpoint ?? options.endpoint;
      return guardModel(
        createCompatibleModel({
          modelId,
          capabilities: info.capabilities,
          endpoint,
          serverName: options.serverName ?? `the compatible server at ${endpoint}`,
          headers: options.headers ?? {},
          credentials: settings.apiKey ? keySource(settings.apiKey) : credentials,
          fetch,
        }),
      );
    },
    close: () => pooled?.close() ?? Promise.resolve(),
  };
}
