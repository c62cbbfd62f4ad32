import { describe, expect, it, vi } from 'vitest';
import type { ModelSettings } from '../model/language-model.js';
import type { ApiKeyRotationConfig } from '../schemas/api-key-rotation-config.js';
import type { AuthenticationMethod } from '../schemas/authentication-method.js';
import type { OAuth2Config } from '../schemas/oauth2-config.js';
import { HOUR, manualClock } from './__fixtures__/manual-clock.js';
import { createProviderCredentials } from './create-provider-credentials.js';
import type { CredentialSource } from './credential-source.js';
import type { ProviderConnectionOptions } from './provider-connection-options.js';
import { failureOf } from './__fixtures__/failure-of.js';

/** A key-like value built at run time, so nothing key-like is committed. */
const key = (letter: string) => ['sk', letter.repeat(40)].join('-');
/** A token-like value built at run time. */
const token = (letter: string) => ['tok', letter.repeat(32)].join('-');

const apiKeyMethod = (apiKey: string): AuthenticationMethod => ({
  type: 'api_key',
  configuration: { apiKey },
});
const bearerMethod = (value: string): AuthenticationMethod => ({
  type: 'bearer_token',
  configuration: { token: value },
});
const fixedSource = (value: string): CredentialSource => ({
  get: () => Promise.resolve({ scheme: 'bearer', value }),
});

const rotation: ApiKeyRotationConfig = { enabled: true, rotationInterval: 24, maxAge: 72 };

function oauth2(tokenEndpoint = 'https://auth.example.com/token'): OAuth2Config {
  return {
    clientId: 'agentry-client',
    scopes: ['models.read'],
    redirectUri: 'http://127.0.0.1/callback',
    tokenEndpoint,
  };
}

/** A fetch that answers every token request with a new access token, recording the URLs. */
function tokenFetch() {
  const urls: string[] = [];
  const fetch = (input: string | URL | Request): Promise<Response> => {
    urls.push(input instanceof Request ? input.url : String(input));
    const body = {
      access_token: token(String(urls.length)),
      token_type: 'Bearer',
      expires_in: 3600,
    };
    return Promise.resolve(
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }),
    );
  };
  return { fetch, urls };
}

function credentials(
  options: ProviderConnectionOptions = {},
  environmentVariables: readonly string[] = ['TEST_PROVIDER_API_KEY'],
  fetch: typeof globalThis.fetch = tokenFetch().fetch,
) {
  return createProviderCredentials(options, { provider: 'Test', environmentVariables, fetch });
}

