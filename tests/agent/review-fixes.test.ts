import {
  createAgent,
  createCircuitBreakerRegistry,
  createModelRouter,
  createPluginRegistry,
  defineTool,
  type AgentRunPart,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockError,
  mockText,
  mockToolCall,
} from '@agentry/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('agent edge cases', () => {
  it('drops a pause asked for during the last step instead of pausing the next turn', async () => {
    const agent = createAgent({
      model: createMockModel({ script: [mockText('one', { delayMs: 20 }), mockText('two')] }),
    });
    const first = agent.send('1');
    agent.pause();
    await first;
    expect(agent.lifecycle).toBe('idle');
    expect((await agent.send('2')).text).toBe('two');
  });

  it('lets an events$ listener retry a failed turn at once', async () => {
    const agent = createAgent({
      model: createMockModel({
        script: [{ error: mockError('invalid_request', 'bad') }, mockText('fixed')],
      }),
    });
    const retried: Promise<unknown>[] = [];
    agent.events$.subscribe((event) => {
      if (event.type === 'status-delta' && event.to === 'error') retried.push(agent.retry().result);
    });
    await expect(agent.send('x')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(retried[0]).resolves.toMatchObject({ text: 'fixed' });
  });

  it('refuses a run whose signal is already aborted, and removes its listener when a run ends', async () => {
    const model = createMockModel({ script: [mockText('ok')] });
    const agent = createAgent({ model });
    await expect(agent.send('x', { signal: AbortSignal.abort('gone') })).rejects.toMatchObject({
      code: 'aborted',
      message: 'gone',
    });
    expect(model.calls).toHaveLength(0);
    const controller = new AbortController();
    const added: unknown[] = [];
    const removed: unknown[] = [];
    const original = {
      add: controller.signal.addEventListener.bind(controller.signal),
      remove: controller.signal.removeEventListener.bind(controller.signal),
    };
    controller.signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => (
      added.push(args[1]),
      original.add(...args)
    );
    controller.signal.removeEventListener = (
      ...args: Parameters<AbortSignal['removeEventListener']>
    ) => (removed.push(args[1]), original.remove(...args));
    await agent.send('y', { signal: controller.signal });
    expect(removed).toEqual(added);
  });

  it('fails an aborted run with the reason given', async () => {
    const agent = createAgent({
      model: createMockModel({ script: [{ text: 'slow', delayMs: 1000 }] }),
    });
    const run = agent.send('x');
    setTimeout(() => run.abort('the user closed the tab'), 10);
    await expect(run).rejects.toMatchObject({
      code: 'aborted',
      message: 'the user closed the tab',
    });
  });

  it('refuses invalid options when the agent is created, not on its first turn', () => {
    const model = createMockModel();
    const tool = defineTool({
      name: 'a',
      description: 'A.',
      input: z.object({}),
      execute: () => 1,
    });
    expect(() => createAgent({ model, id: 'agent-1' })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }) as Error,
    );
    expect(() => createAgent({ model, maxSteps: 0 })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }) as Error,
    );
    expect(() =>
      createAgent({ model, context: { resourceLimits: { maxConnections: 1.5 } } }),
    ).toThrow(expect.objectContaining({ code: 'validation_failed' }) as Error);
    expect(() => createAgent({ model, tools: [tool, tool] })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }) as Error,
    );
  });

  it('checks the ids an id generator of the caller makes, as it checks ids given', () => {
    const model = createMockModel();
    expect(() => createAgent({ model, generateId: () => 'agent-1' })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        message: expect.stringContaining('"agent-1" is not a UUID') as string,
      }) as Error,
    );
    // The session id comes from the generator too, when the context names none.
    let next = 0;
    const ids = ['5a0c1f4e-8f0a-4d6b-9c1e-2b7d3e4f5a6b', ''];
    expect(() => createAgent({ model, generateId: () => ids[next++] ?? '' })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        message: expect.stringContaining('context.sessionId') as string,
      }) as Error,
    );
    const made = createAgent({ model });
    expect(made.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(made.context.sessionId).not.toBe(made.id);
  });

  it('skips a model whose breaker is open without reporting it as failing', async () => {
    const breakers = createCircuitBreakerRegistry({
      failureThreshold: 1,
      recoveryTimeout: 60_000,
      halfOpenMaxCalls: 1,
    });
    const primary = createMockModel({
      modelId: 'primary',
      respond: () => ({ error: mockError('provider_unavailable', 'down') }),
    });
    const backup = createMockModel({
      provider: 'anthropic',
      modelId: 'backup',
      script: [mockText('backup')],
      repeat: true,
    });
    const agent = createAgent({
      model: createModelRouter({
        models: [primary, backup],
        retry: { maxAttempts: 1, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
        breakers,
      }),
    });
    await agent.send('open it');
    const run = agent.send('skip it');
    const parts: AgentRunPart[] = [];
    for await (const part of run) parts.push(part);
    expect(parts.filter((part) => part.type === 'model-error')).toEqual([]);
    expect(
      parts
        .filter((part) => part.type === 'model-request')
        .map((part) => part.type === 'model-request' && part.model),
    ).toEqual(['anthropic:backup']);
  });

  it('measures tool CPU once per batch of parallel calls', async () => {
    const burn = defineTool({
      name: 'burn',
      description: 'Burns CPU.',
      input: z.object({ n: z.number() }),
      execute: () => {
        const until = performance.now() + 40;
        while (performance.now() < until);
        return 'hot';
      },
    });
    // Three calls of 40 ms each use about 120 ms of CPU; counting each call's window over the
    // whole process would charge far more and refuse the next step under a 400 ms budget.
    const model = createMockModel({
      script: [
        { toolCalls: [1, 2, 3].map((n) => ({ toolName: 'burn', input: { n } })) },
        mockToolCall('burn', { n: 4 }),
        mockText('done'),
      ],
    });
    await createAgent({ model, tools: [burn], context: { resourceLimits: { maxCpu: 400 } } }).send(
      'go',
    );
    const last = model.calls[2]?.request.messages.at(-1);
    expect(last?.role === 'tool' && last.content[0]?.isError).toBeFalsy();
  });
});

describe('plug-in registry', () => {
  it('refuses a provider built for another model contract version', () => {
    const provider = {
      ...createMockProvider(),
      specificationVersion: 'v2',
    } as unknown as ReturnType<typeof createMockProvider>;
    expect(() =>
      createPluginRegistry([{ name: 'future', version: '1.0.0', providers: [provider] }]),
    ).toThrow(expect.objectContaining({ code: 'plugin_incompatible' }) as Error);
  });
});
