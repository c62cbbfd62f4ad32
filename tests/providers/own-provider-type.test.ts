import { randomBytes } from 'node:crypto';
import {
  AgentryError,
  createAgentry,
  definePlugin,
  validateConfiguration,
  type AgentryPlugin,
  type ConfigurationIssue,
} from '@agentry/core';
import { openaiPlugin } from '@agentry/openai';
import {
  createMockModel,
  createMockProvider,
  mockText,
  startEmulator,
  type Emulator,
} from '@agentry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const capabilities = {
  maxTokens: 16_384,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: false,
  maxConcurrency: 4,
};

/** A key in OpenAI's format, made at run time so that no key sits in the sources. */
const openaiKey = () =>
  `sk-proj-${randomBytes(64).toString('base64url').replace(/[-_]/g, 'a').slice(0, 64)}`;

/** A third-party vendor's plug-in declaring its own provider type, `acme`. */
const acmePlugin = (name = '@acme/agentry-provider'): AgentryPlugin =>
  definePlugin({
    name,
    version: '1.0.0',
    providers: [
      createMockProvider({
        type: 'acme',
        createModel: {
          'acme-large': createMockModel({
            provider: 'acme',
            modelId: 'acme-large',
            script: [mockText('from acme')],
            repeat: true,
          }),
        },
      }),
    ],
  });

function configuration(openaiEndpoint: string): Record<string, any> {
  return {
    schemaVersion: '1.0.0',
    authentication: {
      providers: [
        {
          name: 'openai',
          type: 'openai',
          endpoint: openaiEndpoint,
          authentication: { type: 'api_key', configuration: { apiKey: '${env:OPENAI_TEST_KEY}' } },
          models: [],
        },
        {
          name: 'acme',
          type: 'acme',
          authentication: {
            type: 'bearer_token',
            configuration: { token: '${env:ACME_TEST_TOKEN}' },
          },
          models: [],
        },
      ],
      oauth2: {
        clientId: 'agentry',
        clientSecret: '${env:OAUTH_TEST_SECRET}',
        scopes: ['models.read'],
        redirectUri: 'https://app.example.com/callback',
        tokenEndpoint: 'https://auth.example.com/token',
      },
      apiKeyRotation: { enabled: true, rotationInterval: 24, maxAge: 720 },
    },
    models: {
      defaultModel: 'openai:gpt-5.4-mini',
      availableModels: {
        'openai:gpt-5.4-mini': { name: 'gpt-5.4-mini', capabilities },
        'acme:acme-large': { name: 'acme-large', capabilities },
      },
      autoDetection: true,
      fallbackChain: ['acme:acme-large'],
    },
    versioning: {
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'automatic', rollbackSupport: true, dataBackup: true },
    },
  };
}

const env = () => ({
  OPENAI_TEST_KEY: openaiKey(),
  ACME_TEST_TOKEN: 'acme-token-value',
  OAUTH_TEST_SECRET: 'client-secret-value-1234',
});

async function issuesOf(config: unknown, plugins: AgentryPlugin[]): Promise<ConfigurationIssue[]> {
  try {
    await validateConfiguration(config, { plugins, env: env() });
  } catch (error) {
    if (AgentryError.isInstance(error) && error.code === 'config_invalid')
      return error.details.issues as ConfigurationIssue[];
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('a third-party provider with its own type, beside @agentry/openai', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('serves acme:acme-large in the fallback chain behind an OpenAI model', async () => {
    emulator.reset();
    emulator.enqueue({ text: 'from openai' }, { kind: 'error', status: 503 });
    const agentry = await createAgentry({
      config: configuration(emulator.baseURL('openai-chat')),
      plugins: [openaiPlugin({ api: 'chat' }), acmePlugin()],
      env: env(),
      resilience: {
        retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
      },
    });
    try {
      expect(agentry.registry.list().flatMap((plugin) => plugin.providers)).toEqual([
        'openai',
        'acme',
      ]);
      expect(agentry.config.authentication.providers.map((entry) => entry.type)).toEqual([
        'openai',
        'acme',
      ]);
      const agent = agentry.createAgent();
      expect((await agent.send('first')).text).toBe('from openai');
      expect((await agent.send('second')).text).toBe('from acme');
      expect(agent.state.messages.at(-1)).toMatchObject({ model: 'acme:acme-large' });
      expect(emulator.requests).toHaveLength(2);
    } finally {
      await agentry.shutdown();
    }
  });

  it('refuses a type no installed plug-in serves, listing the installed ones', async () => {
    const config = configuration(emulator.baseURL('openai-chat'));
    config.authentication.providers[1].type = 'mistral';
    const issues = await issuesOf(config, [openaiPlugin(), acmePlugin()]);
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'authentication.providers[1].type',
        code: 'plugin_missing',
        message:
          'Provider "acme" is of type mistral, and no installed plug-in serves provider type "mistral" (the installed provider types are openai, acme).',
      }),
    ]);

    const withoutAcme = await issuesOf(configuration(emulator.baseURL('openai-chat')), [
      openaiPlugin(),
    ]);
    expect(withoutAcme.map((issue) => [issue.path, issue.code])).toEqual([
      ['authentication.providers[1].type', 'plugin_missing'],
      ['models.availableModels["acme:acme-large"]', 'plugin_missing'],
    ]);
    expect(withoutAcme[0]?.message).toContain('(the installed provider types are openai)');
  });

  it('names the package serving a built-in type that is not installed', async () => {
    const config = configuration(emulator.baseURL('openai-chat'));
    config.authentication.providers[1].type = 'anthropic';
    const [issue] = await issuesOf(config, [openaiPlugin(), acmePlugin()]);
    expect(issue).toMatchObject({
      path: 'authentication.providers[1].type',
      code: 'plugin_missing',
      suggestion:
        'Install @agentry/anthropic (npm install @agentry/anthropic) and add its plug-in to plugins.',
    });
  });

  it('refuses two plug-ins claiming acme', async () => {
    const refusal = await createAgentry({
      config: configuration(emulator.baseURL('openai-chat')),
      plugins: [openaiPlugin(), acmePlugin(), acmePlugin('acme-fork')],
      env: env(),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({
      code: 'plugin_duplicate',
      message: 'Both @acme/agentry-provider and acme-fork claim the provider type "acme".',
    });
  });

  it('refuses a malformed type name at its path', async () => {
    const config = configuration(emulator.baseURL('openai-chat'));
    config.authentication.providers[1].type = 'ACME';
    config.models.availableModels = {
      ...config.models.availableModels,
      'ACME:acme-large': { name: 'acme-large', capabilities },
    };
    const issues = await issuesOf(config, [openaiPlugin(), acmePlugin()]);
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['authentication.providers[1].type', 'validation_failed'],
      ['models.availableModels["ACME:acme-large"]', 'validation_failed'],
    ]);
    expect(issues[0]).toMatchObject({
      message: expect.stringContaining('Provider type "ACME" is not a valid name') as string,
      suggestion: 'Write it as "acme".',
    });
  });
});
