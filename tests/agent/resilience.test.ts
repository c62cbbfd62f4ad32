import {
  createAgent,
  createCircuitBreakerRegistry,
  createModelRouter,
  type ErrorCode,
} from '@agentry/core';
import { createMockModel, mockError, mockText } from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';

const fastRetry = {
  maxAttempts: 3,
  baseDelay: 1,
  maxDelay: 1,
  jitter: false,
  strategy: 'fixed' as const,
};
const failing = (code: ErrorCode, details?: Record<string, unknown>) =>
  createMockModel({
    modelId: 'primary',
    respond: () => ({ error: mockError(code, `primary failed: ${code}`, details) }),
  });
const backup = () =>
  createMockModel({
    provider: 'anthropic',
    modelId: 'backup',
    script: [mockText('from the backup')],
    repeat: true,
  });

describe('provider errors through the router', () => {
  afterEach(() => vi.useRealTimers());

  it.each(['rate_limited', 'provider_unavailable', 'timeout', 'network'] as const)(
    'retries %s the policy’s number of times, then fails over',
    async (code) => {
      const primary = failing(code);
      const fallback = backup();
      const agent = createAgent({
        model: createModelRouter({ models: [primary, fallback], retry: fastRetry }),
      });
      const result = await agent.send('hi');
      expect(result.text).toBe('from the backup');
      expect(primary.calls).toHaveLength(3);
      expect(fallback.calls).toHaveLength(1);
    },
  );

  it.each([
    'auth_failed',
    'invalid_request',
    'context_length_exceeded',
    'content_filtered',
  ] as const)('surfaces %s once: no retry, no fallback', async (code) => {
    const primary = failing(code);
    const fallback = backup();
    const agent = createAgent({
      model: createModelRouter({ models: [primary, fallback], retry: fastRetry }),
    });
    await expect(agent.send('hi')).rejects.toMatchObject({ code });
    expect(primary.calls).toHaveLength(1);
    expect(fallback.calls).toHaveLength(0);
    expect(agent.lifecycle).toBe('error');
  });

  it('fails with the last error when every model is spent, after exactly maxAttempts each', async () => {
    const first = failing('provider_unavailable');
    const second = createMockModel({
      provider: 'google',
      modelId: 'second',
      respond: () => ({ error: mockError('network', 'reset') }),
    });
    const agent = createAgent({
      model: createModelRouter({ models: [first, second], retry: fastRetry }),
    });
    await expect(agent.send('hi')).rejects.toMatchObject({ code: 'network' });
    expect([first.calls.length, second.calls.length]).toEqual([3, 3]);
  });

  it('waits as long as the provider’s retryAfterMs says, even past maxDelay', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const model = createMockModel({
      respond: () =>
        ++calls === 1
          ? { error: mockError('rate_limited', 'slow down', { retryAfterMs: 5000 }) }
          : mockText('ok'),
    });
    const run = createAgent({
      model: createModelRouter({ models: [model], retry: { ...fastRetry, maxDelay: 10 } }),
    }).send('hi');
    await vi.advanceTimersByTimeAsync(4999);
    expect(model.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await run).text).toBe('ok');
    expect(model.calls).toHaveLength(2);
  });

  it('never retries a model whose provider said x-should-retry: false, but still fails over', async () => {
    const primary = failing('provider_unavailable', { status: 503, retryable: false });
    const fallback = backup();
    const agent = createAgent({
      model: createModelRouter({ models: [primary, fallback], retry: fastRetry }),
    });
    expect((await agent.send('hi')).text).toBe('from the backup');
    expect([primary.calls.length, fallback.calls.length]).toEqual([1, 1]);
  });

  it('moves to the next model instead of sleeping a retry-after of an hour', async () => {
    const primary = failing('rate_limited', { retryAfterMs: 3_600_000 });
    const fallback = backup();
    const agent = createAgent({
      model: createModelRouter({ models: [primary, fallback], retry: fastRetry }),
    });
    expect((await agent.send('hi')).text).toBe('from the backup');
    expect([primary.calls.length, fallback.calls.length]).toEqual([1, 1]);
  });

  it('fails at once with rate_limited and retryAfterMs when the wait outlasts the turn', async () => {
    // 5 s is within maxInlineWait but beyond the turn's 1 s: waiting would end in `timeout`.
    const primary = failing('rate_limited', { retryAfterMs: 5_000 });
    const agent = createAgent({
      model: createModelRouter({ models: [primary], retry: fastRetry }),
      context: { timeout: 1_000 },
    });
    const started = Date.now();
    await expect(agent.send('hi')).rejects.toMatchObject({
      code: 'rate_limited',
      details: { retryAfterMs: 5_000, attempts: 1 },
    });
    expect(Date.now() - started).toBeLessThan(900);
    expect(primary.calls).toHaveLength(1);
  });

  it('keeps the partial output of a stream cut mid-way out of the retried answer', async () => {
    let calls = 0;
    const model = createMockModel({
      respond: () =>
        ++calls === 1
          ? {
              text: 'half an ans',
              textChunks: 4,
              errorAfterParts: { parts: 3, error: mockError('network', 'connection reset') },
            }
          : mockText('a whole answer'),
    });
    const agent = createAgent({ model: createModelRouter({ models: [model], retry: fastRetry }) });
    const run = agent.send('hi');
    const errors: string[] = [];
    for await (const part of run) if (part.type === 'model-error') errors.push(part.partialText);
    const result = await run;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.length).toBeGreaterThan(0);
    expect(result.text).toBe('a whole answer');
    expect(agent.state.messages.at(-1)?.content).toBe('a whole answer');
  });
});

