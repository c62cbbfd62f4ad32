import { AgentryError } from '../errors/agentry-error.js';
import { systemClock, type Clock } from '../resilience/clock.js';
import type { ApiKeyRotationConfig } from '../schemas/api-key-rotation-config.js';
import type { AuthenticationMethod } from '../schemas/authentication-method.js';
import type { OAuth2Config } from '../schemas/oauth2-config.js';
import { createOAuth2TokenSource } from './create-oauth2-token-source.js';
import { rememberSecret } from './known-secrets.js';
import { createRotatingKeySource } from './create-rotating-key-source.js';
import type { Credential, CredentialSource } from './credential-source.js';

/**
 * What {@link createCredentialSource} builds a source from.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { createCredentialSource, type CreateCredentialSourceOptions } from '@agentry/core';
 *
 * // A key that a rotation job rewrites in a file: read again every 24 hours, refused after 30 days.
 * const options: CreateCredentialSourceOptions = {
 *   method: { type: 'api_key', configuration: { apiKey: process.env.ACME_API_KEY ?? '' } }, // the first key
 *   rotation: { enabled: true, rotationInterval: 24, maxAge: 720 },
 *   readKey: async () => (await readFile('/run/secrets/acme-api-key', 'utf8')).trim(),
 * };
 * const credentials = createCredentialSource(options);
 * const { scheme, value } = await credentials.get();
 * ```
 */
export interface CreateCredentialSourceOptions {
  /** How to authenticate: a provider's `authentication` entry, with references resolved. */
  method: AuthenticationMethod;
  /** The OAuth2 client settings (`authentication.oauth2`); required for the `oauth2` method. */
  oauth2?: OAuth2Config;
  /**
   * How API keys rotate (`authentication.apiKeyRotation`); used by the `api_key` method when
   * `enabled`. `rotationInterval` and `maxAge` are in hours.
   */
  rotation?: ApiKeyRotationConfig;
  /**
   * Reads the current API key when rotation is enabled, such as from a secret manager or a file
   * that a rotation job rewrites. Default: returns `method.configuration.apiKey`. Not called
   * without rotation.
   */
  readKey?: () => string | Promise<string>;
  /** The source of time for rotation and token expiry (default {@link systemClock}). */
  clock?: Clock;
  /** The fetch used to call the OAuth2 token endpoint (default the global `fetch`). */
  fetch?: typeof globalThis.fetch;
}

/**
 * Creates the {@link CredentialSource} for a provider's authentication method.
 *
 * - **`api_key`** gives `{ scheme: 'api_key', value: configuration.apiKey }`. With rotation
 *   enabled, `readKey` is called on the first `get` and then at most once per `rotationInterval`
 *   hours; calls that arrive during a read share it. A read that fails (or returns no key) keeps
 *   the previous key; with no previous key the call fails and the next one reads again. Each key
 *   value is remembered with the time it was first seen, and once the key in use has been seen
 *   for more than `maxAge` hours, `get` rejects with `auth_failed` (not recoverable) saying that
 *   the key must be rotated.
 * - **`bearer_token`** gives `{ scheme: 'bearer', value: configuration.token }`.
 * - **`oauth2`** gives `{ scheme: 'bearer', value: <access token> }` from the client credentials
 *   grant: a form-encoded `POST` to `oauth2.tokenEndpoint` with `grant_type=client_credentials`
 *   and the scopes (`configuration.scopes`, else `oauth2.scopes`, space-separated), the client
 *   authenticated with HTTP Basic when it has a secret, else by `client_id` in the body. The token
 *   is cached and fetched again once less than 60 seconds (or a tenth of its lifetime, if that is
 *   shorter) remain; without `expires_in` it is kept for 5 minutes. A refresh that fails before
 *   the token has expired leaves the token in use. One request is in flight at a time;
 *   concurrent callers share it, and it is cancelled when every caller waiting for it has
 *   aborted.
 *
 * Neither errors nor their details ever contain a key, token or client secret.
 *
 * @param options - the method and the settings it needs
 * @throws AgentryError `validation_failed` when the method is `oauth2` and `oauth2` is missing.
 *   `get` rejects with `auth_failed` (key older than `maxAge`; token endpoint refusal, naming
 *   the endpoint and the OAuth error code, recoverable only for HTTP 429 and 5xx), `network`
 *   (token endpoint unreachable) or `aborted` (the call's signal).
 * @example
 * ```ts
 * const credentials = createCredentialSource({
 *   method: { type: 'api_key', configuration: { apiKey: process.env.OPENAI_API_KEY! } },
 *   rotation: { enabled: true, rotationInterval: 24, maxAge: 720 },
 *   readKey: () => secrets.read('openai-api-key'),
 * });
 * const { value } = await credentials.get({ signal });
 * ```
 */
export function createCredentialSource(options: CreateCredentialSourceOptions): CredentialSource {
  const { method } = options;
  switch (method.type) {
    case 'api_key': {
      const { apiKey } = method.configuration;
      if (options.rotation?.enabled === true) {
        return createRotatingKeySource({
          rotation: options.rotation,
          readKey: options.readKey ?? (() => apiKey),
          clock: options.clock ?? systemClock,
          canReplace: options.readKey !== undefined,
        });
      }
      return fixedSource({ scheme: 'api_key', value: apiKey });
    }
    case 'bearer_token':
      return fixedSource({ scheme: 'bearer', value: method.configuration.token });
    case 'oauth2': {
      if (options.oauth2 === undefined) {
        throw new AgentryError({
          code: 'validation_failed',
          message:
            'The oauth2 authentication method needs the OAuth2 client settings (authentication.oauth2), but none were given.',
          details: { path: ['authentication', 'oauth2'] },
          suggestions: [
            'Add authentication.oauth2 with clientId, scopes, redirectUri and tokenEndpoint, or use another authentication method.',
          ],
        });
      }
      return createOAuth2TokenSource({
        oauth2: options.oauth2,
        scopes: method.configuration.scopes ?? options.oauth2.scopes,
        clock: options.clock ?? systemClock,
        fetch: options.fetch ?? globalThis.fetch,
      });
    }
  }
}

function fixedSource(credential: Credential): CredentialSource {
  rememberSecret(credential.value);
  const resolved = Promise.resolve(Object.freeze(credential));
  return { get: () => resolved };
}
