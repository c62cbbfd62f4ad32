import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  OAuth2Server,
  type MutableResponse,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import type { OAuth2Config } from '../schemas/oauth2-config.js';
import { manualClock, type ManualClock } from './__fixtures__/manual-clock.js';
import { createCredentialSource } from './create-credential-source.js';
import { createPooledFetch } from './create-pooled-fetch.js';

interface SeenRequest {
  body: Record<string, unknown>;
  authorization: string | undefined;
  contentType: string | undefined;
}

let server: OAuth2Server;
let tokenEndpoint: string;
let seen: SeenRequest[] = [];
/** Changes the next answers of the token endpoint; cleared after each test. */
let rewrite: ((response: MutableResponse) => void) | undefined;

// One server (and one signing key, which is slow to generate) serves the whole file.
beforeAll(async () => {
  server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  tokenEndpoint = `http://127.0.0.1:${server.address().port}/token`;
  server.service.on(
    'beforeResponse',
    (response: MutableResponse, request: TokenRequestIncomingMessage) => {
      seen.push({
        body: { ...request.body },
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
      });
      rewrite?.(response);
    },
  );
});

beforeEach(() => {
  seen = [];
  rewrite = undefined;
});

afterAll(async () => {
  await server.stop();
});

const clientSecret = () => ['secret', 'q'.repeat(24)].join('-');

function settings(overrides: Partial<OAuth2Config> = {}): OAuth2Config {
  return {
    clientId: 'agentry-client',
    clientSecret: clientSecret(),
    scopes: ['models.read', 'models.write'],
    redirectUri: 'http://127.0.0.1/callback',
    tokenEndpoint,
    ...overrides,
  };
}

function source(options: { oauth2?: OAuth2Config; scopes?: string[]; clock?: ManualClock } = {}) {
  const clock = options.clock ?? manualClock();
  return {
    clock,
    credentials: createCredentialSource({
      method: { type: 'oauth2', configuration: { scopes: options.scopes } },
      oauth2: options.oauth2 ?? settings(),
      clock,
    }),
  };
}

function payloadOf(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function failureOf(promise: Promise<unknown>): Promise<AgentryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!AgentryError.isInstance(error))
    throw new Error(`expected an AgentryError, got ${String(error)}`);
  return error;
}

