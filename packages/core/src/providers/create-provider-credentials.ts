import { AgentryError } from '../errors/agentry-error.js';
import type { ModelSettings } from '../model/language-model.js';
import type { ApiKeyRotationConfig } from '../schemas/api-key-rotation-config.js';
import type { AuthenticationMethod } from '../schemas/authentication-method.js';
import type { OAuth2Config } from '../schemas/oauth2-config.js';
import { readApiKeyVariable } from './api-key-variables.js';
import { createCredentialSource } from './create-credential-source.js';
import type { CredentialSource } from './credential-source.js';
import type { ProviderConnectionOptions } from './provider-connection-options.js';

/**
 * What {@link createProviderCredentials} needs to know about the provider.
 *
 * @example
 * ```ts
 * import { createPooledFetch, createProviderCredentials, type ProviderCredentialsContext } from '@agentry/core';
 *
 * const pool = createPooledFetch();
 * // How a provider plug-in names itself in errors, and its vendor's conventional variable.
 * const context: ProviderCredentialsContext = { provider: 'Acme', environmentVariables: ['ACME_API_KEY'], fetch: pool };
 * const credentials = createProviderCredentials({ apiKey: process.env.ACME_API_KEY }, context);
 * ```
 */
export interface ProviderCredentialsContext {
  /** Names the provider in errors, e.g. `Anthropic`. */
  provider: string;
  /**
   * Environment variables read at each call when nothing else is configured, first found wins;
   * for a built-in type, its entry of `providerApiKeyVariables`.
   */
  environmentVariables: readonly string[];
  /** The fetch OAuth2 token requests go through (the provider's pool or the user's fetch). */
  fetch: typeof globalThis.fetch;
}

/**
 * The credential sources of one provider, made by {@link createProviderCredentials}.
 *
 * @example
 * ```ts
 * import { createProviderCredentials, type ModelSettings, type ProviderCredentials } from '@agentry/core';
 *
 * declare const settings: ModelSettings; // what createModel(modelId, settings) received
 * const credentials: ProviderCredentials = createProviderCredentials(
 *   {},
 *   { provider: 'Acme', environmentVariables: ['ACME_API_KEY'], fetch: globalThis.fetch },
 * );
 * // Per model: its own authentication wins over the provider's options and the environment.
 * const source = credentials.forModel(settings);
 * const credential = await source.get();
 * const headers = credential.scheme === 'bearer' ? { authorization: `Bearer ${credential.value}` } : { 'x-api-key': credential.value };
 * ```
 */
export interface ProviderCredentials {
  /** The credential source of one model, from its settings (or the provider's own credentials). */
  forModel(settings?: ModelSettings): CredentialSource;
}

/** A source made for an `authentication` method, with the settings it was made from. */
interface CachedSource {
  oauth2: OAuth2Config | undefined;
  rotation: ApiKeyRotationConfig | undefined;
  source: CredentialSource;
}

/**
 * Resolves a provider's credentials from its options and each model's settings, in the order
 * every Agentry provider uses. The first of these that is given wins:
 *
 * 1. the model's `settings.authentication` (from the configuration's provider entry), with
 *    `settings.oauth2 ?? options.oauth2`, `settings.apiKeyRotation ?? options.apiKeyRotation`,
 *    and the options' `readKey` and `clock`. One source is kept per method object, so the models
 *    of one entry share one OAuth2 token and one key-rotation record;
 * 2. the model's `settings.apiKey`, rotating as `options.apiKeyRotation` says;
 * 3. `options.credentials`;
 * 4. `options.authentication`, with `oauth2`, `apiKeyRotation`, `readKey` and `clock`;
 * 5. `options.apiKey`, rotating when `options.apiKeyRotation.enabled`;
 * 6. the environment variables of `context`, read at each call, the first set (and not empty)
 *    winning. When none is set, `get` rejects with `auth_failed` naming the options and the
 *    variables (never a key value); `details.provider` is the provider's name in lower case.
 *
 * OAuth2 token requests go through `context.fetch`, the way API calls go.
 *
 * @param options - the provider's connection options
 * @param context - the provider's name, environment variables and fetch
 * @returns the provider's credentials; `forModel` gives the source of one model
 * @throws AgentryError `validation_failed` when `options.authentication` is `oauth2` and
 *   `options.oauth2` is missing; `forModel` throws the same for a model's `oauth2` method.
 * @example
 * ```ts
 * const credentials = createProviderCredentials(options, {
 *   provider: 'Anthropic',
 *   environmentVariables: ['ANTHROPIC_API_KEY'],
 *   fetch: pooledFetch,
 * });
 * const source = credentials.forModel(settings);
 * const { scheme, value } = await source.get({ signal });
 * ```
 */
