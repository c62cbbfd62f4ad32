import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMemoryStore, definePlugin, type AgentInstance } from '@agentry/core';
import {
  createCheckpointSigner,
  memoryKeyProvider,
  security,
  type SecurityOptions,
} from '@agentry/security';
import { createMockProvider } from '@agentry/testing';

const quickstart = fileURLToPath(
  new URL('../../examples/quickstart/agentry.config.json', import.meta.url),
);

/** A key of the test provider's format, built at run time so that nothing key-like is committed. */
export const providerKey = (body = 'Q'.repeat(44)) => ['tk', body].join('-');

/** A provider plug-in serving `openai`, whose keys are `tk-` and 40 or more letters or digits. */
export const testProvider = definePlugin({
  name: 'agentry-test-provider',
  version: '1.0.0',
  requires: { '@agentry/core': '^0.1.0' },
  providers: [
    createMockProvider({
      type: 'openai',
      validateApiKey: (key) =>
        /^tk-[A-Za-z0-9]{40,}$/.test(key)
          ? undefined
          : 'expected "tk-" and at least 40 letters or digits.',
    }),
  ],
});

/** The quickstart configuration plus one provider whose key comes from the environment. */
export function fullConfig(): Record<string, any> {
  const config = JSON.parse(readFileSync(quickstart, 'utf8')) as Record<string, any>;
  config.authentication.providers = [
    {
      name: 'openai',
      type: 'openai',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:OPENAI_TEST_KEY}' } },
      models: [],
    },
  ];
  config.authentication.defaultProvider = 'openai';
  return config;
}

/** The environment `fullConfig` needs. */
export const fullEnv = (): Record<string, string> => ({
  OPENAI_TEST_KEY: providerKey(),
  AGENTRY_OAUTH_CLIENT_SECRET: 'quickstart-secret-abcdef',
  ALERT_WEBHOOK_SECRET: 'quickstart-webhook-secret-abcdef',
});

/** A valid agent on a model the quickstart registers. */
export function agent(overrides: Partial<AgentInstance> = {}): AgentInstance {
  const at = new Date('2026-03-01T12:00:00.000Z');
  return {
    id: '3b241101-e2bb-4255-8caf-4136c566a962',
    model: {
      provider: 'openai',
      model: 'gpt-4o',
      version: '2024-11-20',
      parameters: {},
      capabilities: {
        maxTokens: 16384,
        supportsStreaming: true,
        supportsFunctions: true,
        supportsVision: true,
        maxConcurrency: 8,
      },
    },
    state: { messages: [], memory: {}, status: 'idle' },
    context: {
      sessionId: 's-1',
      permissions: [],
      resourceLimits: {
        maxMemory: 65_536,
        maxCpu: 1000,
        maxConnections: 2,
        maxTokensPerMinute: 10_000,
      },
      timeout: 30_000,
    },
    performance: { responseTime: 0, tokensUsed: 0, requestsCompleted: 0, errorRate: 0, uptime: 0 },
    createdAt: at,
    lastActivity: at,
    ...overrides,
  };
}

/**
 * What security() needs to run the quickstart's section (encryption at rest, audit logging):
 * keys and an audit log, in memory. Fresh on each call.
 */
export function securityOptions(): SecurityOptions {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    keys: { provider: memoryKeyProvider(), store: createMemoryStore() },
    audit: {
      store: createMemoryStore(),
      signer: createCheckpointSigner({ name: 'audit.tests.example', privateKey }),
    },
  };
}

/** The security plug-in with {@link securityOptions}. */
export const securityPlugin = () => security(securityOptions());
