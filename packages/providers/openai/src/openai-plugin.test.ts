import { createAgentry, createPluginRegistry, type PluginHost } from '@agentry/core';
import { providerConfiguration } from '@agentry/testing';
import { describePluginConformance } from '@agentry/testing/vitest';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { ask, failureOf, testKey, useEmulator } from '../test/openai-test-kit.js';
import { openaiPlugin } from './openai-plugin.js';

const kit = useEmulator();

/** A host method a provider plug-in does not use: it fails the test if called. */
const unused = (method: string) => (): never => {
  throw new Error(`host.${method} is not offered by this test host`);
};

describePluginConformance({
  create: () => openaiPlugin({ apiKey: testKey() }),
  packageJson,
  requires: { '@agentry/core': `^${packageJson.version}` },
});

describe('openaiPlugin', () => {
  it('contributes the openai provider', () => {
    const plugin = openaiPlugin({ apiKey: testKey(), api: 'chat' });
    expect(plugin.providers?.map((provider) => provider.type)).toEqual(['openai']);
    expect(createPluginRegistry([plugin]).get('@agentry/openai')).toBe(plugin);
  });

  it('closes the connection pool when Agentry shuts down', async () => {
    const plugin = openaiPlugin({
      apiKey: testKey(),
      api: 'chat',
      endpoint: kit.emulator.baseURL('openai-chat'),
    });
    const hooks: (() => void | Promise<void>)[] = [];
    const host = {
      section: undefined,
      config: {},
      coreVersion: packageJson.version,
      onShutdown: (hook) => hooks.push(hook),
      provideStore: () => undefined,
      // A provider plug-in acts through none of these: each fails the test if it is used.
      get events$(): never {
        throw new Error('events$ is not offered by this test host');
      },
      get logger(): never {
        throw new Error('logger is not offered by this test host');
      },
      emit: unused('emit'),
      hasSubscribers: unused('hasSubscribers'),
      handleRecords: unused('handleRecords'),
      erase: unused('erase'),
      purgeExpired: unused('purgeExpired'),
      onReady: unused('onReady'),
      extend: unused('extend'),
      abortRun: unused('abortRun'),
      useModelMiddleware: unused('useModelMiddleware'),
      useToolMiddleware: unused('useToolMiddleware'),
      useSendAdmission: unused('useSendAdmission'),
      wrapStore: unused('wrapStore'),
      provide: unused('provide'),
      lookup: unused('lookup'),
      require: unused('require'),
    } satisfies PluginHost;
    await plugin.setup?.(host);
    const model = plugin.providers![0]!.createModel('gpt-5.4-mini');
    kit.emulator.enqueue({ text: 'before' });
    await model.generate(ask('Hi'));
    for (const hook of hooks) await hook();
    expect((await failureOf(model.generate(ask('Hi')))).code).toBe('network');
  });

  it("sends a configuration's bearer_token entry as Authorization: Bearer", async () => {
    const token = `tok-${'c'.repeat(40)}`;
    const agentry = await createAgentry({
      config: bearerConfiguration(kit.emulator.baseURL('openai-responses')),
      plugins: [openaiPlugin({ apiKey: testKey() })],
      env: { OPENAI_TEST_TOKEN: token },
    });
    try {
      kit.emulator.enqueue({ text: 'Hello.' });
      const result = await agentry.createAgent().send('Hi');
      expect(result.messages.at(-1)).toMatchObject({ type: 'agent' });
      expect(kit.emulator.requests).toHaveLength(1);
      expect(kit.emulator.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    } finally {
      await agentry.shutdown();
    }
  });
});

/** A configuration whose only provider is OpenAI at `endpoint`, with a bearer token from the env. */
function bearerConfiguration(endpoint: string): Record<string, unknown> {
  const capabilities = {
    maxTokens: 128_000,
    supportsStreaming: true,
    supportsFunctions: true,
    supportsVision: true,
    maxConcurrency: 4,
  };
  return providerConfiguration({
    type: 'openai',
    model: 'gpt-5.4-mini',
    endpoint,
    authentication: { type: 'bearer_token', configuration: { token: '${env:OPENAI_TEST_TOKEN}' } },
    capabilities,
  });
}
