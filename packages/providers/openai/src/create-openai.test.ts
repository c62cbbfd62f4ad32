import {
  createPooledFetch,
  type Clock,
  type CredentialSource,
  type ModelInfo,
  type ModelSettings,
  type PooledFetch,
} from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ask, failureOf, testKey, useEmulator } from '../test/openai-test-kit.js';
import { createOpenAI } from './create-openai.js';
import { openaiModels } from './models.js';

const kit = useEmulator();

// A fetch of the tests' own, closed after each test so that its sockets count nowhere else.
let pool: PooledFetch;
beforeEach(() => {
  pool = createPooledFetch();
});
afterEach(() => pool.close());

const localModel: ModelInfo = {
  name: 'qwen3:32b',
  capabilities: {
    maxTokens: 4096,
    supportsStreaming: true,
    supportsFunctions: true,
    supportsVision: false,
    maxConcurrency: 2,
  },
};

describe('createOpenAI', () => {
  it('serves the openai type with the Responses API by default', () => {
    const provider = createOpenAI({ apiKey: testKey() });
    expect(provider).toMatchObject({
      specificationVersion: 'v1',
      type: 'openai',
      api: 'responses',
    });
  });

  it('refuses an api other than responses or chat, and an endpoint that is not a URL', () => {
    expect(() => createOpenAI({ api: 'completions' as never })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    expect(() => createOpenAI({ endpoint: 'localhost:8000' })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: { path: 'endpoint', received: 'localhost:8000' },
        suggestions: [expect.stringContaining('Set endpoint to an absolute URL')],
      }),
    );
  });

  describe('models', () => {
    it('puts the deprecation of a deprecated catalogue model on the model it creates', () => {
      const provider = createOpenAI({ apiKey: testKey() });
      expect(provider.createModel('gpt-4o').deprecation).toEqual({
        message: expect.stringContaining('gpt-4o'),
      });
      expect(provider.createModel('gpt-6.1-sol').deprecation).toBeUndefined();
    });

    it('lists the catalogue, as copies', () => {
      const provider = createOpenAI({ apiKey: testKey() });
      const models = provider.models();
      expect(models.map((info) => info.name)).toEqual(openaiModels.map((info) => info.name));
      models[0]!.capabilities.maxConcurrency = 1;
      expect(provider.models()[0]!.capabilities.maxConcurrency).not.toBe(1);
    });

    it('adds models from the options and lets them override catalogue entries', () => {
      const gpt4o = { ...openaiModels.find((info) => info.name === 'gpt-4o')!, deprecated: false };
      const provider = createOpenAI({ apiKey: testKey(), models: [localModel, gpt4o] });
      expect(provider.models().find((info) => info.name === 'qwen3:32b')).toEqual(localModel);
      expect(provider.models().filter((info) => info.name === 'gpt-4o')).toEqual([gpt4o]);
    });
  });

  describe('validateApiKey', () => {
    it('checks the key format without the key in its message', () => {
      const provider = createOpenAI();
      expect(provider.validateApiKey(testKey())).toBe(undefined);
      expect(provider.validateApiKey('not-a-key')).toMatch(/sk-/);
    });
  });

  describe('createModel', () => {
    it('gives a model its catalogue capabilities, and a dated snapshot its family', () => {
      const provider = createOpenAI({ apiKey: testKey() });
      const model = provider.createModel('gpt-4.1-2025-04-14');
      expect(model).toMatchObject({
        specificationVersion: 'v1',
        provider: 'openai',
        modelId: 'gpt-4.1-2025-04-14',
      });
      expect(model.capabilities).toEqual(
        openaiModels.find((info) => info.name === 'gpt-4.1')?.capabilities,
      );
    });

    it('refuses an id OpenAI does not serve, naming the models option', () => {
      const provider = createOpenAI({ apiKey: testKey() });
      expect(() => provider.createModel('gpt-9-ultra')).toThrow(
        expect.objectContaining({
          code: 'unknown_model',
          suggestions: [expect.stringContaining('models option')],
        }),
      );
    });

    it('takes any id on another server, with the capabilities of the options', () => {
      const capabilities = { ...localModel.capabilities, maxTokens: 2048 };
      const provider = createOpenAI({
        api: 'chat',
        apiKey: 'ollama',
        endpoint: 'http://127.0.0.1:11434/v1',
        defaultCapabilities: capabilities,
        models: [localModel],
      });
      expect(provider.createModel('mistral-small').capabilities).toEqual(capabilities);
      expect(provider.createModel('qwen3:32b').capabilities).toEqual(localModel.capabilities);
    });

    it("takes the API, endpoint and key from the model's settings", async () => {
      const provider = createOpenAI({
        api: 'responses',
        apiKey: testKey(),
        endpoint: 'http://127.0.0.1:9/v1',
      });
      const otherKey = `sk-proj-${'o'.repeat(64)}`;
      const model = provider.createModel('gpt-5.4-mini', {
        apiKey: otherKey,
        endpoint: kit.emulator.baseURL('openai-chat'),
        options: { api: 'chat' },
      });
      kit.emulator.enqueue({ text: 'Hi' });
      await model.generate(ask('Hi'));
      expect(kit.emulator.requests[0]).toMatchObject({
        api: 'openai-chat',
        headers: { authorization: `Bearer ${otherKey}` },
      });
      await provider.close();
    });
  });

  describe('credentials', () => {
    it('reads the credential on every call, so a rotated key is used at once', async () => {
      const keys = [`sk-proj-${'a'.repeat(64)}`, `sk-proj-${'b'.repeat(64)}`];
      let call = 0;
      const get = vi.fn(() =>
        Promise.resolve({ scheme: 'api_key' as const, value: keys[Math.min(call++, 1)]! }),
      );
      const credentials: CredentialSource = { get };
      const model = kit.provider('chat', { credentials }).createModel('gpt-5.4-mini');
      kit.emulator.enqueue({ text: 'one' }, { text: 'two' }, { text: 'three' });
      await model.generate(ask('Hi'));
      await model.generate(ask('Hi'));
      await model.generate(ask('Hi'));
      expect(kit.emulator.requests.map((request) => request.headers.authorization)).toEqual([
        `Bearer ${keys[0]}`,
        `Bearer ${keys[1]}`,
        `Bearer ${keys[1]}`,
      ]);
      expect(get).toHaveBeenCalledTimes(3);
    });

    it('sends a bearer token from the authentication options', async () => {
      const token = `tok-${'x'.repeat(40)}`;
      const model = kit
        .provider('responses', {
          apiKey: undefined,
          authentication: { type: 'bearer_token', configuration: { token } },
        })
        .createModel('gpt-5.4-mini');
      kit.emulator.enqueue({ text: 'ok' });
      await model.generate(ask('Hi'));
      expect(kit.emulator.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    });

    it('re-reads a rotating key with readKey once the rotation interval has passed', async () => {
      const keys = [`sk-proj-${'c'.repeat(64)}`, `sk-proj-${'d'.repeat(64)}`];
      let now = 1_000_000;
      const clock: Clock = {
        now: () => now,
        setTimeout: () => undefined,
        clearTimeout: () => undefined,
      };
      let reads = 0;
      const readKey = vi.fn(() => keys[Math.min(reads++, 1)]!);
      const model = kit
        .provider('chat', {
          authentication: { type: 'api_key', configuration: { apiKey: testKey() } },
          apiKeyRotation: { enabled: true, rotationInterval: 1, maxAge: 720 },
          readKey,
          clock,
        })
        .createModel('gpt-5.4-mini');
      kit.emulator.setDefault({ text: 'ok' });
      await model.generate(ask('Hi'));
      await model.generate(ask('Hi'));
      now += 3_600_001;
      await model.generate(ask('Hi'));
      expect(kit.emulator.requests.map((request) => request.headers.authorization)).toEqual([
        `Bearer ${keys[0]}`,
        `Bearer ${keys[0]}`,
        `Bearer ${keys[1]}`,
      ]);
      expect(readKey).toHaveBeenCalledTimes(2);
    });

    it('gets an OAuth2 token through the fetch of the options and sends it as a bearer token', async () => {
      const token = `tok-${'o'.repeat(40)}`;
      const tokenEndpoint = 'https://auth.example.com/oauth/token';
      const tokenRequests: string[] = [];
      const fetch: typeof globalThis.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url !== tokenEndpoint) return pool(input, init);
        tokenRequests.push(typeof init?.body === 'string' ? init.body : '');
        return Promise.resolve(
          Response.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 }),
        );
      };
      const model = kit
        .provider('responses', {
          apiKey: undefined,
          authentication: { type: 'oauth2', configuration: { scopes: ['models.read'] } },
          oauth2: {
            clientId: 'agentry',
            scopes: [],
            redirectUri: 'https://app.example.com/callback',
            tokenEndpoint,
          },
          fetch,
        })
        .createModel('gpt-5.4-mini');
      kit.emulator.setDefault({ text: 'ok' });
      await model.generate(ask('Hi'));
      await model.generate(ask('Hi'));
      expect(tokenRequests).toEqual([expect.stringContaining('grant_type=client_credentials')]);
      expect(kit.emulator.requests.map((request) => request.headers.authorization)).toEqual([
        `Bearer ${token}`,
        `Bearer ${token}`,
      ]);
    });

    it("takes a model's authentication and OAuth2 settings over the factory key, one token for the entry's models", async () => {
      const token = `tok-${'m'.repeat(40)}`;
      const tokenEndpoint = 'https://auth.example.com/oauth/token';
      let tokenRequests = 0;
      const fetch: typeof globalThis.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url !== tokenEndpoint) return pool(input, init);
        tokenRequests += 1;
        return Promise.resolve(
          Response.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 }),
        );
      };
      const provider = kit.provider('chat', { fetch });
      const settings: ModelSettings = {
        apiKey: `sk-proj-${'n'.repeat(64)}`,
        authentication: { type: 'oauth2', configuration: {} },
        oauth2: {
          clientId: 'agentry',
          scopes: ['models.read'],
          redirectUri: 'https://app.example.com/callback',
          tokenEndpoint,
        },
      };
      kit.emulator.setDefault({ text: 'ok' });
      await provider.createModel('gpt-5.4-mini', settings).generate(ask('Hi'));
      await provider.createModel('gpt-5.4', settings).generate(ask('Hi'));
      expect(tokenRequests).toBe(1);
      expect(kit.emulator.requests.map((request) => request.headers.authorization)).toEqual([
        `Bearer ${token}`,
        `Bearer ${token}`,
      ]);
    });

    it('reads OPENAI_API_KEY when no credential is given', async () => {
      vi.stubEnv('OPENAI_API_KEY', testKey());
      const model = kit.provider('chat', { apiKey: undefined }).createModel('gpt-5.4-mini');
      kit.emulator.enqueue({ text: 'ok' });
      await model.generate(ask('Hi'));
      expect(kit.emulator.requests[0]?.headers.authorization).toBe(`Bearer ${testKey()}`);
    });

    it('fails with auth_failed, sending nothing, when there is no key at all', async () => {
      vi.stubEnv('OPENAI_API_KEY', '');
      const model = kit.provider('chat', { apiKey: undefined }).createModel('gpt-5.4-mini');
      const error = await failureOf(model.generate(ask('Hi')));
      expect(error.code).toBe('auth_failed');
      expect(error.message).toContain('OPENAI_API_KEY');
      expect(kit.emulator.requests).toHaveLength(0);
    });
  });
});
