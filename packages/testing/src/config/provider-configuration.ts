import type { ModelCapabilities, ProviderType } from '@agentry/core';

/**
 * What {@link providerConfiguration} puts in its one provider entry.
 *
 * @example
 * ```ts
 * import { providerConfiguration, startEmulator, type ProviderConfigurationOptions } from '@agentry/testing';
 *
 * const emulator = await startEmulator({ defaultTurn: { text: 'Hello' } });
 * const options: ProviderConfigurationOptions = {
 *   type: 'anthropic',
 *   model: 'claude-haiku-5-5',
 *   endpoint: emulator.baseURL('anthropic'),
 *   authentication: { type: 'bearer_token', configuration: { token: '${env:TEST_TOKEN}' } },
 *   capabilities: {
 *     maxTokens: 200_000,
 *     supportsStreaming: true,
 *     supportsFunctions: true,
 *     supportsVision: false,
 *     maxConcurrency: 2,
 *   },
 * };
 * // Give it to createAgentry with the provider's plug-in and env: { TEST_TOKEN: … }.
 * const config = providerConfiguration(options);
 * await emulator.close();
 * ```
 */
export interface ProviderConfigurationOptions {
  /** The provider's type, such as `openai`. */
  type: ProviderType;
  /** The one model, by the vendor's id; it is also the default model. */
  model: string;
  /**
   * The entry's authentication method; secrets may be `${env:…}` references (resolve them with
   * `createAgentry`'s `env`).
   */
  authentication: unknown;
  /** The entry's endpoint, such as the emulator's base URL. */
  endpoint?: string;
  /** The entry's name (default: the type). */
  name?: string;
  /** The model's capabilities (default: streaming, functions, vision, 128,000 tokens, 8 at once). */
  capabilities?: ModelCapabilities;
}

const defaultCapabilities: ModelCapabilities = {
  maxTokens: 128_000,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: true,
  maxConcurrency: 8,
};

/**
 * The smallest valid SDK configuration with one provider entry and its one model, for tests of a
 * provider plug-in through `createAgentry` or `validateConfiguration`.
 *
 * @example
 * ```ts
 * const agentry = await createAgentry({
 *   config: providerConfiguration({
 *     type: 'openai',
 *     model: 'gpt-5.4-mini',
 *     endpoint: emulator.baseURL('openai-responses'),
 *     authentication: { type: 'bearer_token', configuration: { token: '${env:TEST_TOKEN}' } },
 *   }),
 *   plugins: [openaiPlugin()],
 *   env: { TEST_TOKEN: token },
 * });
 * ```
 */
export function providerConfiguration(
  options: ProviderConfigurationOptions,
): Record<string, unknown> {
  const capabilities = options.capabilities ?? defaultCapabilities;
  const id = `${options.type}:${options.model}`;
  return {
    schemaVersion: '1.0.0',
    authentication: {
      providers: [
        {
          name: options.name ?? options.type,
          type: options.type,
          ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
          authentication: options.authentication,
          models: [{ name: options.model, capabilities }],
        },
      ],
      oauth2: {
        clientId: 'agentry',
        scopes: [],
        redirectUri: 'https://app.example.com/callback',
        tokenEndpoint: 'https://auth.example.com/token',
      },
      apiKeyRotation: { enabled: false, rotationInterval: 24, maxAge: 720 },
    },
    models: {
      defaultModel: id,
      availableModels: { [id]: { name: options.model, capabilities } },
      autoDetection: false,
      fallbackChain: [],
    },
    versioning: {
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
    },
  };
}