export function createProviderCredentials(
  options: ProviderConnectionOptions,
  context: ProviderCredentialsContext,
): ProviderCredentials {
  const { fetch } = context;

  const sourceFor = (
    method: AuthenticationMethod,
    oauth2: OAuth2Config | undefined,
    rotation: ApiKeyRotationConfig | undefined,
  ): CredentialSource =>
    createCredentialSource({
      method,
      ...(oauth2 !== undefined ? { oauth2 } : {}),
      ...(rotation !== undefined ? { rotation } : {}),
      ...(options.readKey !== undefined ? { readKey: options.readKey } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      // OAuth2 token requests go the way API calls go (a proxy's fetch, or the pool).
      fetch,
    });

  const apiKeySource = (apiKey: string): CredentialSource =>
    sourceFor({ type: 'api_key', configuration: { apiKey } }, undefined, options.apiKeyRotation);

  // Made now, so that a bad OAuth2 setup fails when the provider is created.
  const providerSource: CredentialSource =
    options.credentials ??
    (options.authentication !== undefined
      ? sourceFor(options.authentication, options.oauth2, options.apiKeyRotation)
      : options.apiKey !== undefined
        ? apiKeySource(options.apiKey)
        : environmentSource(context));

  const entrySources = new WeakMap<AuthenticationMethod, CachedSource>();
  const entrySource = (method: AuthenticationMethod, settings: ModelSettings): CredentialSource => {
    const oauth2 = settings.oauth2 ?? options.oauth2;
    const rotation = settings.apiKeyRotation ?? options.apiKeyRotation;
    const cached = entrySources.get(method);
    if (cached !== undefined && cached.oauth2 === oauth2 && cached.rotation === rotation) {
      return cached.source;
    }
    const source = sourceFor(method, oauth2, rotation);
    entrySources.set(method, { oauth2, rotation, source });
    return source;
  };

  return {
    forModel(settings = {}) {
      if (settings.authentication !== undefined) {
        return entrySource(settings.authentication, settings);
      }
      if (settings.apiKey !== undefined) return apiKeySource(settings.apiKey);
      return providerSource;
    },
  };
}

/** The context's environment variables, read at each call; the first one set wins. */
function environmentSource(context: ProviderCredentialsContext): CredentialSource {
  const { provider, environmentVariables: names } = context;
  return {
    get() {
      const found = readApiKeyVariable(names, process.env);
      if (found !== undefined) return Promise.resolve({ scheme: 'api_key', value: found.value });
      return Promise.reject(
        new AgentryError({
          code: 'auth_failed',
          message: `No ${provider} credential is configured: the provider options give no apiKey, authentication or credentials, the model settings give no apiKey or authentication${missingVariables(names)}.`,
          details: { provider: provider.toLowerCase(), environmentVariables: [...names] },
          suggestions: [
            `Give the ${provider} provider an apiKey, authentication or credentials option${orSetVariables(names)}.`,
          ],
        }),
      );
    },
  };
}

/** The end of the missing-credential message that names the variables looked at. */
function missingVariables(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `, and ${names.join('')} is not set`;
  return `, and none of ${names.join(', ')} is set`;
}

/** The end of the missing-credential suggestion that offers the variables. */
function orSetVariables(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `, or set ${names.length === 1 ? names.join('') : `one of ${names.join(', ')}`}`;
}
