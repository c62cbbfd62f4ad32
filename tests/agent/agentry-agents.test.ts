import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAgentry, createMemoryStore, restoreAgent } from '@agentry/core';
import { createMockModel, createMockProvider, mockError, mockText } from '@agentry/testing';
import { describe, expect, it } from 'vitest';

const quickstart = fileURLToPath(
  new URL('../../examples/quickstart/agentry.config.json', import.meta.url),
);
const config = () => {
  const value = JSON.parse(readFileSync(quickstart, 'utf8')) as Record<string, any>;
  delete value.security;
  delete value.monitoring;
  return value;
};
const env = { AGENTRY_OAUTH_CLIENT_SECRET: 'quickstart-secret-abcdef' };

describe('agentry.createAgent', () => {
  const setup = async (
    primaryFails = false,
    resilience: Parameters<typeof createAgentry>[0]['resilience'] = {
      retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
    failure = mockError('provider_unavailable', 'down'),
  ) => {
    const primary = createMockModel({
      modelId: 'gpt-4o',
      respond: () => (primaryFails ? { error: failure } : mockText('from openai')),
    });
    const claude = createMockModel({
      provider: 'anthropic',
      modelId: 'claude-sonnet-4-5',
      script: [mockText('from anthropic')],
      repeat: true,
    });
    const gemini = createMockModel({
      provider: 'google',
      modelId: 'gemini-2.5-flash',
      script: [mockText('from google')],
      repeat: true,
    });
    const plugin = (
      type: 'openai' | 'anthropic' | 'google',
      model: ReturnType<typeof createMockModel>,
    ) => ({
      name: `mock-${type}`,
      version: '1.0.0',
      providers: [createMockProvider({ type, model })],
    });
    const store = createMemoryStore();
    const agentry = await createAgentry({
      config: config(),
      env,
      store,
      plugins: [plugin('openai', primary), plugin('anthropic', claude), plugin('google', gemini)],
      resilience,
    });
    return { agentry, primary, claude, store };
  };

  it('uses the default model, and falls back along the configured chain', async () => {
    const healthy = await setup();
    expect((await healthy.agentry.createAgent().send('hi')).text).toBe('from openai');
    const failing = await setup(true);
    const agent = failing.agentry.createAgent();
    expect((await agent.send('hi')).text).toBe('from anthropic');
    expect(agent.state.messages.at(-1)).toMatchObject({
      type: 'agent',
      model: 'anthropic:claude-sonnet-4-5',
    });
  });

  it('falls back at once when a retry-after is longer than resilience.maxInlineWait', async () => {
    const { agentry, primary } = await setup(
      true,
      {
        retry: { maxAttempts: 3, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
        maxInlineWait: 5_000,
      },
      mockError('rate_limited', 'slow down', { retryAfterMs: 20_000 }),
    );
    expect((await agentry.createAgent().send('hi')).text).toBe('from anthropic');
    expect(primary.calls).toHaveLength(1);
  });

  it('resolves a bare model name with autoDetection, and refuses unregistered models', async () => {
    const { agentry } = await setup();
    expect((await agentry.createAgent({ model: 'claude-sonnet-4-5' }).send('hi')).text).toBe(
      'from anthropic',
    );
    expect(() => agentry.createAgent({ model: 'gpt-5-turbo' })).toThrow(
      expect.objectContaining({ code: 'unknown_model' }) as Error,
    );
    expect(() => agentry.createAgent({ model: 'openai:gpt-3.5' })).toThrow(
      expect.objectContaining({ code: 'unknown_model' }) as Error,
    );
  });

  it('refuses a second agent with a taken id, and persists agents to its store', async () => {
    const { agentry, store } = await setup();
    const agent = agentry.createAgent();
    expect(() => agentry.createAgent({ id: agent.id })).toThrow(
      expect.objectContaining({ code: 'duplicate_id' }) as Error,
    );
    await agent.send('remember me');
    const restored = await restoreAgent(agent.id, { store, model: createMockModel() });
    expect(restored.state.messages.map((message) => message.content)).toEqual([
      'remember me',
      'from openai',
    ]);
    await agentry.shutdown();
    expect(agent.lifecycle).toBe('shut-down');
  });

  it('names the plug-in to install when no plug-in serves the model’s provider', async () => {
    const agentry = await createAgentry({ config: config(), env, plugins: [] });
    expect(() => agentry.createAgent()).toThrow(
      expect.objectContaining({ code: 'plugin_missing' }) as Error,
    );
  });
});
