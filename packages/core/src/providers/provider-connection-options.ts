import type { Clock } from '../resilience/index.js';
import type { ApiKeyRotationConfig } from '../schemas/api-key-rotation-config.js';
import type { AuthenticationMethod } from '../schemas/authentication-method.js';
import type { ModelInfo } from '../schemas/model-info.js';
import type { OAuth2Config } from '../schemas/oauth2-config.js';
import type { ConnectionPoolConfig } from './connection-pool-config.js';
import type { CredentialSource } from './credential-source.js';

/**
 * The connection settings every provider plug-in of Agentry takes, named as in the configuration
 * (`ProviderConfig`, `AuthenticationConfig`, `ConnectionPoolConfig`), so that switching vendors
 * changes the factory, not the options. Credentials are looked for in this order: a model's own
 * `authentication` setting (the configuration's provider entry, with its `oauth2` and
 * `apiKeyRotation` settings), its `apiKey` setting, `credentials`, `authentication`, `apiKey`, and
 * last the vendor's usual environment variable.
 *
 * @example
 * ```ts
 * import { type ProviderConnectionOptions } from '@agentry/core';
 *
 * const options: ProviderConnectionOptions = {
 *   apiKey: process.env.OPENAI_API_KEY,
 *   endpoint: 'http://localhost:11434/v1',
 *   connectionPool: { maxConnections: 16 },
 *   timeout: 30_000,
 * };
 * ```
 */
export interface ProviderConnectionOptions {
  /** The API key; best read from a secret, never written in code. */
  apiKey?: string;
  /**
   * How to authenticate, as in a provider's `authentication` entry: `api_key`, `bearer_token`,
   * or `oauth2` (client-credentials tokens, which need `oauth2`).
   */
  authentication?: AuthenticationMethod;
  /** The OAuth2 client settings, for the `oauth2` method. */
  oauth2?: OAuth2Config;
  /** How API keys rotate (`authentication.apiKeyRotation`); `readKey` reads the current key. */
  apiKeyRotation?: ApiKeyRotationConfig;
  /** Reads the current API key when rotation is enabled (a secret manager, a file). */
  readKey?: () => string | Promise<string>;
  /** A ready credential source, used instead of `authentication` and `apiKey`. */
  credentials?: CredentialSource;
  /** The API's base URL, for a proxy, a gateway, a compatible server or the emulator. */
  endpoint?: string;
  /** How connections are pooled; missing settings take core's DEFAULT_CONNECTION_POOL_CONFIG. */
  connectionPool?: Partial<ConnectionPoolConfig>;
  /** The fetch requests go through, instead of the provider's pooled one. */
  fetch?: typeof globalThis.fetch;
  /** How long a call waits for the response to start, in milliseconds; past it, `timeout`. */
  timeout?: number;
  /** Headers sent with every request (call options' `headers` are added per call). */
  headers?: Record<string, string>;
  /** Extra or corrected catalogue entries; an entry named like a built-in one replaces it. */
  models?: readonly ModelInfo[];
  /** The clock of key rotation and token expiry (default the system clock). */
  clock?: Clock;
}