describe('createProviderCredentials', () => {
  describe('order', () => {
    // Every level is configured; each row removes the ones above it, so the next one must win.
    const everything = {
      settings: { authentication: bearerMethod(token('a')), apiKey: key('b') } as ModelSettings,
      options: {
        credentials: fixedSource(token('c')),
        authentication: bearerMethod(token('d')),
        apiKey: key('e'),
      } as ProviderConnectionOptions,
    };
    it.each([
      ["a model's authentication", {}, {}, { scheme: 'bearer', value: token('a') }],
      [
        "a model's apiKey",
        { authentication: undefined },
        {},
        { scheme: 'api_key', value: key('b') },
      ],
      [
        "the options' credentials",
        { authentication: undefined, apiKey: undefined },
        {},
        { scheme: 'bearer', value: token('c') },
      ],
      [
        "the options' authentication",
        { authentication: undefined, apiKey: undefined },
        { credentials: undefined },
        { scheme: 'bearer', value: token('d') },
      ],
      [
        "the options' apiKey",
        { authentication: undefined, apiKey: undefined },
        { credentials: undefined, authentication: undefined },
        { scheme: 'api_key', value: key('e') },
      ],
      [
        'the environment variable',
        { authentication: undefined, apiKey: undefined },
        { credentials: undefined, authentication: undefined, apiKey: undefined },
        { scheme: 'api_key', value: key('f') },
      ],
    ] as const)(
      'does use %s when nothing before it is given',
      async (_, settings, options, expected) => {
        vi.stubEnv('TEST_PROVIDER_API_KEY', key('f'));
        const source = credentials({ ...everything.options, ...options }).forModel({
          ...everything.settings,
          ...settings,
        });
        await expect(source.get()).resolves.toEqual(expected);
      },
    );

    it('does give models without settings the same provider source', () => {
      const provider = credentials({ apiKey: key('a') });
      expect(provider.forModel()).toBe(provider.forModel({ endpoint: 'http://127.0.0.1:1' }));
    });
  });

  describe("a model's authentication", () => {
    it('does share one OAuth2 token among the models of one method object', async () => {
      const { fetch, urls } = tokenFetch();
      const provider = credentials({ oauth2: oauth2() }, [], fetch);
      const method: AuthenticationMethod = { type: 'oauth2', configuration: {} };
      const first = provider.forModel({ authentication: method });
      const second = provider.forModel({ authentication: method });
      expect(second).toBe(first);
      await expect(first.get()).resolves.toEqual({ scheme: 'bearer', value: token('1') });
      await expect(second.get()).resolves.toEqual({ scheme: 'bearer', value: token('1') });
      expect(urls).toEqual(['https://auth.example.com/token']);
    });

    it('does give another method object, or other OAuth2 settings, a source of its own', () => {
      const provider = credentials({ oauth2: oauth2() });
      const method: AuthenticationMethod = { type: 'oauth2', configuration: {} };
      const first = provider.forModel({ authentication: method });
      expect(provider.forModel({ authentication: { ...method } })).not.toBe(first);
      expect(provider.forModel({ authentication: method, oauth2: oauth2() })).not.toBe(first);
    });

    it("does prefer the settings' oauth2 to the options', with token requests through the context's fetch", async () => {
      const { fetch, urls } = tokenFetch();
      const provider = credentials({ oauth2: oauth2() }, [], fetch);
      const source = provider.forModel({
        authentication: { type: 'oauth2', configuration: {} },
        oauth2: oauth2('https://entry.example.com/token'),
      });
      await source.get();
      expect(urls).toEqual(['https://entry.example.com/token']);
    });

    it("does rotate an api_key method per the settings' apiKeyRotation, with the options' readKey and clock", async () => {
      const clock = manualClock();
      const readKey = vi.fn(() => key('r'));
      const provider = credentials({ readKey, clock });
      const source = provider.forModel({
        authentication: apiKeyMethod(key('a')),
        apiKeyRotation: rotation,
      });
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('r') });
      clock.advance(73 * HOUR);
      const error = await failureOf(source.get());
      expect(error.code).toBe('auth_failed');
      expect(readKey).toHaveBeenCalled();
    });

    it('does throw validation_failed for an oauth2 method without OAuth2 settings', () => {
      const provider = credentials();
      expect(() =>
        provider.forModel({ authentication: { type: 'oauth2', configuration: {} } }),
      ).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    });
  });

  describe('API key rotation', () => {
    it("does rotate the options' apiKey when apiKeyRotation is enabled", async () => {
      const clock = manualClock();
      const source = credentials({ apiKey: key('a'), apiKeyRotation: rotation, clock }).forModel();
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('a') });
      clock.advance(73 * HOUR);
      const error = await failureOf(source.get());
      expect(error.code).toBe('auth_failed');
      expect(error.message).toContain('maxAge');
    });

    it("does read the options' apiKey with readKey when rotation is enabled, and never when it is off", async () => {
      const readKey = vi.fn(() => key('r'));
      const rotating = credentials({ apiKey: key('a'), apiKeyRotation: rotation, readKey });
      await expect(rotating.forModel().get()).resolves.toMatchObject({ value: key('r') });
      const fixed = credentials({
        apiKey: key('a'),
        apiKeyRotation: { ...rotation, enabled: false },
        readKey,
      });
      readKey.mockClear();
      await expect(fixed.forModel().get()).resolves.toMatchObject({ value: key('a') });
      expect(readKey).not.toHaveBeenCalled();
    });

    it("does rotate a model's apiKey per the options' apiKeyRotation", async () => {
      const clock = manualClock();
      const provider = credentials({ apiKeyRotation: rotation, clock });
      const source = provider.forModel({ apiKey: key('b') });
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('b') });
      clock.advance(73 * HOUR);
      expect((await failureOf(source.get())).code).toBe('auth_failed');
    });
  });

  describe('environment variables', () => {
    it('does read them at each call, the first one set winning', async () => {
      const source = credentials({}, ['TEST_FIRST_KEY', 'TEST_SECOND_KEY']).forModel();
      vi.stubEnv('TEST_FIRST_KEY', '');
      vi.stubEnv('TEST_SECOND_KEY', key('b'));
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('b') });
      vi.stubEnv('TEST_FIRST_KEY', key('a'));
      await expect(source.get()).resolves.toEqual({ scheme: 'api_key', value: key('a') });
    });

    it('does reject with auth_failed naming the options and variables when none is set', async () => {
      vi.stubEnv('TEST_FIRST_KEY', '');
      vi.stubEnv('TEST_SECOND_KEY', undefined);
      const source = credentials({}, ['TEST_FIRST_KEY', 'TEST_SECOND_KEY']).forModel();
      const error = await failureOf(source.get());
      expect(error.code).toBe('auth_failed');
      expect(error.recoverable).toBe(false);
      expect(error.message).toContain('No Test credential');
      expect(error.message).toMatch(/apiKey, authentication or credentials/);
      expect(error.message).toContain('TEST_FIRST_KEY, TEST_SECOND_KEY');
      expect(error.details).toEqual({
        provider: 'test',
        environmentVariables: ['TEST_FIRST_KEY', 'TEST_SECOND_KEY'],
      });
      expect(error.suggestions.join(' ')).toContain('TEST_FIRST_KEY');
    });
  });
});
