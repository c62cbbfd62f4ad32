import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardModel, type Clock, type Credential } from '@agentry/core';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ask, testKey } from '../test/google-emulator.js';
import {
  createGoogle,
  DEFAULT_GOOGLE_CAPABILITIES,
  googleModels,
  type GoogleProviderOptions,
  type GoogleProvider,
} from './index.js';

let emulator: Emulator;
const factories: GoogleProvider[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ defaultTurn: { text: 'ok' } });
});

afterEach(async () => {
  await Promise.all(factories.splice(0).map((factory) => factory.close()));
  await emulator.close();
});

function google(options: GoogleProviderOptions = {}): GoogleProvider {
  const factory = createGoogle({ endpoint: emulator.baseURL('google'), ...options });
  factories.push(factory);
  return factory;
}

function header(index: number, name: string): string | undefined {
  return emulator.requests[index]?.headers[name];
}

/** A bearer token built at run time. */
const testToken = (fill = 't'): string => `ya29.${fill.repeat(40)}`;

/** An OAuth2 token endpoint that hands out `token` and counts the requests. */
async function startTokenServer(token: string): Promise<{
  oauth2: { clientId: string; scopes: string[]; redirectUri: string; tokenEndpoint: string };
  readonly requests: number;
  close(): Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    oauth2: {
      clientId: 'agentry-tests',
      scopes: ['https://www.googleapis.com/auth/generative-language'],
      redirectUri: 'http://127.0.0.1/callback',
      tokenEndpoint: `http://127.0.0.1:${String(port)}/token`,
    },
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('createGoogle', () => {
  describe('factory', () => {
    it('serves the google type with the v1 contract, its catalogue and key check', () => {
      const factory = google({ apiKey: testKey() });
      expect(factory.type).toBe('google');
      expect(factory.specificationVersion).toBe('v1');
      expect(factory.models()).toBe(googleModels);
      expect(factory.validateApiKey(testKey())).toBeUndefined();
      expect(factory.validateApiKey('sk-not-google')).toEqual(expect.any(String));
    });

    it('puts the deprecation of a deprecated catalogue model on the model it creates', () => {
      const factory = google({ apiKey: testKey() });
      expect(factory.createModel('gemini-2.5-flash').deprecation).toEqual({
        message: expect.stringContaining('gemini-2.5-flash'),
      });
      expect(factory.createModel('gemini-3.5-flash').deprecation).toBeUndefined();
    });

    it('creates guarded models with the catalogue capabilities, or the defaults for unlisted ids', () => {
      const factory = google({ apiKey: testKey() });
      const listed = factory.createModel('gemini-2.5-flash-lite');
      const unlisted = factory.createModel('gemini-flash-latest');
      expect(listed.provider).toBe('google');
      expect(listed.modelId).toBe('gemini-2.5-flash-lite');
      expect(listed.capabilities).toEqual(
        googleModels.find((info) => info.name === 'gemini-2.5-flash-lite')?.capabilities,
      );
      expect(unlisted.capabilities).toEqual(DEFAULT_GOOGLE_CAPABILITIES);
      expect(guardModel(listed)).toBe(listed);
    });

    it('adds catalogue entries, replacing a built-in one of the same name', () => {
      const capabilities = { ...DEFAULT_GOOGLE_CAPABILITIES, maxConcurrency: 2 };
      const factory = google({
        apiKey: testKey(),
        models: [
          { name: 'gemini-3.5-flash', capabilities },
          {
            name: 'tunedModels/support-bot',
            capabilities: { ...capabilities, supportsVision: false },
          },
        ],
      });
      expect(factory.models().filter((info) => info.name === 'gemini-3.5-flash')).toEqual([
        { name: 'gemini-3.5-flash', capabilities },
      ]);
      expect(factory.models()).toHaveLength(googleModels.length + 1);
      expect(factory.createModel('gemini-3.5-flash').capabilities.maxConcurrency).toBe(2);
      expect(factory.createModel('tunedModels/support-bot').capabilities.supportsVision).toBe(
        false,
      );
    });

    it('refuses images to a model without vision before any request', async () => {
      const capabilities = { ...DEFAULT_GOOGLE_CAPABILITIES, supportsVision: false };
      const factory = google({ apiKey: testKey(), models: [{ name: 'text-only', capabilities }] });
      const failure = factory.createModel('text-only').generate({
        messages: [
          { role: 'user', content: [{ type: 'image', image: 'https://example.com/a.png' }] },
        ],
      });
      await expect(failure).rejects.toMatchObject({ code: 'invalid_request' });
      expect(emulator.requests).toHaveLength(0);
    });

    it.each<[string, GoogleProviderOptions]>([
      ['a timeout of 0', { timeout: 0 }],
      ['a fractional timeout', { timeout: 1.5 }],
      ['an endpoint that is not http(s)', { endpoint: 'ftp://example.com' }],
      ['an endpoint that is not a URL', { endpoint: 'generativelanguage' }],
      ['a pool of 0 connections', { connectionPool: { maxConnections: 0 } }],
    ])('refuses %s with validation_failed', (_name, options) => {
      expect(() => createGoogle({ apiKey: testKey(), ...options })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    });

    it('closes its connection pool once: calls after close fail', async () => {
      const factory = google({ apiKey: testKey() });
      await Promise.all([factory.close(), factory.close()]);
      await expect(
        factory.createModel('gemini-3.5-flash').generate(ask('Hi')),
      ).rejects.toMatchObject({
        code: 'network',
      });
    });
  });

  describe('credentials', () => {
    it('sends the model settings key instead of the factory key', async () => {
      const factory = google({ apiKey: testKey('a') });
      await factory.createModel('gemini-3.5-flash', { apiKey: testKey('b') }).generate(ask('Hi'));
      expect(header(0, 'x-goog-api-key')).toBe(testKey('b'));
    });

    it('sends to the model settings endpoint', async () => {
      const other = await startEmulator({ defaultTurn: { text: 'from the other one' } });
      try {
        const factory = google({ apiKey: testKey() });
        const response = await factory
          .createModel('gemini-3.5-flash', { endpoint: other.baseURL('google') })
          .generate(ask('Hi'));
        expect(response.content).toEqual([{ type: 'text', text: 'from the other one' }]);
        expect(emulator.requests).toHaveLength(0);
      } finally {
        await other.close();
      }
    });

    it('sends a bearer token as Authorization: Bearer, without a key header', async () => {
      const token = testToken();
      const factory = google({
        authentication: { type: 'bearer_token', configuration: { token } },
      });
      await factory.createModel('gemini-3.5-flash').generate(ask('Hi'));
      expect(header(0, 'authorization')).toBe(`Bearer ${token}`);
      expect(header(0, 'x-goog-api-key')).toBeUndefined();
    });

    it('gets an OAuth2 token from the token endpoint and sends it as a bearer token', async () => {
      const tokens = await startTokenServer(testToken('o'));
      try {
        const factory = google({
          authentication: { type: 'oauth2', configuration: {} },
          oauth2: tokens.oauth2,
        });
        const model = factory.createModel('gemini-3.5-flash');
        await model.generate(ask('Hi'));
        await model.generate(ask('Again'));
        expect(tokens.requests).toBe(1);
        expect(header(0, 'authorization')).toBe(`Bearer ${testToken('o')}`);
        expect(header(1, 'authorization')).toBe(`Bearer ${testToken('o')}`);
      } finally {
        await tokens.close();
      }
    });

    it("sends a model's bearer_token authentication as Authorization: Bearer, over the factory key", async () => {
      const token = testToken('m');
      const factory = google({ apiKey: testKey('a') });
      await factory
        .createModel('gemini-3.5-flash', {
          authentication: { type: 'bearer_token', configuration: { token } },
        })
        .generate(ask('Hi'));
      expect(header(0, 'authorization')).toBe(`Bearer ${token}`);
      expect(header(0, 'x-goog-api-key')).toBeUndefined();
    });

    it("uses a model's api_key authentication with the settings' rotation over the factory's", async () => {
      const factory = google({
        apiKey: testKey('a'),
        apiKeyRotation: { enabled: true, rotationInterval: 1, maxAge: 24 },
        readKey: () => testKey('r'),
      });
      await factory
        .createModel('gemini-3.5-flash', {
          authentication: { type: 'api_key', configuration: { apiKey: testKey('s') } },
          apiKeyRotation: { enabled: false, rotationInterval: 1, maxAge: 24 },
        })
        .generate(ask('Hi'));
      expect(header(0, 'x-goog-api-key')).toBe(testKey('s'));
    });

    it("shares one OAuth2 token between the models of one entry, fetched through the factory's fetch", async () => {
      const tokens = await startTokenServer(testToken('o'));
      const fetched: string[] = [];
      const fetch: typeof globalThis.fetch = (input, init) => {
        fetched.push(input instanceof Request ? input.url : String(input));
        return globalThis.fetch(input, init);
      };
      try {
        const factory = google({ apiKey: testKey(), fetch });
        const settings = {
          authentication: { type: 'oauth2', configuration: {} },
          oauth2: tokens.oauth2,
        } as const;
        await factory.createModel('gemini-3.5-flash', settings).generate(ask('Hi'));
        await factory.createModel('gemini-2.5-pro', settings).generate(ask('Hi'));
        expect(tokens.requests).toBe(1);
        expect([header(0, 'authorization'), header(1, 'authorization')]).toEqual([
          `Bearer ${testToken('o')}`,
          `Bearer ${testToken('o')}`,
        ]);
        expect(fetched).toHaveLength(3);
        expect(fetched[0]).toBe(tokens.oauth2.tokenEndpoint);
      } finally {
        await tokens.close();
      }
    });

    it('makes no pool when given a fetch: close() leaves that fetch working', async () => {
      let calls = 0;
      const fetch: typeof globalThis.fetch = (input, init) => {
        calls += 1;
        return globalThis.fetch(input, init);
      };
      const factory = google({ apiKey: testKey(), fetch });
      const model = factory.createModel('gemini-3.5-flash');
      await model.generate(ask('Before'));
      await factory.close();
      const response = await model.generate(ask('After'));
      expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
      expect(calls).toBe(2);
    });

    it('reads the credential at every call, so a rotated key is used from the next call on', async () => {
      let now = 0;
      const clock: Clock = {
        now: () => now,
        setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
        clearTimeout: (handle) => globalThis.clearTimeout(handle as NodeJS.Timeout),
      };
      let current = testKey('a');
      const factory = google({
        authentication: { type: 'api_key', configuration: { apiKey: current } },
        apiKeyRotation: { enabled: true, rotationInterval: 1, maxAge: 24 },
        readKey: () => current,
        clock,
      });
      const model = factory.createModel('gemini-3.5-flash');
      await model.generate(ask('Hi'));
      current = testKey('b');
      now += 2 * 3_600_000;
      await model.generate(ask('Hi again'));
      expect([header(0, 'x-goog-api-key'), header(1, 'x-goog-api-key')]).toEqual([
        testKey('a'),
        testKey('b'),
      ]);
    });

    it('uses a credential source of its own, read per call', async () => {
      const credentials: Credential[] = [
        { scheme: 'api_key', value: testKey('c') },
        { scheme: 'bearer', value: testToken('d') },
      ];
      let calls = 0;
      const factory = google({
        credentials: { get: () => Promise.resolve(credentials[calls++ % 2] as Credential) },
      });
      const model = factory.createModel('gemini-3.5-flash');
      await model.generate(ask('One'));
      await model.generate(ask('Two'));
      expect(header(0, 'x-goog-api-key')).toBe(testKey('c'));
      expect(header(1, 'authorization')).toBe(`Bearer ${testToken('d')}`);
      expect(header(1, 'x-goog-api-key')).toBeUndefined();
    });

    it('falls back to GOOGLE_API_KEY or GEMINI_API_KEY, and ignores the SDK switches to Vertex AI', async () => {
      vi.stubEnv('GOOGLE_API_KEY', '');
      vi.stubEnv('GEMINI_API_KEY', testKey('e'));
      vi.stubEnv('GOOGLE_GENAI_USE_VERTEXAI', 'true');
      vi.stubEnv('GOOGLE_GEMINI_BASE_URL', 'http://127.0.0.1:9/elsewhere');
      await google().createModel('gemini-3.5-flash').generate(ask('Hi'));
      expect(emulator.requests[0]?.path).toBe(
        '/google/v1beta/models/gemini-3.5-flash:generateContent',
      );
      expect(header(0, 'x-goog-api-key')).toBe(testKey('e'));
    });

    it('fails with auth_failed, before any request, when no key is configured', async () => {
      vi.stubEnv('GOOGLE_API_KEY', '');
      vi.stubEnv('GEMINI_API_KEY', '');
      await expect(
        google().createModel('gemini-3.5-flash').generate(ask('Hi')),
      ).rejects.toMatchObject({
        code: 'auth_failed',
        recoverable: false,
      });
      expect(emulator.requests).toHaveLength(0);
    });
  });
});
