import { readFileSync } from 'node:fs';
import { createAgentry, type PluginHost } from '@agentry/core';
import { providerConfiguration, startEmulator } from '@agentry/testing';
import { describePluginConformance } from '@agentry/testing/vitest';
import { describe, expect, it } from 'vitest';
import { ask, testKey } from '../test/google-emulator.js';
import { googlePlugin, VERSION } from './index.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { name: string; version: string };

/** A host method a provider plug-in does not use: it fails the test if called. */
const unused = (method: string) => (): never => {
  throw new Error(`host.${method} is not offered by this test host`);
};

/** A plug-in host that collects shutdown hooks; `shutdown` runs them. */
function testHost(): { host: PluginHost; shutdown(): Promise<void>; hooks: number } {
  const hooks: (() => void | Promise<void>)[] = [];
  return {
    host: {
      section: undefined,
      config: {},
      coreVersion: VERSION,
      onShutdown: (hook) => {
        hooks.push(hook);
      },
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
    },
    async shutdown() {
      for (const hook of hooks.splice(0).reverse()) await hook();
    },
    get hooks() {
      return hooks.length;
    },
  };
}

describePluginConformance({
  create: () => googlePlugin({ apiKey: testKey() }),
  packageJson,
  requires: { '@agentry/core': `^${packageJson.version}` },
});

describe('googlePlugin', () => {
  it('serves the google provider with a working factory', async () => {
    const emulator = await startEmulator({ defaultTurn: { text: 'Hello from Gemini.' } });
    const plugin = googlePlugin({ apiKey: testKey(), endpoint: emulator.baseURL('google') });
    const factory = plugin.providers?.[0];
    try {
      expect(plugin.providers).toHaveLength(1);
      expect(factory?.type).toBe('google');
      const response = await factory?.createModel('gemini-3.5-flash').generate(ask('Hi'));
      expect(response?.content).toEqual([{ type: 'text', text: 'Hello from Gemini.' }]);
    } finally {
      const host = testHost();
      await plugin.setup?.(host.host);
      await host.shutdown();
      await emulator.close();
    }
  });

  it('closes the connection pool when Agentry shuts down', async () => {
    const emulator = await startEmulator({ defaultTurn: { text: 'ok' } });
    try {
      const plugin = googlePlugin({ apiKey: testKey(), endpoint: emulator.baseURL('google') });
      const host = testHost();
      await plugin.setup?.(host.host);
      expect(host.hooks).toBe(1);
      await host.shutdown();
      const model = plugin.providers?.[0]?.createModel('gemini-3.5-flash');
      await expect(model?.generate(ask('Hi'))).rejects.toMatchObject({ code: 'network' });
    } finally {
      await emulator.close();
    }
  });

  it("sends a configuration's bearer_token entry as Authorization: Bearer, not as a key", async () => {
    const emulator = await startEmulator({ defaultTurn: { text: 'Hello from Gemini.' } });
    const token = `ya29.${'c'.repeat(40)}`;
    const agentry = await createAgentry({
      config: bearerConfiguration(emulator.baseURL('google')),
      plugins: [googlePlugin({ apiKey: testKey() })],
      env: { GOOGLE_TEST_TOKEN: token },
    });
    try {
      const result = await agentry.createAgent().send('Hi');
      expect(result.messages.at(-1)).toMatchObject({ type: 'agent' });
      expect(emulator.requests).toHaveLength(1);
      expect(emulator.requests[0]?.headers['authorization']).toBe(`Bearer ${token}`);
      expect(emulator.requests[0]?.headers['x-goog-api-key']).toBeUndefined();
    } finally {
      await agentry.shutdown();
      await emulator.close();
    }
  });
});

/** A configuration whose only provider is Google at `endpoint`, with a bearer token from the env. */
function bearerConfiguration(endpoint: string): Record<string, unknown> {
  const capabilities = {
    maxTokens: 65_536,
    supportsStreaming: true,
    supportsFunctions: true,
    supportsVision: true,
    maxConcurrency: 4,
  };
  return providerConfiguration({
    type: 'google',
    model: 'gemini-3.5-flash',
    endpoint,
    authentication: { type: 'bearer_token', configuration: { token: '${env:GOOGLE_TEST_TOKEN}' } },
    capabilities,
  });
}

describe('VERSION', () => {
  it('matches package.json', () => {
    expect(VERSION).toBe(packageJson.version);
  });
});
