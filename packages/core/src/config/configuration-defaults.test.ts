import { describe, expect, it } from 'vitest';
import { fakeProvider } from '../../test/scripted-model.js';
import { testKey, testProvider, validConfig, testEnv } from '../../test/fixtures.js';
import {
  AgentryError,
  apiKeyRotationConfigSchema,
  apiKeyVariablesOf,
  authenticationMethodSchema,
  definePlugin,
  providerApiKeyVariables,
  readApiKeyVariable,
  validateConfiguration,
  versioningConfigSchema,
  type ConfigurationIssue,
  type ModelInfo,
  type ProviderFactory,
} from '../index.js';

const capabilities = {
  maxTokens: 8192,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: false,
  maxConcurrency: 4,
};

/** The smallest configuration: one provider, its key from the environment, a default model. */
const minimal = (): Record<string, any> => ({
  schemaVersion: '1.0.0',
  authentication: { providers: [{ name: 'openai', type: 'openai' }] },
  models: {
    defaultModel: 'openai:gpt-4o',
    availableModels: { 'openai:gpt-4o': { name: 'gpt-4o', capabilities } },
  },
});

const pluginWith = (factory: ProviderFactory) =>
  definePlugin({ name: 'agentry-test-vendor', version: '1.0.0', providers: [factory] });

async function issuesOf(
  config: unknown,
  options: Parameters<typeof validateConfiguration>[1],
): Promise<ConfigurationIssue[]> {
  try {
    await validateConfiguration(config, options);
  } catch (error) {
    if (AgentryError.isInstance(error) && error.code === 'config_invalid')
      return error.details.issues as ConfigurationIssue[];
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration defaults', () => {
  it('fills every section and field a minimal configuration leaves out', async () => {
    const validated = await validateConfiguration(minimal(), {
      plugins: [testProvider],
      env: { OPENAI_API_KEY: testKey() },
    });
    const { config, referencePaths } = validated;
    expect(config.authentication).toEqual({
      providers: [
        {
          name: 'openai',
          type: 'openai',
          authentication: { type: 'api_key', configuration: { apiKey: testKey() } },
          models: [],
        },
      ],
      apiKeyRotation: { enabled: false, rotationInterval: 24, maxAge: 720 },
    });
    expect(config.models).toMatchObject({ autoDetection: false, fallbackChain: [] });
    expect(config.versioning).toEqual({
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'manual', rollbackSupport: true, dataBackup: true },
    });
    const path = 'authentication.providers[0].authentication.configuration.apiKey';
    expect(referencePaths.has(path)).toBe(true);
    const printed = validated.masked();
    expect(printed.authentication.providers[0]?.authentication).toEqual({
      type: 'api_key',
      configuration: { apiKey: `****${testKey().slice(-4)}` },
    });
    expect(JSON.stringify(printed)).not.toContain(testKey());
  });

  it('keeps the full form valid, and a written value wins over its default', async () => {
    const config = validConfig();
    config.versioning.migrationStrategy.type = 'assisted';
    const validated = await validateConfiguration(config, {
      plugins: [testProvider],
      env: { ...testEnv(), OPENAI_API_KEY: testKey('b'.repeat(40)) },
    });
    expect(validated.config.versioning.migrationStrategy.type).toBe('assisted');
    expect(validated.config.authentication.apiKeyRotation.enabled).toBe(true);
    // The entry's own reference wins over the vendor's variable.
    expect(validated.config.authentication.providers[0]?.authentication).toEqual({
      type: 'api_key',
      configuration: { apiKey: testKey() },
    });
  });

  it('names the variable and the path when a keyless entry finds nothing in the environment', async () => {
    const issues = await issuesOf(minimal(), { plugins: [testProvider], env: {} });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'authentication.providers[0].authentication.configuration.apiKey',
        code: 'secret_unresolved',
        message: expect.stringContaining('OPENAI_API_KEY is not set'),
        suggestion: expect.stringContaining('Set OPENAI_API_KEY'),
      }),
    ]);
  });

  it('does not replace a reference that resolved to nothing with the vendor variable', async () => {
    const issues = await issuesOf(validConfig(), {
      plugins: [testProvider],
      env: { TEST_CLIENT_SECRET: 'client-secret-value-1234', OPENAI_API_KEY: testKey() },
    });
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['authentication.providers[0].authentication.configuration.apiKey', 'secret_unresolved'],
    ]);
    expect(issues[0]?.message).toContain('TEST_API_KEY');
  });

  it('reads the variables a provider plug-in declares, and says when it declares none', async () => {
    const declaring = pluginWith({
      ...fakeProvider('openai'),
      apiKeyEnvironmentVariables: ['VENDOR_PRIMARY_KEY', 'VENDOR_KEY'],
    });
    const { config } = await validateConfiguration(minimal(), {
      plugins: [declaring],
      env: { OPENAI_API_KEY: 'ignored-value-0000', VENDOR_PRIMARY_KEY: '', VENDOR_KEY: 'vk-1' },
    });
    expect(config.authentication.providers[0]?.authentication).toEqual({
      type: 'api_key',
      configuration: { apiKey: 'vk-1' },
    });
    const missing = await issuesOf(minimal(), { plugins: [declaring], env: {} });
    expect(missing[0]?.message).toContain('none of VENDOR_PRIMARY_KEY, VENDOR_KEY is set');

    const silent = pluginWith({ ...fakeProvider('openai'), apiKeyEnvironmentVariables: [] });
    const [issue] = await issuesOf(minimal(), { plugins: [silent], env: { OPENAI_API_KEY: 'x' } });
    expect(issue?.message).toContain('names no environment variable');
    expect(issue?.suggestion).toContain('${secret:name}');
  });

  it('registers the configured providers’ catalogues when availableModels is left out', async () => {
    const catalogue: ModelInfo[] = [
      { name: 'gpt-4o', capabilities },
      { name: 'gpt-4o-mini', capabilities },
    ];
    const own: ModelInfo = {
      name: 'gpt-4o-mini',
      capabilities: { ...capabilities, maxTokens: 99 },
    };
    const vendor = pluginWith({ ...fakeProvider('openai'), models: () => catalogue });
    const config = minimal();
    delete config.models.availableModels;
    config.authentication.providers[0].models = [own];
    const validated = await validateConfiguration(config, {
      plugins: [vendor],
      env: { OPENAI_API_KEY: testKey() },
    });
    expect(validated.config.models.availableModels).toEqual({
      'openai:gpt-4o': catalogue[0],
      'openai:gpt-4o-mini': own,
    });

    delete config.models;
    const issues = await issuesOf(config, { plugins: [vendor], env: { OPENAI_API_KEY: 'k' } });
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['models.defaultModel', 'validation_failed'],
    ]);
  });

  it('requires authentication.oauth2 only when an entry authenticates with oauth2', async () => {
    const config = minimal();
    config.authentication.providers = [
      {
        name: 'a',
        type: 'openai',
        authentication: { type: 'bearer_token', configuration: { token: 't' } },
      },
      { name: 'b', type: 'openai', authentication: { type: 'oauth2' } },
      { name: 'c', type: 'openai', authentication: { type: 'oauth2' } },
    ];
    const issues = await issuesOf(config, { plugins: [testProvider], env: {} });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'authentication.oauth2', code: 'validation_failed' });
    expect(issues[0]?.message).toContain(
      'Providers "b" (authentication.providers[1]), "c" (authentication.providers[2]) authenticate with oauth2',
    );
    expect(issues[0]?.suggestion).toContain('clientId, scopes, redirectUri and tokenEndpoint');

    config.authentication.providers = config.authentication.providers.slice(0, 1);
    await expect(
      validateConfiguration(config, { plugins: [testProvider], env: {} }),
    ).resolves.toBeDefined();
  });
});

