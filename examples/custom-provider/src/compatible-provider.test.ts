import { readFileSync } from 'node:fs';
import { createAgentry } from '@agentry/core';
import { providerConfiguration, startEmulator } from '@agentry/testing';
import { describePluginConformance } from '@agentry/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  compatibleProvider,
  DEFAULT_COMPATIBLE_CAPABILITIES,
  PLUGIN_NAME,
  VERSION,
} from './index.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { name: string; version: string };

const options = { endpoint: 'http://localhost:11434/v1', models: [{ name: 'llama3.2' }] };

describePluginConformance({
  create: () => compatibleProvider(options),
  packageJson,
  requires: { '@agentry/core': '^0.1.0' },
});

/** A configuration whose `ollama` provider entry points at `endpoint`. */
function configuration(endpoint: string) {
  return providerConfiguration({
    name: 'ollama',
    type: 'openai',
    model: 'llama3.2',
    endpoint,
    authentication: { type: 'api_key', configuration: { apiKey: '${env:OLLAMA_KEY}' } },
    capabilities: DEFAULT_COMPATIBLE_CAPABILITIES,
  });
}

describe('compatibleProvider', () => {
  it('contributes one openai provider and declares the package name and version', () => {
    const plugin = compatibleProvider(options);
    expect(plugin.name).toBe(PLUGIN_NAME);
    expect(plugin.version).toBe(VERSION);
    expect(plugin.providers?.map((provider) => provider.type)).toEqual(['openai']);
  });

  it('serves agents of createAgentry at the endpoint and with the key of the configuration', async () => {
    const emulator = await startEmulator();
    try {
      emulator.enqueue({ text: 'Hello there.' });
      const key = 'local-' + 'k'.repeat(20);
      const agentry = await createAgentry({
        config: configuration(emulator.baseURL('openai-chat')),
        env: { OLLAMA_KEY: key, OAUTH_CLIENT_SECRET: 's'.repeat(24) },
        plugins: [compatibleProvider(options)],
      });
      try {
        expect((await agentry.createAgent().send('Hi')).text).toBe('Hello there.');
        expect(emulator.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
      } finally {
        await agentry.shutdown();
      }
    } finally {
      await emulator.close();
    }
  });
});
