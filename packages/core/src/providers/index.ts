export {
  apiKeyVariablesOf,
  type ApiKeyVariable,
  providerApiKeyVariables,
  readApiKeyVariable,
} from './api-key-variables.js';
export {
  connectionPoolConfigSchema,
  DEFAULT_CONNECTION_POOL_CONFIG,
  type ConnectionPoolConfig,
} from './connection-pool-config.js';
export {
  createCredentialSource,
  type CreateCredentialSourceOptions,
} from './create-credential-source.js';
export {
  createModelDeprecation,
  type CreateModelDeprecationOptions,
} from './create-model-deprecation.js';
export { createPooledFetch, type PooledFetch } from './create-pooled-fetch.js';
export {
  createProviderCredentials,
  type ProviderCredentials,
  type ProviderCredentialsContext,
} from './create-provider-credentials.js';
export { createProviderError, type CreateProviderErrorOptions } from './create-provider-error.js';
export type {
  Credential,
  CredentialRequestOptions,
  CredentialSource,
} from './credential-source.js';
export { errorCodeForStatus } from './error-code-for-status.js';
export { guardModel } from './guard-model.js';
export { invalidateRefusedCredential } from './invalidate-refused-credential.js';
export { rememberSecret } from './known-secrets.js';
export { redactError, redactSecrets } from './redact-secrets.js';
export { parseRetryAfter, type RetryAfterHeaders } from './parse-retry-after.js';
export { parseShouldRetry } from './parse-should-retry.js';
export type { ProviderConnectionOptions } from './provider-connection-options.js';
export type { ProviderErrorCode } from './provider-error-code.js';
export {
  createStreamIdleTimeout,
  type StreamIdleTimeout,
  type StreamIdleTimeoutOptions,
} from './stream-idle-timeout.js';
export { sanitizeUrl, sanitizeUrlsInText } from './sanitize-url.js';
export { toConnectionError, type ToConnectionErrorOptions } from './to-connection-error.js';