describe('circuit breakers in the fallback chain', () => {
  afterEach(() => vi.useRealTimers());

  it('goes closed -> open -> half-open -> closed, skipping the open model', async () => {
    vi.useFakeTimers();
    const breakers = createCircuitBreakerRegistry({
      failureThreshold: 2,
      recoveryTimeout: 1000,
      halfOpenMaxCalls: 1,
    });
    let healthy = false;
    const primary = createMockModel({
      modelId: 'primary',
      respond: () =>
        healthy
          ? mockText('primary is back')
          : { error: mockError('provider_unavailable', 'down') },
    });
    const fallback = backup();
    const agent = createAgent({
      model: createModelRouter({
        models: [primary, fallback],
        retry: { ...fastRetry, maxAttempts: 1 },
        breakers,
      }),
    });
    const state = () => breakers.get(primary).state;

    await agent.send('1');
    expect(state()).toBe('closed');
    await agent.send('2');
    expect(state()).toBe('open');
    const callsWhenOpened = primary.calls.length;
    expect((await agent.send('3')).text).toBe('from the backup');
    expect(primary.calls).toHaveLength(callsWhenOpened);

    healthy = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect((await agent.send('4')).text).toBe('primary is back');
    expect(state()).toBe('closed');
  });

  // The same rule as the workflow runner's breakers (settleCircuitPermit in core; see
  // packages/workflows/test/circuit-breaker.test.ts).
  it.each([
    'invalid_request',
    'content_filtered',
    'validation_failed',
    'context_length_exceeded',
    'auth_failed',
  ] as const)('never trips on %s, which is not the provider’s fault', async (code) => {
    const breakers = createCircuitBreakerRegistry({
      failureThreshold: 1,
      recoveryTimeout: 1000,
      halfOpenMaxCalls: 1,
    });
    const primary = failing(code);
    const agent = createAgent({ model: createModelRouter({ models: [primary], breakers }) });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(agent.send('x')).rejects.toMatchObject({ code });
      agent.abort();
    }
    expect(breakers.get(primary).state).toBe('closed');
    expect(primary.calls).toHaveLength(3);
  });
});
