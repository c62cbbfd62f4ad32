import {
  AgentryError,
  createModelDeprecation,
  createPooledFetch,
  createProviderCredentials,
  providerApiKeyVariables,
  guardModel,
  systemClock,
  type LanguageModel,
  type ModelInfo,
  type ModelSettings,
  type ProviderConnectionOptions,
  type ProviderFactory,
} from '@agentry/core';
import { GoogleClientCache } from './google-client-cache.js';
import { GoogleLanguageModel } from './google-language-model.js';
import { DEFAULT_GOOGLE_CAPABILITIES, findGoogleModel, googleModels } from './models.js';
import { validateGoogleApiKey } from './validate-google-api-key.js';

/** The Gemini API's address. */
const DEFAULT_ENDPOINT = 'https://generativelanguage.googleapis.com';
/** The API version `@google/genai` speaks to the Gemini API. */
const DEFAULT_API_VERSION = 'v1beta';
/** The longest wait for Gemini by default: ten minutes, enough for long thinking. */
const DEFAULT_TIMEOUT = 600_000;

/**
 * Options of {@link createGoogle} and {@link googlePlugin}: core's `ProviderConnectionOptions`,
 * which every Agentry provider takes, so switching vendors changes the factory, not the options,
 * plus Google's own `apiVersion`. For Google:
 *
 * - `apiKey` is a Gemini API key (`AIza…`), sent as `x-goog-api-key`; `bearer_token` and
 *   `oauth2` credentials are sent as `Authorization: Bearer` instead.
 * - Credentials are looked for in this order (core's `createProviderCredentials`): a model's own
 *   `authentication` setting (from the configuration's provider entry, with its `oauth2` and
 *   `apiKeyRotation`), its `apiKey` setting, `credentials`, `authentication` (with `oauth2`,
 *   `apiKeyRotation`, `readKey` and `clock`), `apiKey` (rotating when `apiKeyRotation` is
 *   enabled), and last the `GOOGLE_API_KEY` or `GEMINI_API_KEY` environment variable, read at
 *   each call.
 * - `endpoint` is the base URL without the API version (default
 *   `https://generativelanguage.googleapis.com`): a proxy, or the emulator's `/google` address.
 * - `timeout` (default 600,000 ms) bounds each wait for Gemini: for the response to start and,
 *   in a stream, for each next chunk. A call that waits longer fails with `timeout`; a stream
 *   that keeps sending chunks is never cut off. `clock` times it too.
 * - `fetch` replaces the provider's connection pool (`connectionPool` is then ignored, and
 *   `close()` leaves the fetch alone), and also carries OAuth2 token requests.
 *
 * @example
 * ```ts
 * import { type GoogleProviderOptions } from '@agentry/google';
 *
 * declare const secrets: { read(name: string): Promise<string> }; // your secret manager's client
 * const options: GoogleProviderOptions = {
 *   authentication: { type: 'api_key', configuration: { apiKey: process.env.GEMINI_API_KEY! } },
 *   apiKeyRotation: { enabled: true, rotationInterval: 24, maxAge: 720 },
 *   readKey: () => secrets.read('gemini-api-key'),
 *   timeout: 120_000,
 * };
 * ```
 */
export interface GoogleProviderOptions extends ProviderConnectionOptions {
  /** The API version in request paths (default `v1beta`, which the current models need). */
  apiVersion?: string;
}

/**
 * The provider factory of {@link createGoogle}: a `ProviderFactory` that also closes its
 * connection pool.
 *
 * @example
 * ```ts
 * import { createAgent } from '@agentry/core';
 * import { createGoogle, type GoogleProvider } from '@agentry/google';
 *
 * const google: GoogleProvider = createGoogle({ apiKey: process.env.GEMINI_API_KEY });
 * const agent = createAgent({ model: google.createModel('gemini-3.5-flash') });
 * console.log(await agent.send('Say hello.'));
 * await agent.shutdown();
 * await google.close(); // the connection pool, once every model is done with it
 * ```
 */
