import {
  createPooledFetch,
  type Clock,
  type Credential,
  type CredentialSource,
  type ModelSettings,
  type PooledFetch,
} from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MODEL_ID,
  rejection,
  testKey,
  useEmulator,
  userRequest,
} from '../test/anthropic-test-kit.js';
import { anthropicModels, createAnthropic, DEFAULT_ANTHROPIC_CAPABILITIES } from './index.js';

const kit = useEmulator();

// A fetch of the tests' own, closed after each test so that its sockets count nowhere else.
let pool: PooledFetch;
beforeEach(() => {
  pool = createPooledFetch();
});
afterEach(() => pool.close());

/** A credential source whose value a test changes between calls. */
function switchableSource(
  first: Credential,
): CredentialSource & { current: Credential; reads: number } {
  const source = {
    current: first,
    reads: 0,
    get() {
      source.reads += 1;
      return Promise.resolve(source.current);
    },
  };
  return source;
}

const authorizationOf = (index: number): string | undefined =>
  kit.emulator.requests[index]?.headers['authorization'];

describe('createAnthropic', () => {
  describe('factory', () => {
    it('serves the anthropic type with contract v1 and the catalogue', () => {
      const provider = kit.provider();
      expect(provider.type).toBe('anthropic');
      expect(provider.specificationVersion).toBe('v1');
      expect(provider.models()).toEqual(anthropicModels);
    });

    it('checks API keys with the Anthropic format', () => {
      const provider = kit.provider();
      expect(provider.validateApiKey(testKey())).toBeUndefined();
      expect(provider.validateApiKey('sk-proj-abc')).toContain('sk-ant-');
    });

    it('puts extra catalogue entries first and lets them replace built-in ones', () => {
      const capabilities = {
        ...DEFAULT_ANTHROPIC_CAPABILITIES,
        maxTokens: 1000,
        maxConcurrency: 2,
      };
      const provider = kit.provider({
        models: [
          { name: 'claude-private-1', capabilities },
          { name: MODEL_ID, capabilities },
        ],
      });
      const names = provider.models().map((info) => info.name);
      expect(names.slice(0, 2)).toEqual(['claude-private-1', MODEL_ID]);
      expect(names.filter((name) => name === MODEL_ID)).toHaveLength(1);
      expect(provider.createModel(MODEL_ID).capabilities).toEqual(capabilities);
    });

    it('creates models by catalogue id, dated snapshot id or unknown id', () => {
      const provider = kit.provider();
      expect(provider.createModel('claude-haiku-4-5-20251001').capabilities.maxTokens).toBe(64_000);
      expect(provider.createModel('claude-opus-5-5').capabilities.maxTokens).toBe(128_000);
      const unknown = provider.createModel('claude-future-9');
      expect(unknown).toMatchObject({ provider: 'anthropic', modelId: 'claude-future-9' });
      expect(unknown.capabilities).toEqual(DEFAULT_ANTHROPIC_CAPABILITIES);
    });
  });

  describe('credentials', () => {
    it('reads the credential for every call and sends the latest one', async () => {
      const credentials = switchableSource({ scheme: 'api_key', value: testKey('a') });
      const model = kit.model(MODEL_ID, { credentials });
      kit.emulator.setDefault({ text: 'ok' });
      await model.generate(userRequest('one'));
      await model.generate(userRequest('two'));
      credentials.current = { scheme: 'api_key', value: testKey('b') };
      await model.generate(userRequest('three'));
      expect(credentials.reads).toBe(3);
      expect([0, 1, 2].map(authorizationOf)).toEqual([
        `Bearer ${testKey('a')}`,
        `Bearer ${testKey('a')}`,
        `Bearer ${testKey('b')}`,
      ]);
    });

    it('sends a bearer token from the bearer_token method', async () => {
      const token = ['tok', 'x'.repeat(40)].join('-');
      kit.emulator.enqueue({ text: 'ok' });
      await kit
        .model(MODEL_ID, {
          apiKey: undefined,
          authentication: { type: 'bearer_token', configuration: { token } },
        })
        .generate(userRequest('Hi'));
      expect(authorizationOf(0)).toBe(`Bearer ${token}`);
    });

    it("prefers a model's own API key and endpoint to the factory's", async () => {
      const provider = createAnthropic({ apiKey: testKey('a'), endpoint: 'http://127.0.0.1:1' });
      try {
        kit.emulator.enqueue({ text: 'ok' });
        await provider
          .createModel(MODEL_ID, {
            apiKey: testKey('m'),
            endpoint: kit.emulator.baseURL('anthropic'),
          })
          .generate(userRequest('Hi'));
        expect(authorizationOf(0)).toBe(`Bearer ${testKey('m')}`);
      } finally {
        await provider.close();
      }
    });

    it('re-reads a rotating key with readKey once the rotation interval has passed', async () => {
      let now = 1_000_000;
      const clock: Clock = {
        now: () => now,
        setTimeout: () => undefined,
        clearTimeout: () => undefined,
      };
      const keys = [testKey('c'), testKey('d')];
      let reads = 0;
      const readKey = vi.fn(() => keys[Math.min(reads++, 1)]!);
      const model = kit.model(MODEL_ID, {
        apiKeyRotation: { enabled: true, rotationInterval: 1, maxAge: 720 },
        readKey,
        clock,
      });
      kit.emulator.setDefault({ text: 'ok' });
      await model.generate(userRequest('one'));
      await model.generate(userRequest('two'));
      now += 3_600_001;
      await model.generate(userRequest('three'));
      expect([0, 1, 2].map(authorizationOf)).toEqual([
        `Bearer ${keys[0]}`,
        `Bearer ${keys[0]}`,
        `Bearer ${keys[1]}`,
      ]);
      expect(readKey).toHaveBeenCalledTimes(2);
    });

    it('gets an OAuth2 token through the fetch of the options and sends it as a bearer token', async () => {
      const token = ['tok', 'o'.repeat(40)].join('-');
      const tokenEndpoint = 'https://auth.example.com/oauth/token';
      const tokenBodies: string[] = [];
      const fetch: typeof globalThis.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url !== tokenEndpoint) return pool(input, init);
        tokenBodies.push(typeof init?.body === 'string' ? init.body : '');
        return Promise.resolve(
          Response.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 }),
        );
      };
      const model = kit.model(MODEL_ID, {
        apiKey: undefined,
        authentication: { type: 'oauth2', configuration: { scopes: ['models.read'] } },
        oauth2: {
          clientId: 'agentry',
          scopes: [],
          redirectUri: 'https://app.example.com/callback',
          tokenEndpoint,
        },
        fetch,
      });
      kit.emulator.setDefault({ text: 'ok' });
      await model.generate(userRequest('one'));
      await model.generate(userRequest('two'));
      expect(tokenBodies).toEqual([expect.stringContaining('grant_type=client_credentials')]);
      expect([0, 1].map(authorizationOf)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    });

    it("takes a model's authentication and OAuth2 settings over its key and the factory's, one token for the entry's models", async () => {
      const token = ['tok', 'm'.repeat(40)].join('-');
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
      const provider = kit.provider({ fetch });
      const settings: ModelSettings = {
        apiKey: testKey('m'),
        authentication: { type: 'oauth2', configuration: {} },
        oauth2: {
          clientId: 'agentry',
          scopes: ['models.read'],
          redirectUri: 'https://app.example.com/callback',
          tokenEndpoint,
        },
      };
      kit.emulator.setDefault({ text: 'ok' });
      await provider.createModel(MODEL_ID, settings).generate(userRequest('one'));
      await provider.createModel('claude-opus-5-5', settings).generate(userRequest('two'));
      expect(tokenRequests).toBe(1);
      expect([0, 1].map(authorizationOf)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    });

    it('falls back to ANTHROPIC_API_KEY, read at each call', async () => {
      vi.stubEnv('ANTHROPIC_API_KEY', testKey('e'));
      const model = kit.model(MODEL_ID, { apiKey: undefined });
      kit.emulator.enqueue({ text: 'ok' });
      await model.generate(userRequest('Hi'));
      expect(authorizationOf(0)).toBe(`Bearer ${testKey('e')}`);
    });

    it('fails with auth_failed before any request when no credential is configured', async () => {
      vi.stubEnv('ANTHROPIC_API_KEY', '');
      const error = await rejection(
        kit.model(MODEL_ID, { apiKey: undefined }).generate(userRequest('Hi')),
      );
      expect(error.code).toBe('auth_failed');
      expect(error.message).toContain('ANTHROPIC_API_KEY');
      expect(kit.emulator.requests).toHaveLength(0);
    });
  });

  describe('connections', () => {
    it('reuses pooled connections instead of opening one per call', async () => {
      await vi.waitFor(() => expect(kit.emulator.openConnections).toBe(0));
      const model = kit.model();
      kit.emulator.setDefault({ text: 'ok' });
      await model.generate(userRequest('Hi'));
      await model.generate(userRequest('Hi'));
      const warm = kit.emulator.openConnections;
      for (let call = 0; call < 8; call += 1) await model.generate(userRequest('Hi'));
      expect(kit.emulator.requests).toHaveLength(10);
      expect(kit.emulator.openConnections).toBe(warm);
      expect(warm).toBeLessThanOrEqual(2);
    });

    it('closes its connections on close, after which calls fail with network', async () => {
      const provider = kit.provider();
      const model = provider.createModel(MODEL_ID);
      kit.emulator.enqueue({ text: 'ok' });
      await model.generate(userRequest('Hi'));
      await provider.close();
      await provider.close();
      await vi.waitFor(() => expect(kit.emulator.openConnections).toBe(0));
      expect((await rejection(model.generate(userRequest('Hi')))).code).toBe('network');
    });

    it('sends requests through the fetch of the options, which close leaves open', async () => {
      const urls: string[] = [];
      const fetch: typeof globalThis.fetch = (input, init) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return pool(input, init);
      };
      const provider = kit.provider({ fetch });
      const model = provider.createModel(MODEL_ID);
      kit.emulator.setDefault({ text: 'ok' });
      await model.generate(userRequest('one'));
      await provider.close();
      await model.generate(userRequest('two'));
      expect(urls).toEqual([
        `${kit.emulator.baseURL('anthropic')}/v1/messages`,
        `${kit.emulator.baseURL('anthropic')}/v1/messages`,
      ]);
    });

    it('runs at most maxConcurrency calls of a model at once', async () => {
      const capabilities = { ...DEFAULT_ANTHROPIC_CAPABILITIES, maxConcurrency: 1 };
      const model = kit.model('claude-serial-1', {
        models: [{ name: 'claude-serial-1', capabilities }],
      });
      kit.emulator.enqueue({ text: 'first', delayMs: 200 }, { text: 'second' });
      const first = model.generate(userRequest('one'));
      const second = model.generate(userRequest('two'));
      await vi.waitFor(() => expect(kit.emulator.requests).toHaveLength(1));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(kit.emulator.requests).toHaveLength(1);
      await Promise.all([first, second]);
      expect(kit.emulator.requests).toHaveLength(2);
    });
  });
});
