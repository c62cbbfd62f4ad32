import {
  createAgent,
  createModelRouter,
  type AbortSource,
  type LanguageModel,
} from '@agentry/core';
import type { EmulatorTurn } from '@agentry/testing';
import { describe, expect, it } from 'vitest';
import { rejection, testKey, useEmulator, userRequest } from '../test/anthropic-test-kit.js';

const kit = useEmulator();

/** An OAuth2 token endpoint behind the provider's fetch, handing out a new token per request. */
function tokenEndpoint() {
  const url = 'https://auth.example.com/oauth/token';
  const issued: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    if (target !== url) return globalThis.fetch(input, init);
    const token = `tok-${issued.length + 1}-${'o'.repeat(40)}`;
    issued.push(token);
    return Promise.resolve(
      Response.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 }),
    );
  };
  return { url, issued, fetch };
}

function oauth2Model(endpoint: ReturnType<typeof tokenEndpoint>): LanguageModel {
  return kit.model(undefined, {
    apiKey: undefined,
    authentication: { type: 'oauth2', configuration: {} },
    oauth2: {
      clientId: 'agentry',
      scopes: [],
      redirectUri: 'https://app.example.com/callback',
      tokenEndpoint: endpoint.url,
    },
    fetch: endpoint.fetch,
  });
}

/** 401 for the first token (it expired at the server), an answer for any other. */
const refuseFirst =
  (endpoint: ReturnType<typeof tokenEndpoint>): EmulatorTurn =>
  (request) =>
    request.headers.authorization === `Bearer ${endpoint.issued[0]}`
      ? { kind: 'error', status: 401 }
      : { text: 'ok' };

const authorizations = () => kit.emulator.requests.map((request) => request.headers.authorization);

const notAborted: AbortSource = {
  aborted: false,
  reason: undefined,
  signal: new AbortController().signal,
};

describe('credential refresh after 401', () => {
  it('fetches a new OAuth2 token and retries once when the API refuses the old one (streamed)', async () => {
    const endpoint = tokenEndpoint();
    kit.emulator.setDefault(refuseFirst(endpoint));
    const result = await createAgent({ model: oauth2Model(endpoint) }).send('hi');
    expect(result.text).toBe('ok');
    expect(endpoint.issued).toHaveLength(2);
    expect(authorizations()).toEqual(endpoint.issued.map((token) => `Bearer ${token}`));
  });

  it('does the same for generate through a router', async () => {
    const endpoint = tokenEndpoint();
    kit.emulator.setDefault(refuseFirst(endpoint));
    const response = await createModelRouter({ models: [oauth2Model(endpoint)] }).run(
      (chosen, info) => chosen.generate(userRequest('hi'), { signal: info.signal }),
      { abort: notAborted },
    );
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(authorizations()).toEqual(endpoint.issued.map((token) => `Bearer ${token}`));
  });

  it('fails with auth_failed when the fresh token is refused too, after one retry', async () => {
    const endpoint = tokenEndpoint();
    kit.emulator.setDefault({ kind: 'error', status: 401 });
    const agent = createAgent({ model: oauth2Model(endpoint) });
    const error = await rejection((async () => agent.send('hi'))());
    // The refresh is outside maxAttempts: two requests, one attempt counted.
    expect(error).toMatchObject({ code: 'auth_failed', details: { status: 401, attempts: 1 } });
    expect(kit.emulator.requests).toHaveLength(2);
    expect(endpoint.issued).toHaveLength(2);
  });

  it('never retries a fixed API key', async () => {
    kit.emulator.setDefault({ kind: 'error', status: 401 });
    const model = kit.model(undefined, { apiKey: testKey() });
    const error = await rejection((async () => createAgent({ model }).send('hi'))());
    expect(error).toMatchObject({ code: 'auth_failed', details: { status: 401 } });
    expect(error.details).not.toHaveProperty('credentialInvalidated');
    expect(kit.emulator.requests).toHaveLength(1);
  });
});
