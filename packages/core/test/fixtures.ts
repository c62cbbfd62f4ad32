import { definePlugin, type AgentInstance } from '../src/index.js';
import { fakeProvider } from './scripted-model.js';

const capabilities = {
  maxTokens: 16384,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: true,
  maxConcurrency: 8,
};

/** A key of the test provider's format, built at run time so that nothing key-like is committed. */
export const testKey = (body = 'a'.repeat(40)) => ['tk', body].join('-');

/** A provider plug-in for tests: keys are `tk-` followed by 40 or more letters or digits. */
export const testProvider = definePlugin({
  name: 'agentry-test-provider',
  version: '1.0.0',
  requires: { '@agentry/core': '^0.1.0' },
  providers: [
    fakeProvider('openai', {
      validateApiKey: (key) =>
        /^tk-[A-Za-z0-9]{40,}$/.test(key)
          ? undefined
          : 'expected "tk-" followed by at least 40 letters or digits.',
    }),
  ],
});

/** A fresh, valid configuration using only core sections. */
export function validConfig(): Record<string, any> {
  return {
    schemaVersion: '1.0.0',
    authentication: {
      providers: [
        {
          name: 'openai',
          type: 'openai',
          authentication: { type: 'api_key', configuration: { apiKey: '${env:TEST_API_KEY}' } },
          models: [{ name: 'gpt-4o', capabilities }],
        },
      ],
      defaultProvider: 'openai',
      oauth2: {
        clientId: 'agentry',
        clientSecret: '${env:TEST_CLIENT_SECRET}',
        scopes: ['models.read'],
        redirectUri: 'https://app.example.com/callback',
        tokenEndpoint: 'https://auth.example.com/token',
      },
      apiKeyRotation: { enabled: true, rotationInterval: 24, maxAge: 720 },
    },
    models: {
      defaultModel: 'openai:gpt-4o',
      availableModels: {
        'openai:gpt-4o': {
          name: 'gpt-4o',
          capabilities,
          pricing: { inputPerMillionTokens: 2.5, outputPerMillionTokens: 10, currency: 'USD' },
        },
        'openai:gpt-4o-mini': { name: 'gpt-4o-mini', capabilities },
      },
      autoDetection: true,
      fallbackChain: ['openai:gpt-4o-mini'],
    },
    versioning: {
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
    },
  };
}

/** The environment the valid configuration's references need. */
export const testEnv = () => ({
  TEST_API_KEY: testKey(),
  TEST_CLIENT_SECRET: 'client-secret-value-1234',
});

/** A valid agent for the valid configuration. */
export function validAgent(overrides: Partial<AgentInstance> = {}): AgentInstance {
  const now = new Date('2026-01-01T00:00:00.000Z');
  return {
    id: '6f1c2b1e-3d4a-4b5c-8d6e-7f8091a2b3c4',
    model: {
      provider: 'openai',
      model: 'gpt-4o',
      version: '2024-11-20',
      parameters: { temperature: 0.2 },
      capabilities,
    },
    state: { messages: [], memory: {}, status: 'idle' },
    context: {
      sessionId: 'session-1',
      permissions: ['tools:search'],
      resourceLimits: {
        maxMemory: 1_048_576,
        maxCpu: 2000,
        maxConnections: 4,
        maxTokensPerMinute: 90_000,
      },
      timeout: 30_000,
    },
    performance: { responseTime: 0, tokensUsed: 0, requestsCompleted: 0, errorRate: 0, uptime: 0 },
    createdAt: now,
    lastActivity: now,
    ...overrides,
  };
}
