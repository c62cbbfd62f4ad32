import { definePlugin, validateConfiguration } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../mock-model/index.js';
import { providerConfiguration } from './provider-configuration.js';

const plugins = [
  definePlugin({
    name: 'mock-anthropic',
    version: '1.0.0',
    requires: { '@agentry/core': '>=0.1.0' },
    providers: [createMockProvider({ type: 'anthropic' })],
  }),
];

describe('providerConfiguration', () => {
  it('does make a configuration that validates, with its one entry and model', async () => {
    const config = providerConfiguration({
      type: 'anthropic',
      model: 'claude-haiku-5-5',
      endpoint: 'http://127.0.0.1:8787/anthropic',
      authentication: { type: 'bearer_token', configuration: { token: '${env:TEST_TOKEN}' } },
    });
    const validated = await validateConfiguration(config, {
      plugins,
      env: { TEST_TOKEN: 'token-value' },
    });
    expect(validated.config.models.defaultModel).toBe('anthropic:claude-haiku-5-5');
    expect(validated.config.authentication.providers).toMatchObject([
      { name: 'anthropic', type: 'anthropic', endpoint: 'http://127.0.0.1:8787/anthropic' },
    ]);
  });

  it('does leave the endpoint out when none is given', () => {
    const config = providerConfiguration({
      type: 'openai',
      model: 'gpt-5.4-mini',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:KEY}' } },
    });
    expect(JSON.stringify(config)).not.toContain('endpoint');
  });
});
