/** Where the two providers of {@link acmeFallbackConfiguration} are reached. */
export interface AcmeFallbackEndpoints {
  /** OpenAI's base URL (default the vendor's own). */
  openai?: string;
  /** Acme's base URL (default the vendor's own). */
  acme?: string;
}

const capabilities = {
  maxTokens: 128_000,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: true,
  maxConcurrency: 8,
};

/**
 * An SDK configuration with two providers side by side, OpenAI and Acme, each with its key from
 * the environment (`OPENAI_API_KEY`, `ACME_API_KEY`): `openai:gpt-4o-mini` by default, and the
 * fallback chain `acme:acme-large` then `openai:gpt-4o-mini`, so each model falls back on the
 * other.
 *
 * @example
 * ```ts
 * const agentry = await createAgentry({
 *   config: acmeFallbackConfiguration(),
 *   plugins: [openaiPlugin(), acmeProvider()],
 * });
 * ```
 */
export function acmeFallbackConfiguration(
  endpoints: AcmeFallbackEndpoints = {},
): Record<string, unknown> {
  const provider = (
    type: 'openai' | 'acme',
    model: string,
    variable: string,
    endpoint?: string,
  ) => ({
    name: type,
    type,
    ...(endpoint === undefined ? {} : { endpoint }),
    authentication: { type: 'api_key', configuration: { apiKey: `\${env:${variable}}` } },
    models: [{ name: model, capabilities }],
  });
  return {
    schemaVersion: '1.0.0',
    authentication: {
      providers: [
        provider('openai', 'gpt-4o-mini', 'OPENAI_API_KEY', endpoints.openai),
        provider('acme', 'acme-large', 'ACME_API_KEY', endpoints.acme),
      ],
      oauth2: {
        clientId: 'agentry-custom-vendor',
        scopes: [],
        redirectUri: 'http://localhost:3000/oauth/callback',
        tokenEndpoint: 'https://auth.example.com/oauth2/token',
      },
      apiKeyRotation: { enabled: false, rotationInterval: 24, maxAge: 720 },
    },
    models: {
      defaultModel: 'openai:gpt-4o-mini',
      availableModels: {
        'openai:gpt-4o-mini': { name: 'gpt-4o-mini', capabilities },
        'acme:acme-large': { name: 'acme-large', capabilities },
      },
      autoDetection: false,
      fallbackChain: ['acme:acme-large', 'openai:gpt-4o-mini'],
    },
    versioning: {
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
    },
  };
}
