import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testEnv, testKey, testProvider, validAgent, validConfig } from '../../test/fixtures.js';
import { fakeProvider, scriptedModel, textTurn } from '../../test/scripted-model.js';
import {
  AgentryError,
  createAgentry,
  createMemoryStore,
  definePlugin,
  type ConfigurationIssue,
  type ModelSettings,
  type ProviderFactory,
} from '../index.js';

const base = () => ({ config: validConfig(), plugins: [testProvider], env: testEnv() });

async function agentIssues(agents: unknown[]): Promise<ConfigurationIssue[]> {
  try {
    await createAgentry({ ...base(), agents: agents as never });
  } catch (error) {
    if (AgentryError.isInstance(error) && error.code === 'config_invalid')
      return error.details.issues as ConfigurationIssue[];
    throw error;
  }
  throw new Error('expected the agents to be refused');
}

/** A plug-in serving `openai` with models made by `createModel`. */
const openaiPlugin = (name: string, createModel: ProviderFactory['createModel']) =>
  definePlugin({
    name,
    version: '1.0.0',
    providers: [
      {
        specificationVersion: 'v1',
        type: 'openai',
        models: () => [],
        validateApiKey: () => undefined,
        createModel,
      },
    ],
  });

describe('createAgentry', () => {
  it('hands each plug-in its validated section and runs shutdown hooks once, in reverse', async () => {
    const events: string[] = [];
    const greeter = (name: string) =>
      definePlugin({
        name,
        version: '1.0.0',
        config: { key: name, schema: z.strictObject({ greeting: z.string() }) },
        setup(host) {
          events.push(`setup ${name}: ${host.section.greeting}`);
          host.onShutdown(() => void events.push(`shutdown ${name}`));
        },
      });
    const agentry = await createAgentry({
      ...base(),
      config: { ...validConfig(), first: { greeting: 'hi' }, second: { greeting: 'hey' } },
      plugins: [testProvider, greeter('first'), greeter('second')],
    });
    await Promise.all([agentry.shutdown(), agentry.shutdown()]);
    expect(events).toEqual([
      'setup first: hi',
      'setup second: hey',
      'shutdown second',
      'shutdown first',
    ]);
  });

  it('shuts down the plug-ins already set up when a later setup fails', async () => {
    const events: string[] = [];
    const good = definePlugin({
      name: 'good',
      version: '1.0.0',
      setup: (host) => host.onShutdown(() => void events.push('good closed')),
    });
    const bad = definePlugin({
      name: 'bad',
      version: '1.0.0',
      setup: () => Promise.reject(new Error('no database')),
    });
    await expect(
      createAgentry({ ...base(), plugins: [testProvider, good, bad] }),
    ).rejects.toMatchObject({ code: 'plugin_setup_failed', details: { plugin: 'bad' } });
    expect(events).toEqual(['good closed']);
  });

  it('starts ready hooks once every plug-in is set up, when purging works, and reports their failures', async () => {
    const events: string[] = [];
    const reported: AgentryError[] = [];
    const early = definePlugin({
      name: 'early',
      version: '1.0.0',
      setup(host) {
        host.onReady(async () => {
          const report = await host.purgeExpired({ before: new Date(0) });
          events.push(`early ready: purged ${report.stores.length} stores`);
        });
        host.onReady(() => {
          throw new Error('warm-up failed');
        });
        events.push('early setup');
      },
    });
    const late = definePlugin({
      name: 'late',
      version: '1.0.0',
      setup(host) {
        host.provideStore('late-store', createMemoryStore());
        host.onReady(() => Promise.reject(new Error('cache unreachable')));
        events.push('late setup');
      },
    });
    const agentry = await createAgentry({
      ...base(),
      plugins: [testProvider, early, late],
      onPluginError: (error) => reported.push(error),
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['early setup', 'late setup', 'early ready: purged 1 stores']);
    expect(reported.map((error) => [error.code, error.details['plugin'], error.message])).toEqual([
      ['plugin_setup_failed', 'early', 'The ready hook of plug-in early failed: warm-up failed'],
      ['plugin_setup_failed', 'late', 'The ready hook of plug-in late failed: cache unreachable'],
    ]);
    await agentry.shutdown();
  });

  it('refuses a ready hook that is not a function', async () => {
    const wrong = definePlugin({
      name: 'wrong',
      version: '1.0.0',
      setup: (host) => host.onReady('soon' as never),
    });
    await expect(
      createAgentry({ ...base(), plugins: [testProvider, wrong] }),
    ).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      cause: { code: 'validation_failed', message: expect.stringContaining('host.onReady') },
    });
  });

  it('describes the configuration with secrets masked', async () => {
    const agentry = await createAgentry(base());
    expect(JSON.stringify(agentry.describeConfiguration())).not.toContain(testKey());
    expect(agentry.registry.list().map((plugin) => plugin.name)).toEqual([
      '@agentry/core',
      'agentry-test-provider',
    ]);
  });

  it('holds valid agents and refuses a second agent with the same id', async () => {
    const agentry = await createAgentry({ ...base(), agents: [validAgent()] });
    expect(agentry.agents.size).toBe(1);
    expect(() => agentry.agents.add(validAgent())).toThrow(
      expect.objectContaining({ code: 'config_invalid' }) as Error,
    );
    expect(agentry.agents.remove(validAgent().id)).toBe(true);
    expect(agentry.agents.add(validAgent()).id).toBe(validAgent().id);
  });

  it('refuses non-UUID and duplicate ids, unregistered models and bad keys, all at once', async () => {
    const second = '0e9f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b';
    const issues = await agentIssues([
      validAgent(),
      validAgent(),
      validAgent({ id: 'agent-7' }),
      validAgent({ id: second, model: { ...validAgent().model, model: 'gpt-9' } }),
      validAgent({
        id: 'a7d3c4e5-1b2c-4d3e-9f4a-5b6c7d8e9f0a',
        model: { ...validAgent().model, apiKey: 'nope' },
      }),
    ]);
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['agents[1].id', 'duplicate_id'],
      ['agents[2].id', 'validation_failed'],
      ['agents[3].model.model', 'unknown_model'],
      ['agents[4].model.apiKey', 'invalid_api_key_format'],
    ]);
  });

  it("creates models with the provider entry's authentication, OAuth2 and rotation settings", async () => {
    const seen: ModelSettings[] = [];
    const recorder = openaiPlugin('agentry-recording-provider', (modelId, settings = {}) => {
      seen.push(settings);
      return scriptedModel([], modelId, 'openai');
    });
    const token = ['bt', 'y'.repeat(32)].join('-');
    const withEntry = (authentication: unknown): Record<string, any> => {
      const config = validConfig();
      config.authentication.providers[0] = {
        ...config.authentication.providers[0],
        authentication,
        endpoint: 'http://127.0.0.1:9/v1',
      };
      return config;
    };

    const bearer = await createAgentry({
      config: withEntry({ type: 'bearer_token', configuration: { token: '${env:TEST_TOKEN}' } }),
      plugins: [recorder],
      env: { ...testEnv(), TEST_TOKEN: token },
    });
    bearer.createAgent({ autoStart: false });
    await bearer.shutdown();
    const bearerSettings = seen.at(-1);
    const keyed = await createAgentry({ ...base(), plugins: [recorder] });
    keyed.createAgent({ autoStart: false });
    await keyed.shutdown();
    const keySettings = seen.at(-1);

    expect(bearerSettings).toMatchObject({
      authentication: { type: 'bearer_token', configuration: { token } },
      oauth2: { clientId: 'agentry', clientSecret: testEnv().TEST_CLIENT_SECRET },
      apiKeyRotation: { enabled: true, rotationInterval: 24, maxAge: 720 },
      endpoint: 'http://127.0.0.1:9/v1',
    });
    expect(bearerSettings).not.toHaveProperty('apiKey');
    expect(keySettings).toMatchObject({
      apiKey: testKey(),
      authentication: { type: 'api_key', configuration: { apiKey: testKey() } },
    });
  });

  describe('a third-party provider type', () => {
    const acmeConfig = () => {
      const config = validConfig();
      config.authentication.providers.push({
        name: 'acme',
        type: 'acme',
        endpoint: 'http://127.0.0.1:9/acme',
        authentication: { type: 'bearer_token', configuration: { token: 'acme-token-value' } },
        models: [],
      });
      config.models.availableModels['acme:acme-large'] = {
        name: 'acme-large',
        capabilities: config.models.availableModels['openai:gpt-4o'].capabilities,
      };
      config.models.fallbackChain = ['acme:acme-large'];
      return config;
    };

    it('serves acme:acme-large from the plug-in declaring acme, in the fallback chain', async () => {
      const seen: [string, ModelSettings][] = [];
      const acme = definePlugin({
        name: 'acme-provider',
        version: '1.0.0',
        providers: [
          fakeProvider('acme', {
            createModel: (modelId, settings = {}) => {
              seen.push([modelId, settings]);
              return scriptedModel([textTurn('from acme')], modelId, 'acme');
            },
          }),
        ],
      });
      const down = new AgentryError({ code: 'provider_unavailable', message: 'down' });
      const primary = openaiPlugin('agentry-failing-openai', (modelId) =>
        scriptedModel([down], modelId, 'openai'),
      );
      const agentry = await createAgentry({
        config: acmeConfig(),
        plugins: [primary, acme],
        env: testEnv(),
        resilience: {
          retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
        },
      });
      const agent = agentry.createAgent();
      expect((await agent.send('hi')).text).toBe('from acme');
      expect(agent.state.messages.at(-1)).toMatchObject({ model: 'acme:acme-large' });
      expect(seen).toEqual([
        [
          'acme-large',
          expect.objectContaining({
            endpoint: 'http://127.0.0.1:9/acme',
            authentication: { type: 'bearer_token', configuration: { token: 'acme-token-value' } },
          }),
        ],
      ]);
      await agentry.shutdown();
    });

    it('names the package and the installed types when a built-in type has no plug-in', async () => {
      const config = validConfig();
      config.models.availableModels['google:gemini-2.5-flash'] = {
        name: 'gemini-2.5-flash',
        capabilities: config.models.availableModels['openai:gpt-4o'].capabilities,
      };
      const agentry = await createAgentry({ ...base(), config });
      expect(() => agentry.createAgent({ model: 'google:gemini-2.5-flash' })).toThrow(
        expect.objectContaining({
          code: 'plugin_missing',
          message:
            'Model google:gemini-2.5-flash needs a plug-in serving google, and no installed plug-in serves provider type "google" (the installed provider types are openai).',
          details: {
            model: 'google:gemini-2.5-flash',
            type: 'google',
            installed: ['openai'],
          },
          suggestions: [
            'Install @agentry/google (npm install @agentry/google) and add its plug-in to plugins.',
          ],
        }) as Error,
      );
      await agentry.shutdown();
    });
  });

  it('creates each model once for all the agents on it', async () => {
    const created: string[] = [];
    const counting = openaiPlugin('agentry-counting-provider', (modelId) => {
      created.push(modelId);
      return scriptedModel(
        Array.from({ length: 200 }, () => ({
          content: [{ type: 'text' as const, text: 'ok' }],
          finishReason: 'stop' as const,
          usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        })),
        modelId,
      );
    });
    const agentry = await createAgentry({ ...base(), plugins: [counting] });
    for (let index = 0; index < 150; index += 1) {
      const agent = agentry.createAgent();
      await agent.send('hi');
      await agent.shutdown();
      agentry.agents.remove(agent.id);
    }
    // The primary and the fallback chain's model, each made once for 150 agents.
    expect(created).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(agentry.agents.list()).toHaveLength(0);
    await agentry.shutdown();
  });

  it('shuts down every agent, whatever state its last turn left, then settles', async () => {
    const failing = openaiPlugin('agentry-failing-provider', (modelId) =>
      scriptedModel(
        Array.from(
          { length: 4 },
          () => new AgentryError({ code: 'invalid_request', message: 'refused' }),
        ),
        modelId,
      ),
    );
    const agentry = await createAgentry({ ...base(), plugins: [failing] });
    const failed = agentry.createAgent();
    await expect(failed.send('x')).rejects.toMatchObject({ code: 'invalid_request' });
    const busy = agentry.createAgent();
    const run = busy.send('y');
    let settled = false;
    const closing = agentry.shutdown().then(() => (settled = true));
    await expect(run).rejects.toMatchObject({ code: 'invalid_request' });
    await expect.poll(() => settled, { timeout: 500 }).toBe(true);
    await closing;
    expect([failed.lifecycle, busy.lifecycle]).toEqual(['shut-down', 'shut-down']);
  });

  describe('store', () => {
    const offering = (plugin: string, name: string, store = createMemoryStore()) =>
      definePlugin({
        name: plugin,
        version: '1.0.0',
        setup: (host) => host.provideStore(name, store),
      });

    it('returns the stores plug-ins offer by name, and one memory store of its own', async () => {
      const durable = createMemoryStore();
      const agentry = await createAgentry({
        ...base(),
        plugins: [testProvider, offering('durable-store', 'sqlite', durable)],
      });
      expect(agentry.store('sqlite')).toBe(durable);
      expect(agentry.store('memory')).toBe(agentry.store('memory'));
      expect(() => agentry.store('redis')).toThrow(
        expect.objectContaining({
          code: 'plugin_missing',
          message: expect.stringContaining('@agentry/store-redis') as string,
          details: { store: 'redis', offered: ['memory', 'sqlite'] },
        }) as Error,
      );
      expect(() => agentry.store('constructor')).toThrow(
        expect.objectContaining({ code: 'plugin_missing' }) as Error,
      );
      await agentry.shutdown();
    });

    it('refuses a second store by one name, and the name memory', async () => {
      for (const plugins of [
        [offering('first', 'sqlite'), offering('second', 'sqlite')],
        [offering('first', 'memory')],
      ]) {
        const failure = await createAgentry({
          ...base(),
          plugins: [testProvider, ...plugins],
        }).catch((error: unknown) => error);
        expect(failure).toMatchObject({
          code: 'plugin_setup_failed',
          cause: { code: 'duplicate_id' },
        });
      }
    });
  });

  it('refuses agent state that cannot be persisted', async () => {
    const issues = await agentIssues([
      validAgent({ state: { messages: [], memory: { callback: () => 1 }, status: 'idle' } }),
    ]);
    expect(issues[0]).toMatchObject({
      path: 'agents[0].state.memory.callback',
      code: 'not_serializable',
    });
  });
});
