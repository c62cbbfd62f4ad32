import { createAgent, createModelRouter, type AbortSource } from '@agentry/core';
import type { EmulatorTurn } from '@agentry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, startGoogleKit, testKey, type GoogleTestKit } from '../test/google-emulator.js';

let kit: GoogleTestKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

/** An OAuth2 token endpoint behind the provider's fetch, handing out a new token per request. */
function tokenEndpoint() {
  const url = 'https://auth.example.com/oauth/token';
  const issued: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    if (target !== url) return globalThis.fetch(input, init);
    const token = `ya29.${issued.length + 1}${'o'.repeat(40)}`;
    issued.push(token);
    return Promise.resolve(
      Response.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 }),
    );
  };
  return { url, issued, fetch };
}

async function oauth2Kit(endpoint: ReturnType<typeof tokenEndpoint>): Promise<GoogleTestKit> {
  kit = await startGoogleKit({
    apiKey: undefined,
    authentication: { type: 'oauth2', configuration: {} },
    oauth2: {
      clientId: 'agentry',
      scopes: ['https://www.googleapis.com/auth/generative-language'],
      redirectUri: 'https://app.example.com/callback',
      tokenEndpoint: endpoint.url,
    },
    fetch: endpoint.fetch,
  });
  return kit;
}

/** 401 for the first token (it expired at the server), an answer for any other. */
const refuseFirst =
  (endpoint: ReturnType<typeof tokenEndpoint>): EmulatorTurn =>
  (request) =>
    request.headers.authorization === `Bearer ${endpoint.issued[0]}`
      ? { kind: 'error', status: 401 }
      : { text: 'ok' };

const authorizations = (started: GoogleTestKit) =>
  started.emulator.requests.map((request) => request.headers.authorization);

const notAborted: AbortSource = {
  aborted: false,
  reason: undefined,
  signal: new AbortController().signal,
};

describe('credential refresh after 401', () => {
  it('fetches a new OAuth2 token and retries once when the API refuses the old one (streamed)', async () => {
    const endpoint = tokenEndpoint();
    const started = await oauth2Kit(endpoint);
    started.emulator.setDefault(refuseFirst(endpoint));
    const result = await createAgent({ model: started.model() }).send('hi');
    expect(result.text).toBe('ok');
    expect(endpoint.issued).toHaveLength(2);
    expect(authorizations(started)).toEqual(endpoint.issued.map((token) => `Bearer ${token}`));
  });

  it('does the same for generate through a router', async () => {
    const endpoint = tokenEndpoint();
    const started = await oauth2Kit(endpoint);
    started.emulator.setDefault(refuseFirst(endpoint));
    const response = await createModelRouter({ models: [started.model()] }).run(
      (chosen, info) => chosen.generate(ask('hi'), { signal: info.signal }),
      { abort: notAborted },
    );
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
    expect(authorizations(started)).toEqual(endpoint.issued.map((token) => `Bearer ${token}`));
  });

  it('fails with auth_failed when the fresh token is refused too, after one retry', async () => {
    const endpoint = tokenEndpoint();
    const started = await oauth2Kit(endpoint);
    started.emulator.setDefault({ kind: 'error', status: 401 });
    const failure = await createAgent({ model: started.model() })
      .send('hi')
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // The refresh is outside maxAttempts: two requests, one attempt counted.
    expect(failure).toMatchObject({ code: 'auth_failed', details: { status: 401, attempts: 1 } });
    expect(started.emulator.requests).toHaveLength(2);
    expect(endpoint.issued).toHaveLength(2);
  });

  it('never retries a fixed API key', async () => {
    kit = await startGoogleKit({ apiKey: testKey() });
    kit.emulator.setDefault({ kind: 'error', status: 401 });
    const failure = await createAgent({ model: kit.model() })
      .send('hi')
      .then(
        () => undefined,
        (error: unknown) => error as { code: string; details: Record<string, unknown> },
      );
    expect(failure).toMatchObject({ code: 'auth_failed', details: { status: 401 } });
    expect(failure?.details).not.toHaveProperty('credentialInvalidated');
    expect(kit.emulator.requests).toHaveLength(1);
  });
});
