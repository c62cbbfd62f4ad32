import { readFileSync } from 'node:fs';
import { createAgentry, createPluginRegistry, validateConfiguration } from '@agentry/core';
import { providerConfiguration, startEmulator } from '@agentry/testing';
import { describePluginConformance } from '@agentry/testing/vitest';
import { describe, expect, it } from 'vitest';
import { testKey } from '../test/anthropic-test-kit.js';
import { anthropicPlugin, VERSION } from './index.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { name: string; version: string; peerDependencies: Record<string, string> };

// Released in one version group with core: it needs core's same minor at run time.
describePluginConformance({
  create: anthropicPlugin,
  packageJson,
  requires: { '@agentry/core': `^${packageJson.version}` },
});

const capabilities = {
  maxTokens: 128_000,
  supportsStreaming: true,
  supportsFunctions: true,
  supportsVision: true,
  maxConcurrency: 8,
};

function configWithKey(apiKey: string): Record<string, unknown> {
  return configWith({ type: 'api_key', configuration: { apiKey } });
}

/** A configuration whose only provider is Anthropic, with `authentication` (at `endpoint`). */
function configWith(authentication: unknown, endpoint?: string): Record<string, unknown> {
  return providerConfiguration({
    type: 'anthropic',
    model: 'claude-sonnet-5-5',
    authentication,
    ...(endpoint !== undefined ? { endpoint } : {}),
    capabilities,
  });
}

describe('anthropicPlugin', () => {
  it('exports its version and keeps the peer range open across 0.x', () => {
    expect(VERSION).toBe(packageJson.version);
    expect(packageJson.peerDependencies['@agentry/core']).toBe('>=0.1.0 <1.0.0');
  });

  it('serves the anthropic provider type', () => {
    const registry = createPluginRegistry([anthropicPlugin()]);
    expect(registry.provider('anthropic')?.type).toBe('anthropic');
  });

  it('lets a configuration with an Anthropic key pass, and refuses one with another vendor key', async () => {
    const plugins = [anthropicPlugin()];
    await expect(
      validateConfiguration(configWithKey(testKey()), { plugins }),
    ).resolves.toBeDefined();
    const wrongKey = ['sk', 'proj', 'w'.repeat(60)].join('-');
    await expect(validateConfiguration(configWithKey(wrongKey), { plugins })).rejects.toMatchObject(
      {
        code: 'config_invalid',
        details: {
          issues: [
            expect.objectContaining({
              code: 'invalid_api_key_format',
              path: 'authentication.providers[0].authentication.configuration.apiKey',
            }),
          ],
        },
      },
    );
  });

  it("sends a configuration's bearer_token entry as Authorization: Bearer", async () => {
    const emulator = await startEmulator({ defaultTurn: { text: 'Hello from Claude.' } });
    const token = ['tok', 'c'.repeat(40)].join('-');
    const agentry = await createAgentry({
      config: configWith(
        { type: 'bearer_token', configuration: { token: '${env:ANTHROPIC_TEST_TOKEN}' } },
        emulator.baseURL('anthropic'),
      ),
      plugins: [anthropicPlugin({ apiKey: testKey() })],
      env: { ANTHROPIC_TEST_TOKEN: token },
    });
    try {
      const result = await agentry.createAgent().send('Hi');
      expect(result.messages.at(-1)).toMatchObject({ type: 'agent' });
      expect(emulator.requests).toHaveLength(1);
      expect(emulator.requests[0]?.headers['authorization']).toBe(`Bearer ${token}`);
      expect(emulator.requests[0]?.headers['x-api-key']).toBeUndefined();
    } finally {
      await agentry.shutdown();
      await emulator.close();
    }
  });
});
