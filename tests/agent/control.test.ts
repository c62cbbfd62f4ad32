import {
  createAgent,
  createMemoryStore,
  defineTool,
  restoreAgent,
  type AgentRunPart,
} from '@agentry/core';
import { createMockModel, mockText, mockToolCall } from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

describe('agent control', () => {
  afterEach(() => vi.useRealTimers());

  it('aborts mid-stream: the model sees the abort, nothing leaks, and the agent goes on', async () => {
    vi.useFakeTimers();
    const model = createMockModel({
      script: [
        { text: 'a slow answer with many words', textChunks: 10, chunkDelayMs: 100 },
        mockText('next'),
      ],
    });
    const agent = createAgent({ model });
    const run = agent.send('talk');
    const seen: AgentRunPart[] = [];
    const consumed = (async () => {
      for await (const part of run) {
        seen.push(part);
        if (part.type === 'text-delta') run.abort('the user left');
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(1000);
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    expect(await consumed).toMatchObject({ code: 'aborted' });
    expect(seen.filter((part) => part.type === 'text-delta')).toHaveLength(1);
    expect(model.calls[0]?.signalAborted).toBe(true);
    expect(agent.lifecycle).toBe('idle');
    expect(agent.state.messages).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
    expect((await agent.send('again')).text).toBe('next');
  });

  it('pauses at the next step boundary and resumes where it stopped', async () => {
    const tool = defineTool({
      name: 'step',
      description: 'A step.',
      input: z.object({}),
      execute: () => 'done',
    });
    const model = createMockModel({ script: [mockToolCall('step', {}), mockText('finished')] });
    const agent = createAgent({ model, tools: [tool] });
    const run = agent.send('go');
    agent.pause();
    await vi.waitFor(() => expect(agent.lifecycle).toBe('paused'));
    expect(model.calls).toHaveLength(1);
    expect(agent.state.messages.map((message) => message.type)).toEqual(['user', 'agent', 'agent']);
    agent.resume();
    expect((await run).text).toBe('finished');
    expect(model.calls).toHaveLength(2);
  });

  it('aborts a paused run', async () => {
    const tool = defineTool({
      name: 'step',
      description: 'A step.',
      input: z.object({}),
      execute: () => 'done',
    });
    const agent = createAgent({
      model: createMockModel({ script: [mockToolCall('step', {})] }),
      tools: [tool],
    });
    const run = agent.send('go');
    agent.pause();
    await vi.waitFor(() => expect(agent.lifecycle).toBe('paused'));
    agent.abort();
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    expect(agent.lifecycle).toBe('idle');
  });

  it('answers messages sent while processing in order, never interleaved', async () => {
    const model = createMockModel({
      respond: (request) => ({
        text:
          `echo ${JSON.stringify(request.messages.at(-1))}`.length > 0
            ? `answer ${request.messages.filter((message) => message.role === 'user').length}`
            : '',
        delayMs: 5,
      }),
    });
    const agent = createAgent({ model });
    const runs = ['a', 'b', 'c', 'd'].map((text) => agent.send(text));
    const texts = (await Promise.all(runs)).map((result) => result.text);
    expect(texts).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4']);
    expect(agent.state.messages.map((message) => message.content)).toEqual([
      'a',
      'answer 1',
      'b',
      'answer 2',
      'c',
      'answer 3',
      'd',
      'answer 4',
    ]);
  });

  it('enforces the turn timeout', async () => {
    vi.useFakeTimers();
    const agent = createAgent({
      model: createMockModel({ script: [{ text: 'late', delayMs: 5000 }] }),
      context: { timeout: 1000 },
    });
    const run = agent.send('hi');
    await vi.advanceTimersByTimeAsync(1000);
    await expect(run).rejects.toMatchObject({ code: 'timeout' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not count time spent paused against the turn timeout', async () => {
    vi.useFakeTimers();
    const tool = defineTool({
      name: 'step',
      description: 'A step.',
      input: z.object({}),
      execute: () => 'done',
    });
    const model = createMockModel({
      script: [mockToolCall('step', {}, { delayMs: 400 }), mockText('finished', { delayMs: 400 })],
    });
    const agent = createAgent({ model, tools: [tool], context: { timeout: 1000 } });
    const run = agent.send('go');
    agent.pause();
    await vi.advanceTimersByTimeAsync(400);
    expect(agent.lifecycle).toBe('paused');
    await vi.advanceTimersByTimeAsync(5000);
    agent.resume();
    await vi.advanceTimersByTimeAsync(400);
    expect((await run).text).toBe('finished');
  });

  it('refuses to exceed maxTokensPerMinute when told to refuse', async () => {
    const model = createMockModel({
      script: [
        mockText('big', { usage: { inputTokens: 60, outputTokens: 60, totalTokens: 120 } }),
        mockText('never'),
      ],
    });
    const agent = createAgent({
      model,
      onTokenLimit: 'refuse',
      context: { resourceLimits: { maxTokensPerMinute: 100 } },
    });
    await agent.send('one');
    await expect(agent.send('two')).rejects.toMatchObject({
      code: 'limit_exceeded',
      details: { limit: 'maxTokensPerMinute' },
    });
    expect(model.calls).toHaveLength(1);
  });

  it('refuses a step that would grow the state past maxMemory, keeping none of it', async () => {
    const agent = createAgent({
      model: createMockModel({ script: [mockText('x'.repeat(5000))] }),
      context: { resourceLimits: { maxMemory: 2000 } },
    });
    await expect(agent.send('hi')).rejects.toMatchObject({
      code: 'limit_exceeded',
      details: { limit: 'maxMemory' },
    });
    expect(agent.state.messages).toEqual([]);
  });
});

describe('persistence', () => {
  it('restores a crashed agent with every completed step and its metrics', async () => {
    const store = createMemoryStore();
    const tool = defineTool({
      name: 'note',
      description: 'Notes.',
      input: z.object({ text: z.string() }),
      execute: ({ text }) => ({ noted: text }),
    });
    // The second model call never answers: the process "dies" in the middle of the turn.
    const model = createMockModel({
      script: [
        mockText('first answer'),
        mockToolCall('note', { text: 'keep me' }),
        { text: 'never', delayMs: 3_600_000 },
      ],
    });
    const agent = createAgent({ model, tools: [tool], store });
    await agent.send('hello');
    void agent.send('remember this');
    await vi.waitFor(() => expect(model.calls).toHaveLength(3));

    const restored = await restoreAgent(agent.id, {
      store,
      model: createMockModel({ script: [mockText('back again')] }),
      tools: [tool],
    });
    expect(restored.interrupted).toBe(true);
    expect(restored.lifecycle).toBe('idle');
    expect(restored.state.messages.map((message) => [message.type, message.content])).toEqual([
      ['user', 'hello'],
      ['agent', 'first answer'],
      ['user', 'remember this'],
      ['agent', ''],
      ['agent', ''],
    ]);
    expect(restored.performance.requestsCompleted).toBe(1);
    expect(restored.performance.tokensUsed).toBe(agent.performance.tokensUsed);
    expect(restored.createdAt).toEqual(agent.createdAt);
    expect((await restored.send('and now?')).text).toBe('back again');
    agent.abort();
  });

  it('refuses to restore an agent the store does not have', async () => {
    await expect(
      restoreAgent('0d6f4c3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f', {
        store: createMemoryStore(),
        model: createMockModel(),
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