export interface GoogleProvider extends ProviderFactory {
  /** Always `google`. */
  readonly type: 'google';
  /**
   * Closes the connection pool: calls in flight finish, later calls fail with `network`. The
   * plug-in calls it when Agentry shuts down; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Creates the Google provider: Gemini models through the official `@google/genai` SDK, on the
 * Gemini API.
 *
 * Every model it creates is guarded (`guardModel`: images refused for models without vision,
 * `maxConcurrency` calls at once) and makes exactly one HTTP request per call: the SDK's retries,
 * automatic function calling and automatic continuation are off, so Agentry's retry policy and
 * fallback chain decide what happens after a failure. Requests go through one pooled connection
 * per origin (`createPooledFetch`), and the credential is read for every call, so rotated keys and
 * refreshed OAuth2 tokens are used as soon as they appear.
 *
 * @param options - core's connection options (credentials, endpoint, pool or fetch, timeout,
 *   headers and catalogue additions) and the API version
 * @throws AgentryError `validation_failed` when `timeout` is not a positive integer, `endpoint` is
 *   not an http(s) URL, a pool setting is not a positive integer, or the `oauth2` method has no
 *   `oauth2` settings. Calls fail with the provider codes of `toGoogleError`, and with
 *   `auth_failed` when no credential is configured.
 * @example
 * ```ts
 * import { createGoogle } from '@agentry/google';
 *
 * const google = createGoogle({ apiKey: process.env.GEMINI_API_KEY });
 * const model = google.createModel('gemini-3.5-flash');
 * const response = await model.generate({
 *   messages: [{ role: 'user', content: [{ type: 'text', text: 'Name three moons of Jupiter.' }] }],
 * });
 * console.log(response.content);
 * ```
 */
export function createGoogle(options: GoogleProviderOptions = {}): GoogleProvider {
  const timeout = checkTimeout(options.timeout);
  const catalogue = mergeCatalogue(googleModels, options.models ?? []);
  const endpoint = checkEndpoint(options.endpoint ?? DEFAULT_ENDPOINT, 'endpoint');
  const clock = options.clock ?? systemClock;
  const pool = options.fetch === undefined ? createPooledFetch(options.connectionPool) : undefined;
  const fetch: typeof globalThis.fetch = options.fetch ?? (pool as typeof globalThis.fetch);
  const credentials = createProviderCredentials(options, {
    provider: 'Google',
    environmentVariables: providerApiKeyVariables.google,
    fetch,
  });
  let closing: Promise<void> | undefined;

  return {
    specificationVersion: 'v1',
    type: 'google',
    models: () => catalogue,
    validateApiKey: validateGoogleApiKey,
    createModel(modelId: string, settings: ModelSettings = {}): LanguageModel {
      const info: ModelInfo | undefined = findGoogleModel(catalogue, modelId);
      const model = new GoogleLanguageModel({
        modelId,
        capabilities: info?.capabilities ?? DEFAULT_GOOGLE_CAPABILITIES,
        deprecation:
          info?.deprecated === true
            ? createModelDeprecation({ vendor: 'Google', modelId })
            : undefined,
        credentials: credentials.forModel(settings),
        clients: new GoogleClientCache({
          endpoint:
            settings.endpoint !== undefined
              ? checkEndpoint(settings.endpoint, 'settings.endpoint')
              : endpoint,
          apiVersion: options.apiVersion ?? DEFAULT_API_VERSION,
          headers: options.headers ?? {},
        }),
        fetch,
        timeout,
        clock,
      });
      return guardModel(model);
    },
    close() {
      closing ??= pool?.close() ?? Promise.resolve();
      return closing;
    },
  };
}

function mergeCatalogue(
  builtIn: readonly ModelInfo[],
  extra: readonly ModelInfo[],
): readonly ModelInfo[] {
  if (extra.length === 0) return builtIn;
  const names = new Set(extra.map((info) => info.name));
  return Object.freeze([...extra, ...builtIn.filter((info) => !names.has(info.name))]);
}

function checkTimeout(timeout: number | undefined): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT;
  if (Number.isInteger(timeout) && timeout > 0) return timeout;
  throw new AgentryError({
    code: 'validation_failed',
    message: `The Google provider's timeout must be a positive integer number of milliseconds, but it is ${String(timeout)}.`,
    details: { path: ['timeout'], value: timeout },
    suggestions: [
      'Set timeout to a whole number of milliseconds, such as 120000, or leave it out.',
    ],
  });
}

function checkEndpoint(endpoint: string, path: string): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:')) {
    return endpoint.replace(/\/+$/, '');
  }
  throw new AgentryError({
    code: 'validation_failed',
    message: `The Google provider's ${path} must be an absolute http(s) URL, but it is "${endpoint}".`,
    details: { path: path.split('.'), value: endpoint },
    suggestions: [
      'Use the API base URL without the version, such as https://generativelanguage.googleapis.com.',
    ],
  });
}
