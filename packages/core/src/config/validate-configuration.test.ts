import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testEnv, testKey, testProvider, validConfig } from '../../test/fixtures.js';
import { fakeProvider } from '../../test/scripted-model.js';
import {
  AgentryError,
  defineMigration,
  definePlugin,
  positiveIntegerSchema,
  validateConfiguration,
  type ConfigurationIssue,
} from '../index.js';

async function issuesOf(
  config: unknown,
  options: Parameters<typeof validateConfiguration>[1] = {},
): Promise<ConfigurationIssue[]> {
  try {
    await validateConfiguration(config, { plugins: [testProvider], env: testEnv(), ...options });
  } catch (error) {
    if (AgentryError.isInstance(error) && error.code === 'config_invalid')
      return error.details.issues as ConfigurationIssue[];
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('validateConfiguration', () => {
  it('accepts a valid configuration, resolves references and freezes the result', async () => {
    const { config, referencePaths } = await validateConfiguration(validConfig(), {
      plugins: [testProvider],
      env: testEnv(),
    });
    expect(config.authentication.providers[0]?.authentication).toEqual({
      type: 'api_key',
      configuration: { apiKey: testKey() },
    });
    expect(referencePaths).toEqual(
      new Set([
        'authentication.providers[0].authentication.configuration.apiKey',
        'authentication.oauth2.clientSecret',
      ]),
    );
    expect(Object.isFrozen(config.models.availableModels)).toBe(true);
  });

  it('masks every secret in masked()', async () => {
    const validated = await validateConfiguration(validConfig(), {
      plugins: [testProvider],
      env: testEnv(),
    });
    const printed = JSON.stringify(validated.masked());
    expect(printed).not.toContain(testKey());
    expect(printed).not.toContain('client-secret-value-1234');
    expect(printed).toContain('****1234');
    expect(printed).toContain('https://auth.example.com/token');
  });

  it('lists every problem at once, each with path, code, received value and suggestion', async () => {
    const config = validConfig();
    config.authentication.apiKeyRotation.rotationInterval = 0;
    config.models.defaultModel = 'openai:gpt-5-unknown';
    config.versioning.migrationStrategy.type = 'automatc';
    const issues = await issuesOf(config);
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['authentication.apiKeyRotation.rotationInterval', 'validation_failed'],
      ['models.defaultModel', 'unknown_model'],
      ['versioning.migrationStrategy.type', 'validation_failed'],
    ]);
    expect(issues[0]?.received).toBe(0);
    expect(issues[2]?.suggestion).toContain('Did you mean "automatic"?');
    for (const issue of issues) expect(issue.suggestion.length).toBeGreaterThan(5);
  });

  it("keeps a schema's own message, says what was found and what to do", async () => {
    const limits = definePlugin({
      name: 'agentry-test-limits',
      version: '1.0.0',
      config: {
        key: 'limits',
        schema: z.strictObject({
          perMinute: positiveIntegerSchema(
            'perMinute must be a positive integer (requests per minute).',
          ),
          burst: positiveIntegerSchema('burst must be a positive integer.'),
        }),
      },
    });
    const issues = await issuesOf(
      { ...validConfig(), limits: { burst: 0.5 } },
      { plugins: [testProvider, limits] },
    );
    expect(issues.map(({ path, message, suggestion }) => ({ path, message, suggestion }))).toEqual([
      {
        path: 'limits.perMinute',
        message:
          'Missing required value: perMinute must be a positive integer (requests per minute).',
        suggestion: 'Add limits.perMinute.',
      },
      {
        path: 'limits.burst',
        message: 'burst must be a positive integer. Received 0.5.',
        suggestion: 'Use a whole number here.',
      },
    ]);
  });

  it('reports an unknown key with the key it was probably meant to be', async () => {
    const config = validConfig();
    config.authentication.apiKeyRotation.rotationIntervall = 12;
    const [issue] = await issuesOf(config);
    expect(issue).toMatchObject({
      path: 'authentication.apiKeyRotation.rotationIntervall',
      code: 'validation_failed',
      received: 12,
    });
    expect(issue?.suggestion).toContain('"rotationInterval"');
  });

  it('names the package to install for a section whose plug-in is missing', async () => {
    const config = { ...validConfig(), communication: { realtime: {} } };
    const [issue] = await issuesOf(config);
    expect(issue).toMatchObject({ path: 'communication', code: 'plugin_missing' });
    expect(issue?.message).toContain('@agentry/realtime');
  });

  it('names the provider package when no plug-in serves a provider type', async () => {
    const config = validConfig();
    config.authentication.providers.push({
      name: 'claude',
      type: 'anthropic',
      authentication: { type: 'bearer_token', configuration: { token: 'x' } },
      models: [],
    });
    const [issue] = await issuesOf(config);
    expect(issue).toMatchObject({
      path: 'authentication.providers[1].type',
      code: 'plugin_missing',
    });
    expect(issue?.suggestion).toContain('@agentry/anthropic');
  });

  describe('a third-party provider type', () => {
    const acme = definePlugin({
      name: 'acme-provider',
      version: '1.0.0',
      providers: [fakeProvider('acme')],
    });
    const withAcme = () => {
      const config = validConfig();
      config.authentication.providers.push({
        name: 'acme',
        type: 'acme',
        authentication: { type: 'bearer_token', configuration: { token: 'acme-token-value' } },
        models: [],
      });
      config.models.availableModels['acme:acme-large'] = {
        name: 'acme-large',
        capabilities: config.models.availableModels['openai:gpt-4o'].capabilities,
      };
      config.models.fallbackChain.push('acme:acme-large');
      return config;
    };

    it('is accepted in providers and model ids when a plug-in serves it', async () => {
      const { config } = await validateConfiguration(withAcme(), {
        plugins: [testProvider, acme],
        env: testEnv(),
      });
      expect(config.authentication.providers[1]?.type).toBe('acme');
      expect(config.models.fallbackChain).toEqual(['openai:gpt-4o-mini', 'acme:acme-large']);
    });

    it('is refused without its plug-in, naming the installed types, at each path', async () => {
      const issues = await issuesOf(withAcme());
      expect(issues).toEqual([
        expect.objectContaining({
          path: 'authentication.providers[1].type',
          code: 'plugin_missing',
          message:
            'Provider "acme" is of type acme, and no installed plug-in serves provider type "acme" (the installed provider types are openai).',
          suggestion:
            'Install the plug-in that serves "acme" and add it to plugins, or use one of: openai.',
          received: 'acme',
        }),
        expect.objectContaining({
          path: 'models.availableModels["acme:acme-large"]',
          segments: ['models', 'availableModels', 'acme:acme-large'],
          code: 'plugin_missing',
          message: expect.stringContaining('(the installed provider types are openai)') as string,
        }),
      ]);
    });

    it('suggests the installed or built-in type a misspelt one is close to', async () => {
      const config = validConfig();
      config.authentication.providers[0].type = 'opneai';
      const [issue] = await issuesOf(config);
      expect(issue).toMatchObject({
        path: 'authentication.providers[0].type',
        code: 'plugin_missing',
      });
      expect(issue?.suggestion).toMatch(/^Did you mean "openai"\?/);
    });

    it('refuses a malformed type name with its path and a corrected spelling', async () => {
      const config = withAcme();
      config.authentication.providers[1].type = 'Acme Cloud';
      const [issue, ...rest] = await issuesOf(config, { plugins: [testProvider, acme] });
      expect(rest).toEqual([]);
      expect(issue).toMatchObject({
        path: 'authentication.providers[1].type',
        code: 'validation_failed',
        suggestion: 'Write it as "acme-cloud".',
        received: 'Acme Cloud',
      });
      expect(issue?.message).toContain('is not a valid name');
    });

    it('leaves a built-in type’s models registrable without its plug-in, as before', async () => {
      const config = validConfig();
      config.models.availableModels['google:gemini-2.5-flash'] = {
        name: 'gemini-2.5-flash',
        capabilities: config.models.availableModels['openai:gpt-4o'].capabilities,
      };
      const { config: validated } = await validateConfiguration(config, {
        plugins: [testProvider],
        env: testEnv(),
      });
      expect(Object.keys(validated.models.availableModels)).toContain('google:gemini-2.5-flash');
    });
  });

  it('checks API-key formats with the provider plug-in and never echoes the key', async () => {
    const wrong = ['wrong', 'x'.repeat(40)].join('-');
    const [issue] = await issuesOf(validConfig(), { env: { ...testEnv(), TEST_API_KEY: wrong } });
    expect(issue).toMatchObject({
      path: 'authentication.providers[0].authentication.configuration.apiKey',
      code: 'invalid_api_key_format',
      received: '****xxxx',
    });
    expect(JSON.stringify(issue)).not.toContain(wrong);
  });

  it('reports an unset environment variable once, as secret_unresolved', async () => {
    const issues = await issuesOf(validConfig(), {
      env: { TEST_CLIENT_SECRET: 'client-secret-value-1234' },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: 'authentication.providers[0].authentication.configuration.apiKey',
      code: 'secret_unresolved',
    });
    expect(issues[0]?.message).toContain('TEST_API_KEY');
  });

  it('resolves ${secret:…} references through an async resolver', async () => {
    const config = validConfig();
    config.authentication.oauth2.clientSecret = '${secret:oauth/client}';
    const names: string[] = [];
    const { config: resolved } = await validateConfiguration(config, {
      plugins: [testProvider],
      env: testEnv(),
      resolveSecret: async (name) => {
        names.push(name);
        await Promise.resolve();
        return 'from-the-vault-0001';
      },
    });
    expect(names).toEqual(['oauth/client']);
    expect(resolved.authentication.oauth2.clientSecret).toBe('from-the-vault-0001');
  });

  it('refuses a value that is not an object', async () => {
    await expect(validateConfiguration([], {})).rejects.toMatchObject({ code: 'config_invalid' });
    await expect(validateConfiguration(null, {})).rejects.toMatchObject({ code: 'config_invalid' });
  });

  it('reports a missing schemaVersion along with the other problems', async () => {
    const config = validConfig();
    delete config.schemaVersion;
    config.models.autoDetection = 'yes';
    const issues = await issuesOf(config);
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['schemaVersion', 'schema_version_missing'],
      ['models.autoDetection', 'validation_failed'],
    ]);
  });

  it('refuses a configuration written for a newer format', async () => {
    await expect(
      validateConfiguration(
        { ...validConfig(), schemaVersion: '2.0.0' },
        { plugins: [testProvider], env: testEnv() },
      ),
    ).rejects.toMatchObject({ code: 'schema_version_unsupported' });
  });

  describe('with an older format', () => {
    const format = {
      currentVersion: '1.0.0',
      migrations: [
        defineMigration({
          from: '0.9.0',
          to: '1.0.0',
          description: 'models.default becomes models.defaultModel',
          up: ({ models, ...rest }: Record<string, any>) => ({
            ...rest,
            schemaVersion: '1.0.0',
            models: {
              ...Object.fromEntries(Object.entries(models).filter(([key]) => key !== 'default')),
              defaultModel: models.default,
            },
          }),
        }),
      ],
    };
    const old = () => {
      const config = validConfig();
      config.schemaVersion = '0.9.0';
      config.models.default = config.models.defaultModel;
      delete config.models.defaultModel;
      return config;
    };

    it('migrates it on load under the automatic strategy', async () => {
      const validated = await validateConfiguration(old(), {
        plugins: [testProvider],
        env: testEnv(),
        migration: { format },
      });
      expect(validated.sourceVersion).toBe('0.9.0');
      expect(validated.config.models.defaultModel).toBe('openai:gpt-4o');
    });

    it('refuses it under the manual strategy, listing the steps', async () => {
      const config = old();
      config.versioning.migrationStrategy.type = 'manual';
      await expect(
        validateConfiguration(config, {
          plugins: [testProvider],
          env: testEnv(),
          migration: { format },
        }),
      ).rejects.toMatchObject({ code: 'migration_required' });
    });

    it('under assisted, applies only after confirm approves the plan', async () => {
      const config = old();
      config.versioning.migrationStrategy.type = 'assisted';
      await expect(
        validateConfiguration(config, {
          plugins: [testProvider],
          env: testEnv(),
          migration: { format },
        }),
      ).rejects.toMatchObject({ code: 'migration_required' });
      const diffs: string[][] = [];
      const validated = await validateConfiguration(config, {
        plugins: [testProvider],
        env: testEnv(),
        migration: { format, confirm: (plan) => (diffs.push([...plan.diff]), true) },
      });
      expect(validated.config.models.defaultModel).toBe('openai:gpt-4o');
      expect(diffs[0]?.join('\n')).toContain('models.defaultModel');
    });
  });

  describe('compliance', () => {
    const switchOn = definePlugin({
      name: 'agentry-test-compliance',
      version: '1.0.0',
      config: { key: 'audit', schema: z.strictObject({ soc2: z.boolean() }) },
      compliance: {
        enabledFrameworks: (section) => ((section as { soc2: boolean }).soc2 ? ['soc2'] : []),
      },
    });

    it('fails every SOC 2 control whose package is missing, naming it', async () => {
      const issues = await issuesOf(
        { ...validConfig(), audit: { soc2: true } },
        { plugins: [testProvider, switchOn] },
      );
      const controls = issues
        .filter((issue) => issue.code === 'compliance_failed')
        .map((issue) => issue.control);
      expect(controls).toEqual(
        expect.arrayContaining(['soc2.encryption-at-rest', 'soc2.audit-trail']),
      );
      expect(
        issues.find((issue) => issue.control === 'soc2.encryption-at-rest')?.suggestion,
      ).toContain('@agentry/security');
      // core's own controls pass: rotation is on, maxAge is 720 h, and every secret is a reference.
      expect(controls).not.toContain('soc2.api-key-rotation');
      expect(controls).not.toContain('soc2.no-inline-secrets');
    });

    it('flags inline secrets and long-lived keys under SOC 2, masking the secret', async () => {
      const config: Record<string, any> = { ...validConfig(), audit: { soc2: true } };
      config.authentication.oauth2.clientSecret = 'inline-secret-value-9876';
      config.authentication.apiKeyRotation = { enabled: false, rotationInterval: 24, maxAge: 9000 };
      const issues = await issuesOf(config, { plugins: [testProvider, switchOn] });
      const byControl = (id: string) =>
        issues.filter((issue) => issue.control === id).map((issue) => issue.path);
      expect(byControl('soc2.no-inline-secrets')).toEqual(['authentication.oauth2.clientSecret']);
      expect(byControl('soc2.api-key-rotation')).toEqual([
        'authentication.apiKeyRotation.enabled',
        'authentication.apiKeyRotation.maxAge',
      ]);
      expect(JSON.stringify(issues)).not.toContain('inline-secret-value-9876');
    });

    it('checks nothing when no framework is switched on', async () => {
      const { compliance } = await validateConfiguration(
        { ...validConfig(), audit: { soc2: false } },
        { plugins: [testProvider, switchOn], env: testEnv() },
      );
      expect(compliance).toMatchObject({ frameworks: [], controls: [] });
    });
  });
});
