import { randomBytes } from 'node:crypto';
import { openaiPlugin } from '@agentry/openai';
import { createAgentry } from '@agentry/core';
import {
  startEmulator,
  startProtocolEmulator,
  type Emulator,
  type ProtocolEmulator,
} from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acmeFallbackConfiguration } from './acme-configuration.js';
import { acmeProvider } from './index.js';
import { readAcmeRequest, serveAcme } from './serve-acme.js';

// Keys made at run time, so that no fixture holds anything that looks like a secret.
const env = {
  OPENAI_API_KEY: `sk-test-${randomBytes(24).toString('hex')}`,
  ACME_API_KEY: `acme-${randomBytes(16).toString('hex')}`,
};
const once = {
  maxAttempts: 1,
  baseDelay: 1,
  maxDelay: 1,
  jitter: false,
  strategy: 'fixed',
} as const;

describe('Acme beside @agentry/openai, in one createAgentry', () => {
  let openai: Emulator;
  let acme: ProtocolEmulator;

  beforeEach(async () => {
    openai = await startEmulator();
    acme = await startProtocolEmulator({ serve: serveAcme, readRequest: readAcmeRequest });
  });

  afterEach(async () => {
    await Promise.all([openai.close(), acme.close()]);
  });

  const start = () =>
    createAgentry({
      config: acmeFallbackConfiguration({
        openai: openai.baseURL('openai-responses'),
        acme: acme.url,
      }),
      env,
      plugins: [openaiPlugin(), acmeProvider()],
      resilience: { retry: once },
    });

  it('falls back from a failing openai:gpt-4o-mini to acme:acme-large', async () => {
    openai.setDefault({ kind: 'error', status: 503, error: 'overloaded' });
    acme.enqueue({ text: 'Hello from Acme.' });
    const agentry = await start();
    try {
      const agent = agentry.createAgent();
      expect((await agent.send('Say hello.')).text).toBe('Hello from Acme.');
      expect(agent.state.messages.at(-1)).toMatchObject({ model: 'acme:acme-large' });
      expect(openai.requests).toHaveLength(1);
      const [sent] = acme.requests;
      expect(sent?.model).toBe('acme-large');
      expect(sent?.path).toBe('/v2/generate:stream');
      expect(sent?.headers['x-acme-key']).toBe(env.ACME_API_KEY);
    } finally {
      await agentry.shutdown();
    }
  });

  it('falls back from a rate-limited acme:acme-large to openai:gpt-4o-mini', async () => {
    acme.setDefault({ kind: 'error', status: 429, headers: { 'retry-after': '30' } });
    openai.enqueue({ text: 'Hello from OpenAI.' });
    const agentry = await start();
    try {
      const agent = agentry.createAgent({ model: 'acme:acme-large' });
      expect((await agent.send('Say hello.')).text).toBe('Hello from OpenAI.');
      expect(agent.state.messages.at(-1)).toMatchObject({ model: 'openai:gpt-4o-mini' });
      expect(acme.requests).toHaveLength(1);
    } finally {
      await agentry.shutdown();
    }
  });

  it("sends an agent's instructions and messages to acme:acme-large in Acme's protocol", async () => {
    acme.enqueue({ text: 'Paris is sunny.', textChunks: 3 });
    const agentry = await start();
    try {
      const agent = agentry.createAgent({ model: 'acme:acme-large', instructions: 'Be brief.' });
      expect((await agent.send('Weather in Paris?')).text).toBe('Paris is sunny.');
      expect(acme.requests[0]?.body).toMatchObject({
        model: 'acme-large',
        brief: 'Be brief.',
        turns: [{ speaker: 'user', items: [{ text: 'Weather in Paris?' }] }],
      });
    } finally {
      await agentry.shutdown();
    }
  });
});
