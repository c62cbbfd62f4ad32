import { AgentryError } from '@agentry/core';
import { startProtocolEmulator } from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acmeModels, createAcmeProvider, type AcmeProvider } from './index.js';
import { serveAcme } from './serve-acme.js';

function caught(work: () => unknown): AgentryError {
  try {
    work();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('It did not throw.');
}

describe('createAcmeProvider', () => {
  const providers: AcmeProvider[] = [];
  const create = (...args: Parameters<typeof createAcmeProvider>) => {
    const provider = createAcmeProvider(...args);
    providers.push(provider);
    return provider;
  };

  afterEach(async () => {
    await Promise.all(providers.splice(0).map((provider) => provider.close()));
  });

  it('serves the acme type with its models, and lets options add or correct them', () => {
    const provider = create({
      models: [
        { ...acmeModels[1]!, capabilities: { ...acmeModels[1]!.capabilities, maxConcurrency: 2 } },
      ],
    });
    expect(provider.type).toBe('acme');
    expect(provider.models().map((model) => model.name)).toEqual(['acme-large', 'acme-small']);
    expect(provider.createModel('acme-small').capabilities.maxConcurrency).toBe(2);
    expect(provider.createModel('acme-large')).toMatchObject({
      provider: 'acme',
      modelId: 'acme-large',
    });
  });

  it('refuses an endpoint that is not an http(s) URL with validation_failed', () => {
    const error = caught(() => createAcmeProvider({ endpoint: 'api.acme.example' }));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('endpoint "api.acme.example" is not an http(s) URL');
    expect(error.details).toMatchObject({ path: 'endpoint' });
    expect(error.suggestions[0]).toMatch(/Leave endpoint out/);
  });

  it('refuses a model Acme does not have with unknown_model, naming the ones it has', () => {
    const error = caught(() => create().createModel('acme-huge'));
    expect(error.code).toBe('unknown_model');
    expect(error.message).toContain('(it has acme-large, acme-small)');
  });

  it('checks the format of an Acme key without calling Acme', () => {
    const provider = create();
    expect(provider.validateApiKey(`acme-${'x'.repeat(16)}`)).toBeUndefined();
    expect(provider.validateApiKey('sk-not-acme')).toMatch(/starts with "acme-"/);
  });

  it('reads ACME_API_KEY at each call when no key is configured, and says when it is missing', async () => {
    const acme = await startProtocolEmulator({ serve: serveAcme, defaultTurn: { text: 'ok' } });
    try {
      const model = create({ endpoint: acme.url }).createModel('acme-large');
      const request = {
        messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] }],
      };
      vi.stubEnv('ACME_API_KEY', '');
      await expect(model.generate(request)).rejects.toMatchObject({
        code: 'auth_failed',
        message: expect.stringContaining('ACME_API_KEY') as unknown,
      });
      const key = `acme-${'k'.repeat(20)}`;
      vi.stubEnv('ACME_API_KEY', key);
      expect((await model.generate(request)).content).toEqual([{ type: 'text', text: 'ok' }]);
      expect(acme.requests.at(-1)?.headers['x-acme-key']).toBe(key);
    } finally {
      await acme.close();
    }
  });
});
