import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentryError,
  composeConfigurationSchema,
  createAgentry,
  createPluginRegistry,
  loadConfiguration,
  validateConfiguration,
  type ConfigurationIssue,
} from '@agentry/core';
import { monitoring } from '@agentry/monitoring';
import { openaiPlugin } from '@agentry/openai';
import { security } from '@agentry/security';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/** An OpenAI-shaped key, built at run time so that nothing key-like is committed. */
const openaiKey = (fill = 'm') => ['sk', 'proj', fill.repeat(64)].join('-');

/** The smallest useful configuration: one OpenAI provider whose key comes from a secret. */
const minimal = () => ({
  schemaVersion: '1.0.0',
  authentication: {
    providers: [
      {
        name: 'openai',
        type: 'openai',
        authentication: { type: 'api_key', configuration: { apiKey: '${secret:openai-key}' } },
      },
    ],
  },
  models: { defaultModel: 'openai:gpt-5.4-mini' },
});

async function issuesOf(promise: Promise<unknown>): Promise<ConfigurationIssue[]> {
  try {
    await promise;
  } catch (error) {
    if (AgentryError.isInstance(error) && error.code === 'config_invalid')
      return error.details.issues as ConfigurationIssue[];
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('the minimal configuration', () => {
  it('is accepted with one provider and its key from a secret, every default shown resolved', async () => {
    const key = openaiKey();
    const agentry = await createAgentry({
      config: minimal(),
      plugins: [openaiPlugin()],
      env: {},
      resolveSecret: (name) => (name === 'openai-key' ? key : undefined),
    });
    const described = agentry.describeConfiguration();
    expect(described.authentication.apiKeyRotation).toEqual({
      enabled: false,
      rotationInterval: 24,
      maxAge: 720,
    });
    expect(described.authentication.oauth2).toBeUndefined();
    expect(described.versioning).toEqual({
      semantic: true,
      autoDetection: false,
      compatibilityMatrix: [],
      migrationStrategy: { type: 'manual', rollbackSupport: true, dataBackup: true },
    });
    expect(described.models.autoDetection).toBe(false);
    expect(described.models.fallbackChain).toEqual([]);
    expect(Object.keys(described.models.availableModels)).toContain('openai:gpt-5.4-mini');
    expect(described.authentication.providers[0]?.models).toEqual([]);
    expect(JSON.stringify(described)).not.toContain(key);
    expect(described.authentication.providers[0]?.authentication).toEqual({
      type: 'api_key',
      configuration: { apiKey: `****${key.slice(-4)}` },
    });
    expect(agentry.compliance).toMatchObject({ frameworks: [], controls: [] });
    await agentry.shutdown();
  });

  it('reads OPENAI_API_KEY for a provider entry without a key, and sends it', async () => {
    const key = openaiKey('e');
    const sent: string[] = [];
    const fetch = (_url: string | URL | Request, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('authorization') ?? '');
      return Promise.resolve(
        new Response(JSON.stringify({ error: { message: 'no', type: 'invalid_request_error' } }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        }),
      );
    };
    const config = minimal();
    config.authentication.providers = [{ name: 'openai', type: 'openai' }] as never;
    const agentry = await createAgentry({
      config,
      plugins: [openaiPlugin({ fetch })],
      env: { OPENAI_API_KEY: key },
    });
    expect(agentry.config.authentication.providers[0]?.authentication).toEqual({
      type: 'api_key',
      configuration: { apiKey: key },
    });
    expect(JSON.stringify(agentry.describeConfiguration())).not.toContain(key);
    const agent = agentry.createAgent();
    await expect(agent.send('Hello').result).rejects.toMatchObject({ code: 'auth_failed' });
    expect(sent).toEqual([`Bearer ${key}`]);
    await agentry.shutdown();
  });

  it('names OPENAI_API_KEY and the path when the entry has no key and the variable is unset', async () => {
    const config = minimal();
    config.authentication.providers = [{ name: 'openai', type: 'openai' }] as never;
    const issues = await issuesOf(createAgentry({ config, plugins: [openaiPlugin()], env: {} }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: 'authentication.providers[0].authentication.configuration.apiKey',
      code: 'secret_unresolved',
    });
    expect(issues[0]?.message).toContain('OPENAI_API_KEY is not set');
    expect(issues[0]?.suggestion).toContain('OPENAI_API_KEY');
  });

  it('checks the format of a key read from the environment without printing it', async () => {
    const bad = ['pk', 'x'.repeat(50)].join('-');
    const config = minimal();
    config.authentication.providers = [{ name: 'openai', type: 'openai' }] as never;
    const issues = await issuesOf(
      createAgentry({ config, plugins: [openaiPlugin()], env: { OPENAI_API_KEY: bad } }),
    );
    expect(issues.map((issue) => issue.code)).toEqual(['invalid_api_key_format']);
    expect(issues[0]?.message).toContain('The key from OPENAI_API_KEY');
    expect(JSON.stringify(issues)).not.toContain(bad);
  });

  it('needs authentication.oauth2 only when a provider authenticates with oauth2', async () => {
    const config = minimal();
    config.authentication.providers = [
      { name: 'openai', type: 'openai', authentication: { type: 'oauth2' } },
    ] as never;
    const issues = await issuesOf(createAgentry({ config, plugins: [openaiPlugin()], env: {} }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'authentication.oauth2', code: 'validation_failed' });
    expect(issues[0]?.message).toContain(
      '"openai" (authentication.providers[0]) authenticates with oauth2',
    );

    (config.authentication as Record<string, unknown>).oauth2 = {
      clientId: 'agentry',
      scopes: ['models.read'],
      redirectUri: 'http://localhost:3000/callback',
      tokenEndpoint: 'https://auth.example.com/token',
    };
    const agentry = await createAgentry({ config, plugins: [openaiPlugin()], env: {} });
    expect(agentry.config.authentication.oauth2?.clientId).toBe('agentry');
    await agentry.shutdown();
  });

  it('validates with the security and monitoring plug-ins installed and claims no framework', async () => {
    const { compliance, config } = await validateConfiguration(minimal(), {
      plugins: [openaiPlugin(), security(), monitoring()],
      resolveSecret: () => openaiKey(),
    });
    expect(config.security).toBeUndefined();
    expect(config.monitoring).toBeUndefined();
    expect(compliance).toEqual({ frameworks: [], controls: [], issues: [] });
  });

  it('fails every control it cannot see when SOC 2 is switched on, saying which values are defaults', async () => {
    const config = {
      ...minimal(),
      monitoring: {
        metrics: {
          enabled: true,
          collectionInterval: 10000,
          retentionPeriod: 168,
          exportFormats: [],
        },
        logging: {
          level: 'info',
          format: 'json',
          structured: true,
          compliance: { soc2: true, gdpr: false, auditTrail: true, dataRetention: 400 },
        },
        alerts: [],
        performanceThresholds: {
          maxResponseTime: 2000,
          maxErrorRate: 5,
          minThroughput: 1,
          maxMemoryUsage: 80,
        },
      },
    };
    const issues = await issuesOf(
      validateConfiguration(config, {
        plugins: [openaiPlugin(), security(), monitoring()],
        resolveSecret: () => openaiKey(),
      }),
    );
    const byControl = new Map(issues.map((issue) => [issue.control, issue]));
    expect(byControl.get('soc2.encryption-at-rest')?.message).toContain(
      'security.encryption.atRest is not set',
    );
    expect(byControl.get('soc2.api-key-rotation')).toMatchObject({
      path: 'authentication.apiKeyRotation.enabled',
      received: false,
    });
    expect(byControl.get('soc2.api-key-rotation')?.message).toContain(
      'is not written in the configuration; that is its default',
    );
    expect(issues.every((issue) => issue.code === 'compliance_failed')).toBe(true);
  });

  it('loads from .json, .mjs and .ts files alike', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'agentry-minimal-'));
    try {
      const text = JSON.stringify(minimal());
      const files = {
        'agentry.config.json': text,
        'agentry.config.mjs': `export default ${text};`,
        'agentry.config.ts': `export default async () => (${text});`,
      };
      for (const [name, content] of Object.entries(files)) {
        await writeFile(join(folder, name), content);
        const { config } = await validateConfiguration(
          await loadConfiguration(join(folder, name)),
          {
            plugins: [openaiPlugin()],
            resolveSecret: () => openaiKey(),
          },
        );
        expect(config.versioning.migrationStrategy.type, name).toBe('manual');
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('gives editors a JSON Schema in which only schemaVersion and defaultModel are required', () => {
    const schema = composeConfigurationSchema(
      createPluginRegistry([openaiPlugin(), security(), monitoring()]),
    );
    const json = z.toJSONSchema(schema, { io: 'input' }) as {
      required?: string[];
      properties: Record<string, { required?: string[] }>;
    };
    expect(json.required).toEqual(['schemaVersion', 'models']);
    expect(json.properties.authentication?.required ?? []).toEqual([]);
    expect(json.properties.models?.required).toEqual(['defaultModel']);
  });
});

describe('a keyless provider entry whose plug-in is not installed', () => {
  const keyless = (type: string) => ({
    schemaVersion: '1.0.0',
    authentication: { providers: [{ name: 'main', type }] },
    models: { defaultModel: `${type}:some-model` },
  });

  it('is reported as the missing plug-in at its type, not as a missing key', async () => {
    const issues = await issuesOf(
      validateConfiguration(keyless('openai'), { plugins: [], env: { OPENAI_API_KEY: 'x' } }),
    );
    const atEntry = issues.filter((issue) => issue.path.startsWith('authentication.providers[0]'));
    expect(atEntry.map((issue) => [issue.path, issue.code])).toEqual([
      ['authentication.providers[0].type', 'plugin_missing'],
    ]);
    expect(atEntry[0]!.suggestion).toContain('@agentry/openai');
    expect(issues.some((issue) => issue.path.endsWith('apiKey'))).toBe(false);
  });

  it('names the installed provider types for a third-party type', async () => {
    const issues = await issuesOf(
      validateConfiguration(keyless('acme'), { plugins: [openaiPlugin()], env: {} }),
    );
    const atType = issues.find((issue) => issue.path === 'authentication.providers[0].type');
    expect(atType?.code).toBe('plugin_missing');
    expect(atType?.message).toContain('the installed provider types are openai');
  });

  it('still reports a malformed type as malformed, once', async () => {
    const issues = await issuesOf(validateConfiguration(keyless('Acme'), { plugins: [], env: {} }));
    const atType = issues.filter((issue) => issue.path === 'authentication.providers[0].type');
    expect(atType.map((issue) => issue.code)).toEqual(['validation_failed']);
  });
});