describe('createCredentialSource (oauth2)', () => {
  describe('token request', () => {
    it('does obtain a bearer token with the client credentials grant and HTTP Basic', async () => {
      const { credentials } = source();
      const credential = await credentials.get();
      expect(credential.scheme).toBe('bearer');
      expect(payloadOf(credential.value)).toMatchObject({ scope: 'models.read models.write' });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.contentType).toBe('application/x-www-form-urlencoded');
      expect(seen[0]?.body).toEqual({
        grant_type: 'client_credentials',
        scope: 'models.read models.write',
      });
      const basic = Buffer.from(`agentry-client:${clientSecret()}`).toString('base64');
      expect(seen[0]?.authorization).toBe(`Basic ${basic}`);
    });

    it('does send client_id in the body for a client without a secret', async () => {
      const { credentials } = source({ oauth2: settings({ clientSecret: undefined }) });
      await credentials.get();
      expect(seen[0]?.authorization).toBeUndefined();
      expect(seen[0]?.body).toMatchObject({ client_id: 'agentry-client' });
    });

    it("does request the method's narrower scopes when it names them", async () => {
      const { credentials } = source({ scopes: ['models.read'] });
      const credential = await credentials.get();
      expect(seen[0]?.body).toMatchObject({ scope: 'models.read' });
      expect(payloadOf(credential.value)).toMatchObject({ scope: 'models.read' });
    });

    it('does work over a pooled fetch', async () => {
      const fetch = createPooledFetch();
      try {
        const credentials = createCredentialSource({
          method: { type: 'oauth2', configuration: {} },
          oauth2: settings(),
          fetch,
        });
        await expect(credentials.get()).resolves.toMatchObject({ scheme: 'bearer' });
      } finally {
        await fetch.close();
      }
    });
  });

  describe('caching and refresh', () => {
    it('does reuse the token until 60 s before it expires', async () => {
      const { clock, credentials } = source();
      const first = await credentials.get();
      clock.advance(3_540_000 - 1);
      await expect(credentials.get()).resolves.toBe(first);
      expect(seen).toHaveLength(1);
      clock.advance(1);
      await credentials.get();
      expect(seen).toHaveLength(2);
    });

    it('does refresh a short-lived token when a tenth of its lifetime is left', async () => {
      rewrite = (response) => {
        if (typeof response.body === 'object') response.body.expires_in = 30;
      };
      const { clock, credentials } = source();
      await credentials.get();
      clock.advance(26_999);
      await credentials.get();
      expect(seen).toHaveLength(1);
      clock.advance(1);
      await credentials.get();
      expect(seen).toHaveLength(2);
    });

    it('does keep a token without expires_in for five minutes', async () => {
      rewrite = (response) => {
        if (typeof response.body === 'object') delete response.body.expires_in;
      };
      const { clock, credentials } = source();
      await credentials.get();
      clock.advance(269_999);
      await credentials.get();
      expect(seen).toHaveLength(1);
      clock.advance(1);
      await credentials.get();
      expect(seen).toHaveLength(2);
    });

    it('does keep using a token that has not expired when an early refresh fails', async () => {
      const { clock, credentials } = source();
      const first = await credentials.get();
      rewrite = (response) => {
        response.statusCode = 503;
        response.body = '';
      };
      clock.advance(3_540_000);
      await expect(credentials.get()).resolves.toBe(first);
      expect(seen).toHaveLength(2);
      clock.advance(60_000);
      expect((await failureOf(credentials.get())).code).toBe('auth_failed');
    });

    it('does share one token request among concurrent callers', async () => {
      const { credentials } = source();
      const tokens = await Promise.all(Array.from({ length: 5 }, () => credentials.get()));
      expect(new Set(tokens.map((token) => token.value)).size).toBe(1);
      expect(seen).toHaveLength(1);
    });

    it('does accept a token_type in any case', async () => {
      rewrite = (response) => {
        if (typeof response.body === 'object') response.body.token_type = 'bearer';
      };
      await expect(source().credentials.get()).resolves.toMatchObject({ scheme: 'bearer' });
    });
  });

  describe('failures', () => {
    it('does fail with auth_failed naming the endpoint and the OAuth error', async () => {
      rewrite = (response) => {
        response.statusCode = 401;
        response.body = {
          error: 'invalid_client',
          error_description: 'Client authentication failed.',
        };
      };
      const error = await failureOf(source().credentials.get());
      expect(error).toMatchObject({
        code: 'auth_failed',
        recoverable: false,
        details: { tokenEndpoint, status: 401, oauthError: 'invalid_client' },
      });
      expect(error.message).toContain(tokenEndpoint);
      expect(error.message).toContain('invalid_client');
      expect(error.suggestions.join(' ')).toContain('oauth2.clientSecret');
      expect(JSON.stringify(error.toJSON())).not.toContain(clientSecret());
    });

    it('does try again on the next call after a refusal', async () => {
      rewrite = (response) => {
        response.statusCode = 400;
        response.body = { error: 'invalid_scope' };
      };
      const { credentials } = source();
      expect((await failureOf(credentials.get())).code).toBe('auth_failed');
      rewrite = undefined;
      await expect(credentials.get()).resolves.toMatchObject({ scheme: 'bearer' });
      expect(seen).toHaveLength(2);
    });

    it('does mark a failing authorization server as recoverable', async () => {
      rewrite = (response) => {
        response.statusCode = 503;
        response.body = '';
      };
      const error = await failureOf(source().credentials.get());
      expect(error).toMatchObject({
        code: 'auth_failed',
        recoverable: true,
        details: { status: 503 },
      });
    });

    it('does refuse an answer that is not a bearer token', async () => {
      rewrite = (response) => {
        if (typeof response.body === 'object') response.body.token_type = 'mac';
      };
      const error = await failureOf(source().credentials.get());
      expect(error.code).toBe('auth_failed');
      expect(error.message).toContain('token_type');
    });

    it('does fail with network when the token endpoint cannot be reached', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      const unreachable = `http://127.0.0.1:${port}/token`;
      const error = await failureOf(
        source({ oauth2: settings({ tokenEndpoint: unreachable }) }).credentials.get(),
      );
      expect(error).toMatchObject({ code: 'network', recoverable: true });
      expect(error.message).toContain(unreachable);
    });
  });

  describe('invalidate', () => {
    /** Numbers the tokens, which the mock server would otherwise repeat within a second. */
    beforeEach(() => {
      let issued = 0;
      rewrite = (response) => {
        issued += 1;
        if (typeof response.body === 'object') response.body.access_token = `token-${issued}`;
      };
    });

    it('does fetch a new token at the next get once the token in use is refused', async () => {
      const { credentials } = source();
      const refused = await credentials.get();
      expect(credentials.invalidate?.(refused)).toBe(true);
      const fresh = await credentials.get();
      expect(fresh.value).not.toBe(refused.value);
      expect(seen).toHaveLength(2);
    });

    it('does fetch once for concurrent refusals of one token, and ignore a token no longer in use', async () => {
      const { credentials } = source();
      const refused = await credentials.get();
      credentials.invalidate?.(refused);
      credentials.invalidate?.(refused);
      const [first, second] = await Promise.all([credentials.get(), credentials.get()]);
      expect(first).toBe(second);
      credentials.invalidate?.(refused);
      await expect(credentials.get()).resolves.toBe(first);
      expect(seen).toHaveLength(2);
    });

    it('does not fall back to a refused token when the refresh fails', async () => {
      const { credentials } = source();
      const refused = await credentials.get();
      expect(credentials.invalidate?.(refused)).toBe(true);
      rewrite = (response) => {
        response.statusCode = 503;
        response.body = { error: 'temporarily_unavailable' };
      };
      await expect(failureOf(credentials.get())).resolves.toMatchObject({ code: 'auth_failed' });
    });
  });

  describe('secrets in URLs', () => {
    it('does keep the credentials and secret query parameters of the endpoint out of the whole error', async () => {
      const password = ['pw', 'z'.repeat(16)].join('-');
      const apiKey = ['key', 'y'.repeat(16)].join('-');
      const { port } = new URL(tokenEndpoint);
      const secretEndpoint = `http://client:${password}@127.0.0.1:${port}/token?api_key=${apiKey}&tenant=acme`;
      const error = await failureOf(
        source({ oauth2: settings({ tokenEndpoint: secretEndpoint }) }).credentials.get(),
      );
      expect(error.code).toBe('network');
      const everything = inspect(error, { depth: null }) + JSON.stringify(error.details);
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(apiKey);
      expect(error.message).toContain(`http://127.0.0.1:${port}/token`);
      expect(error.message).toContain('tenant=acme');
    });
  });

  describe('signal', () => {
    /** A fetch that holds each request until `release()`, recording its signal. */
    function heldFetch() {
      const gates: (() => void)[] = [];
      const signals: AbortSignal[] = [];
      const fetch: typeof globalThis.fetch = async (input, init) => {
        if (init?.signal) signals.push(init.signal);
        await new Promise<void>((resolve) => gates.push(resolve));
        return globalThis.fetch(input, init);
      };
      return { fetch, signals, release: () => gates.splice(0).forEach((open) => open()) };
    }

    it('does stop waiting when the signal aborts, while other callers get the token', async () => {
      const held = heldFetch();
      const credentials = createCredentialSource({
        method: { type: 'oauth2', configuration: {} },
        oauth2: settings(),
        fetch: held.fetch,
        clock: manualClock(),
      });
      const controller = new AbortController();
      const impatient = credentials.get({ signal: controller.signal });
      const patient = credentials.get();
      controller.abort();
      expect((await failureOf(impatient)).code).toBe('aborted');
      held.release();
      await expect(patient).resolves.toMatchObject({ scheme: 'bearer' });
      expect(held.signals[0]?.aborted).toBe(false);
    });

    it('does cancel the token request when every caller has given up', async () => {
      const held = heldFetch();
      const credentials = createCredentialSource({
        method: { type: 'oauth2', configuration: {} },
        oauth2: settings(),
        fetch: held.fetch,
        clock: manualClock(),
      });
      const controller = new AbortController();
      const waiting = credentials.get({ signal: controller.signal });
      controller.abort();
      expect((await failureOf(waiting)).code).toBe('aborted');
      expect(held.signals[0]?.aborted).toBe(true);
      held.release();
      // The next call starts a new request rather than joining the cancelled one.
      const next = credentials.get();
      await new Promise((resolve) => setImmediate(resolve));
      held.release();
      await expect(next).resolves.toMatchObject({ scheme: 'bearer' });
      expect(held.signals).toHaveLength(2);
    });

    it('does refuse at once with an aborted signal', async () => {
      const { credentials } = source();
      const error = await failureOf(credentials.get({ signal: AbortSignal.abort() }));
      expect(error.code).toBe('aborted');
      expect(seen).toHaveLength(0);
    });
  });
});