describe('schema defaults', () => {
  it('defaults key rotation to off, and still checks maxAge against a written interval', () => {
    expect(apiKeyRotationConfigSchema.parse({})).toEqual({
      enabled: false,
      rotationInterval: 24,
      maxAge: 720,
    });
    expect(apiKeyRotationConfigSchema.safeParse({ rotationInterval: 800 }).success).toBe(false);
  });

  it('defaults versioning to semver and manual migrations', () => {
    expect(versioningConfigSchema.parse({})).toEqual({
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'manual', rollbackSupport: true, dataBackup: true },
    });
  });

  it('refuses an api_key method parsed on its own without a key', () => {
    const result = authenticationMethodSchema.safeParse({ type: 'api_key' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('No API key is given');
    expect(authenticationMethodSchema.parse({ type: 'oauth2' })).toEqual({
      type: 'oauth2',
      configuration: {},
    });
  });
});

describe('API-key environment variables', () => {
  it('maps each built-in type, and a declaring factory wins', () => {
    expect(providerApiKeyVariables).toEqual({
      openai: ['OPENAI_API_KEY'],
      anthropic: ['ANTHROPIC_API_KEY'],
      google: ['GOOGLE_API_KEY', 'GEMINI_API_KEY'],
    });
    expect(apiKeyVariablesOf('anthropic')).toEqual(['ANTHROPIC_API_KEY']);
    expect(apiKeyVariablesOf('acme')).toEqual([]);
    expect(apiKeyVariablesOf('constructor')).toEqual([]);
    const factory = { ...fakeProvider('google'), apiKeyEnvironmentVariables: ['ACME_KEY'] };
    expect(apiKeyVariablesOf('google', factory)).toEqual(['ACME_KEY']);
    const malformed = { ...fakeProvider('google'), apiKeyEnvironmentVariables: 'ACME_KEY' };
    expect(() => apiKeyVariablesOf('google', malformed as never)).toThrow(
      expect.objectContaining({ code: 'plugin_incompatible' }),
    );
  });

  it('reads the first variable that is set and not empty', () => {
    const names = ['GOOGLE_API_KEY', 'GEMINI_API_KEY'];
    expect(readApiKeyVariable(names, { GOOGLE_API_KEY: '', GEMINI_API_KEY: 'g' })).toEqual({
      name: 'GEMINI_API_KEY',
      value: 'g',
    });
    expect(readApiKeyVariable(names, {})).toBeUndefined();
  });
});
