import {
  createAgentry,
  definePlugin,
  type Agentry,
  type PluginHost,
  type SecurityEvent,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockText,
  providerConfiguration,
} from '@agentry/testing';
import { randomUUID } from 'node:crypto';
import { type Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RateLimitConfig } from '../config/rate-limit-config.js';
import { installRateLimits } from './install-rate-limits.js';

const config = () =>
  providerConfiguration({
    type: 'openai',
    model: 'gpt-4o',
    authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
  });
const env = { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') };

let instances: Agentry[] = [];
afterEach(async () => {
  for (const agentry of instances) await agentry.shutdown();
  instances = [];
  vi.useRealTimers();
});

async function instance(
  limits: RateLimitConfig,
  usage: { inputTokens: number; outputTokens: number } = { inputTokens: 10, outputTokens: 5 },
  redis?: Redis,
) {
  const events: SecurityEvent[] = [];
  const model = createMockModel({
    modelId: 'gpt-4o',
    script: [mockText('ok', { usage })],
    repeat: true,
  });
  let host: PluginHost | undefined;
  const agentry = await createAgentry({
    config: config(),
    env,
    plugins: [
      { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
      definePlugin({
        name: 'limits-under-test',
        version: '1.0.0',
        setup(pluginHost) {
          host = pluginHost;
          const installed = installRateLimits(pluginHost, limits, {
            ...(redis === undefined ? {} : { redis }),
            emit: (event) => events.push(event),
          });
          pluginHost.onShutdown(() => installed.close());
        },
      }),
    ],
  });
  instances.push(agentry);
  return { agentry, events, model, host: host! };
}

const limits = (patch: Partial<RateLimitConfig>): RateLimitConfig => ({
  enabled: true,
  requestsPerMinute: 60,
  burstLimit: 2,
  penaltyStrategy: 'reject',
  ...patch,
});

describe('installRateLimits through createAgentry', () => {
  it('refuses a burst of sends past the burst limit with rate_limited, leaving the agent idle', async () => {
    const { agentry, events, model } = await instance(limits({}));
    const agent = agentry.createAgent({ context: { userId: 'alice' } });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => agent.send('hi')));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({
      code: 'rate_limited',
      details: { key: 'user=alice', retryAfterMs: expect.any(Number) },
    });
    expect(agent.lifecycle).toBe('idle');
    expect(model.calls).toHaveLength(2);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'security',
        category: 'rate-limited',
        severity: 'medium',
        subject: 'alice',
        action: 'agent.send',
        resource: `agents:${agent.id}`,
      }),
      expect.objectContaining({ category: 'rate-limited' }),
    ]);
    // Another principal has a limit of its own.
    await expect(agent.send('hi', { principal: { id: 'bob' } })).resolves.toMatchObject({
      text: 'ok',
    });
  });

  it('queues a burst and runs it as capacity frees', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { agentry, events } = await instance(limits({ penaltyStrategy: 'queue', burstLimit: 1 }));
    const agent = agentry.createAgent({ context: { userId: 'alice' } });
    const finished: number[] = [];
    const sends = [1, 2, 3].map((index) =>
      agent.send(`hi ${index}`).then(() => void finished.push(index)),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(finished).toEqual([1]);
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(sends);
    expect(finished).toEqual([1, 2, 3]);
    expect(events).toEqual([]);
  });

  it('throttles a burst to one send every 60000 / requestsPerMinute ms', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { agentry } = await instance(
      limits({ penaltyStrategy: 'throttle', burstLimit: 10, requestsPerMinute: 120 }),
    );
    const agent = agentry.createAgent({ context: { userId: 'alice' } });
    const done: number[] = [];
    const sends = [1, 2, 3].map(() =>
      agent.send('hi').then(() => void done.push(Date.now() - 1_000_000)),
    );
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(sends);
    expect(done).toEqual([0, 500, 1000]);
  });

  it('reserves tokens before the model call and settles them with the usage of the response', async () => {
    const { agentry, events, model } = await instance(
      limits({ burstLimit: 50, tokensPerMinute: 1000 }),
      { inputTokens: 100, outputTokens: 100 },
    );
    const agent = agentry.createAgent({
      context: { userId: 'alice' },
      parameters: { maxTokens: 400 },
    });
    // Each call reserves 401 (400 of output, 1 of input) and settles at the 200 it used: three
    // fit in 1,000 tokens (200 + 200 + 401 ≤ 1000; without settling only two would).
    for (let index = 0; index < 3; index += 1) await agent.send('hi');
    const refused = agent.send('hi');
    await expect(refused).rejects.toMatchObject({
      code: 'rate_limited',
      details: { key: 'user=alice' },
    });
    expect(model.calls).toHaveLength(3);
    expect(events).toEqual([
      expect.objectContaining({ category: 'rate-limited', action: 'model.call', subject: 'alice' }),
    ]);
    // A model call refused fails its step as any model error does (the agent waits for a retry
    // or an abort); another principal's budget is untouched.
    expect(agent.lifecycle).toBe('error');
    agent.abort();
    await expect(agent.send('hi', { principal: { id: 'bob' } })).resolves.toMatchObject({
      text: 'ok',
    });
  });

  it('removes a queued send whose run is aborted, without using capacity', async () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { agentry, model } = await instance(limits({ penaltyStrategy: 'queue', burstLimit: 1 }));
    const agent = agentry.createAgent({ context: { userId: 'alice' } });
    const first = agent.send('one');
    const second = agent.send('two');
    const third = agent.send('three');
    await vi.advanceTimersByTimeAsync(10);
    second.abort('not needed');
    await expect(second).rejects.toMatchObject({ code: 'aborted' });
    await first;
    await vi.advanceTimersByTimeAsync(1000);
    await expect(third).resolves.toMatchObject({ text: 'ok' });
    // The third send ran at 1 s, on the capacity the aborted one never took.
    expect(model.calls).toHaveLength(2);
    expect(agent.lifecycle).toBe('idle');
  });

  it('shares one limit between two instances through Redis (redis.url), keyed as configured', async () => {
    const keyPrefixed = `agentry-test-${randomUUID()}`;
    const shared = limits({
      burstLimit: 3,
      keyBy: ['user', 'model'],
      store: 'redis',
      redis: { url: 'redis://127.0.0.1:6379' },
      onStoreUnavailable: 'fail-closed',
    });
    const one = await instance(shared);
    const two = await instance(shared);
    // A user id of this run only, so that earlier runs of the test share no key with it.
    const user = keyPrefixed;
    const agentOne = one.agentry.createAgent({ context: { userId: user } });
    const agentTwo = two.agentry.createAgent({ context: { userId: user } });
    await agentOne.send('a');
    await agentTwo.send('b');
    await agentOne.send('c');
    await expect(agentTwo.send('d')).rejects.toMatchObject({
      code: 'rate_limited',
      details: { key: `user=${user}|model=openai:gpt-4o` },
    });
    expect(one.events).toEqual([]);
    expect(two.events).toEqual([expect.objectContaining({ category: 'rate-limited' })]);
  });

  it('refuses a Redis store with neither a client nor a URL', () => {
    const host = { useSendAdmission: () => undefined, useModelMiddleware: () => undefined };
    expect(() =>
      installRateLimits(host, limits({ store: 'redis' }), { emit: () => undefined }),
    ).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });

  it('installs nothing while disabled', async () => {
    const { agentry, model } = await instance(limits({ enabled: false, burstLimit: 1 }));
    const agent = agentry.createAgent({});
    await Promise.all([agent.send('a'), agent.send('b'), agent.send('c')]);
    expect(model.calls).toHaveLength(3);
  });
});
