import {
  AgentryError,
  createPooledFetch,
  createProviderCredentials,
  guardModel,
  type ModelInfo,
  type ProviderConnectionOptions,
  type ProviderFactory,
} from '@agentry/core';
import { createAcmeModel } from './create-acme-model.js';

/** Acme's public API. */
export const ACME_DEFAULT_ENDPOINT = 'https://api.acme.example';

/** The environment variable read for the key when no key is configured. */
export const ACME_API_KEY_VARIABLE = 'ACME_API_KEY';

/** Acme's models, with what they can do and what they cost. */
export const acmeModels: readonly ModelInfo[] = [
  {
    name: 'acme-large',
    capabilities: {
      maxTokens: 200_000,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: true,
      maxConcurrency: 8,
    },
    pricing: { inputPerMillionTokens: 2, outputPerMillionTokens: 8, currency: 'USD' },
  },
  {
    name: 'acme-small',
    capabilities: {
      maxTokens: 32_000,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: false,
      maxConcurrency: 16,
    },
    pricing: { inputPerMillionTokens: 0.2, outputPerMillionTokens: 0.8, currency: 'USD' },
  },
];

/** A provider for Acme: a `ProviderFactory` of type `acme` with a connection pool to close. */
export interface AcmeProvider extends ProviderFactory {
  /** Closes the provider's connection pool (not a `fetch` given in the options). */
  close(): Promise<void>;
}

/**
 * Creates the provider of Acme's models, provider type `acme`: it speaks Acme's own protocol
 * (newline-delimited JSON frames) with plain `fetch` over one connection pool. The key is
 * resolved per call by `createProviderCredentials`, as every Agentry provider does: the model's
 * configured authentication, then `apiKey`, `credentials` or `authentication` in the options,
 * then `ACME_API_KEY`. `options.models` adds or corrects catalogue entries.
 *
 * @param options - the connection options every provider takes (`endpoint`, `apiKey`,
 *   `connectionPool`, `headers`, …)
 * @throws AgentryError `validation_failed` when `endpoint` is not an http(s) URL; `createModel`
 *   throws `unknown_model` for an id Acme does not have
 * @example
 * ```ts
 * const acme = createAcmeProvider({ apiKey: process.env.ACME_API_KEY });
 * const response = await acme.createModel('acme-large').generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
 * });
 * await acme.close();
 * ```
 */
export function createAcmeProvider(options: ProviderConnectionOptions = {}): AcmeProvider {
  const endpoint = options.endpoint ?? ACME_DEFAULT_ENDPOINT;
  if (!/^https?:\/\/[^/]/i.test(endpoint)) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `createAcmeProvider: endpoint ${JSON.stringify(endpoint)} is not an http(s) URL.`,
      details: { path: 'endpoint', value: endpoint },
      suggestions: [
        `Leave endpoint out for ${ACME_DEFAULT_ENDPOINT}, or give a base URL such as http://localhost:8080.`,
      ],
    });
  }
  const extra = options.models ?? [];
  const models = [
    ...acmeModels.filter((model) => !extra.some((entry) => entry.name === model.name)),
    ...extra,
  ];
  const pooled =
    options.fetch === undefined ? createPooledFetch(options.connectionPool) : undefined;
  const fetch = options.fetch ?? pooled!;
  const credentials = createProviderCredentials(options, {
    provider: 'Acme',
    environmentVariables: [ACME_API_KEY_VARIABLE],
    fetch,
  });

  return {
    specificationVersion: 'v1',
    type: 'acme',
    models: () => models,
    validateApiKey(apiKey) {
      if (!/^acme-[A-Za-z0-9_-]{16,}$/.test(apiKey)) {
        return 'An Acme key starts with "acme-" and has at least 16 letters, digits, "-" or "_" after it.';
      }
      return undefined;
    },
    createModel(modelId, settings = {}) {
      const info = models.find((model) => model.name === modelId);
      if (info === undefined) {
        const known = models.map((model) => model.name);
        throw new AgentryError({
          code: 'unknown_model',
          message: `Acme has no model ${JSON.stringify(modelId)} (it has ${known.join(', ')}).`,
          details: { provider: 'acme', modelId, known },
          suggestions: [
            `Use one of ${known.join(', ')}, or add { name: ${JSON.stringify(modelId)}, capabilities } to the options' models.`,
          ],
        });
      }
      return guardModel(
        createAcmeModel({
          modelId,
          capabilities: info.capabilities,
          endpoint: settings.endpoint ?? endpoint,
          headers: options.headers ?? {},
          credentials: credentials.forModel(settings),
          fetch,
        }),
      );
    },
    close: () => pooled?.close() ?? Promise.resolve(),
  };
}
