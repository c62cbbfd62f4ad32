import { getEventListeners } from 'node:events';
import { AgentryError, type ModelRequest } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMockModel, mockError, mockText, mockToolCall, type MockTurn } from './index.js';

const request: ModelRequest = {
  system: 'Be brief.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather?' }] }],
};

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : `not an AgentryError: ${String(error)}`;
  }
}

async function rejection(work: Promise<unknown>): Promise<AgentryError> {
  try {
    await work;
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw new Error(`expected an AgentryError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

describe('createMockModel', () => {
  describe('properties', () => {
    it('describes itself with defaults that any capability check accepts', () => {
      const model = createMockModel();
      expect(model.specificationVersion).toBe('v1');
      expect(model.provider).toBe('openai');
      expect(model.modelId).toBe('mock-model');
      expect(model.capabilities).toEqual({
        maxTokens: 8192,
        supportsStreaming: true,
        supportsFunctions: true,
        supportsVision: true,
        maxConcurrency: 16,
      });
    });

    it('takes the provider, id and some capabilities from the options', () => {
      const model = createMockModel({
        provider: 'anthropic',
        modelId: 'claude-sonnet-4-5',
        capabilities: { supportsVision: false, maxTokens: 1024 },
      });
      expect(model.provider).toBe('anthropic');
      expect(model.modelId).toBe('claude-sonnet-4-5');
      expect(model.capabilities.supportsVision).toBe(false);
      expect(model.capabilities.maxTokens).toBe(1024);
      expect(model.capabilities.supportsFunctions).toBe(true);
    });

    it('refuses invalid options', () => {
      expect(codeOf(() => createMockModel({ script: [], respond: () => ({}) }))).toBe(
        'validation_failed',
      );
      expect(codeOf(() => createMockModel({ capabilities: { maxTokens: 0 } }))).toBe(
        'validation_failed',
      );
      expect(codeOf(() => createMockModel({ modelId: '' }))).toBe('validation_failed');
      expect(codeOf(() => createMockModel({ provider: 'Acme' }))).toBe('validation_failed');
    });

    it('claims a third-party provider type', () => {
      const model = createMockModel({ provider: 'acme', modelId: 'acme-large' });
      expect(model.provider).toBe('acme');
    });

    it('refuses a malformed script turn when created, naming the field', () => {
      let caught: unknown;
      try {
        createMockModel({
          script: [mockText('ok'), { toolCalls: [{ toolName: 'a', chunks: 0 }] }],
        });
      } catch (error) {
        caught = error;
      }
      expect(AgentryError.isInstance(caught) && caught.code).toBe('validation_failed');
      expect(AgentryError.isInstance(caught) && caught.details.path).toBe(
        'script[1].toolCalls[0].chunks',
      );
    });
  });

  describe('generate', () => {
    it('returns reasoning, text and tool calls in order', async () => {
      const model = createMockModel({
        script: [
          {
            reasoning: ['Look ', 'it up.'],
            text: ['Check', 'ing.'],
            toolCalls: [
              { toolName: 'weather', input: { city: 'Oslo' }, chunks: 3 },
              { toolCallId: 'call-b', toolName: 'raw', input: '{"a":' },
            ],
          },
        ],
      });
      const response = await model.generate(request);
      expect(response.content).toEqual([
        { type: 'reasoning', text: 'Look it up.' },
        { type: 'text', text: 'Checking.' },
        {
          type: 'tool-call',
          toolCallId: 'mock-call-0-0',
          toolName: 'weather',
          input: '{"city":"Oslo"}',
        },
        { type: 'tool-call', toolCallId: 'call-b', toolName: 'raw', input: '{"a":' },
      ]);
      expect(response.finishReason).toBe('tool-calls');
      expect(response.response).toEqual({ id: 'mock-response-0', modelId: 'mock-model' });
    });

    it('returns the same content the stream sends', async () => {
      const turn: MockTurn = mockToolCall('weather', { city: 'Oslo' }, { text: 'One moment.' });
      const model = createMockModel({ script: [turn, turn] });
      const generated = await model.generate(request);
      const streamed: unknown[] = [];
      for await (const part of model.stream(request)) {
        if (part.type === 'text-end') streamed.push('text');
        if (part.type === 'tool-call-end') streamed.push(part.input);
        if (part.type === 'response-end') streamed.push(part.finishReason, part.usage);
      }
      expect(streamed).toEqual([
        'text',
        '{"city":"Oslo"}',
        generated.finishReason,
        generated.usage,
      ]);
    });

    it.each<[string, MockTurn, string]>([
      ['stop for text', mockText('Hi'), 'stop'],
      ['tool-calls for tool calls', mockToolCall('now'), 'tool-calls'],
      ['the given reason', mockText('Hi', { finishReason: 'length' }), 'length'],
    ])('finishes with %s', async (_name, turn, finishReason) => {
      const model = createMockModel({ script: [turn] });
      expect((await model.generate(request)).finishReason).toBe(finishReason);
    });

    it('estimates usage from the request and the output', async () => {
      const model = createMockModel({
        script: [mockText('Sunny.'), mockToolCall('weather', { city: 'Oslo' })],
      });
      // 'Be brief.' + 'What is the weather?' is 29 characters: 8 tokens at four per token.
      expect((await model.generate(request)).usage).toEqual({
        inputTokens: 8,
        outputTokens: 2,
        totalTokens: 10,
      });
      // 'weather' + '{"city":"Oslo"}' is 22 characters: 6 tokens.
      expect((await model.generate(request)).usage).toEqual({
        inputTokens: 8,
        outputTokens: 6,
        totalTokens: 14,
      });
    });

    it('counts tool specs, tool calls and tool results in the input estimate', async () => {
      const model = createMockModel({ script: [mockText('', { usage: { outputTokens: 0 } })] });
      const withTools: ModelRequest = {
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'tool-call', toolCallId: 'c', toolName: 'abcd', input: '{}' }],
          },
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: 'c', toolName: 'abcd', output: 'ok' }],
          },
        ],
        tools: [{ name: 'abcd', inputSchema: {} }],
      };
      // 'abcd{}' + 'abcd"ok"' + 'abcd{}' is 20 characters: 5 tokens.
      expect((await model.generate(withTools)).usage.inputTokens).toBe(5);
    });

    it('uses the given usage exactly and adds up only what is missing', async () => {
      const model = createMockModel({
        script: [
          mockText('Hi', {
            usage: {
              inputTokens: 100,
              outputTokens: 20,
              cachedInputTokens: 80,
              cacheWriteInputTokens: 15,
              reasoningTokens: 5,
            },
          }),
          mockText('Hi', {
            usage: { inputTokens: 1, outputTokens: 2, totalTokens: 99 },
          }),
        ],
      });
      expect((await model.generate(request)).usage).toEqual({
        inputTokens: 100,
        outputTokens: 20,
        totalTokens: 120,
        cachedInputTokens: 80,
        cacheWriteInputTokens: 15,
        reasoningTokens: 5,
      });
      expect((await model.generate(request)).usage.totalTokens).toBe(99);
    });

    it('rejects with the turn error', async () => {
      const error = mockError('rate_limited', 'Slow down.', { retryAfterMs: 1000 });
      const model = createMockModel({ script: [{ text: 'never', error }] });
      await expect(model.generate(request)).rejects.toBe(error);
    });

    it('rejects with the error of a turn that fails part-way', async () => {
      const error = mockError('network', 'The connection dropped.');
      const model = createMockModel({
        script: [mockText('Hello', { errorAfterParts: { parts: 2, error } })],
      });
      await expect(model.generate(request)).rejects.toBe(error);
    });
  });

  describe('generate timing', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('waits delayMs before returning', async () => {
      const model = createMockModel({ script: [mockText('Hi', { delayMs: 300 })] });
      let answered = false;
      const response = model.generate(request).then((value) => {
        answered = true;
        return value;
      });
      await vi.advanceTimersByTimeAsync(299);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await response).content).toEqual([{ type: 'text', text: 'Hi' }]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('rejects with aborted when the signal is already aborted', async () => {
      const respond = vi.fn(() => mockText('Hi'));
      const model = createMockModel({ respond });
      const controller = new AbortController();
      controller.abort();
      expect((await rejection(model.generate(request, { signal: controller.signal }))).code).toBe(
        'aborted',
      );
      expect(respond).not.toHaveBeenCalled();
    });

    it('stops during the delay and leaves no timer or listener', async () => {
      const model = createMockModel({ script: [mockText('Hi', { delayMs: 10_000 })] });
      const controller = new AbortController();
      const outcome = rejection(model.generate(request, { signal: controller.signal }));
      await vi.advanceTimersByTimeAsync(5);
      expect(vi.getTimerCount()).toBe(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      expect((await outcome).code).toBe('aborted');
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('leaves no listener after a call that completes', async () => {
      const model = createMockModel({ script: [mockText('Hi', { delayMs: 5 })] });
      const controller = new AbortController();
      const response = model.generate(request, { signal: controller.signal });
      await vi.advanceTimersByTimeAsync(5);
      await response;
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });

  describe('script', () => {
    it('plays one turn per call, across generate and stream, in call order', async () => {
      const model = createMockModel({
        script: [mockText('one'), mockText('two'), mockText('three')],
      });
      expect((await model.generate(request)).content).toEqual([{ type: 'text', text: 'one' }]);
      const deltas: string[] = [];
      for await (const part of model.stream(request)) {
        if (part.type === 'text-delta') deltas.push(part.delta);
      }
      expect(deltas).toEqual(['two']);
      expect((await model.generate(request)).content).toEqual([{ type: 'text', text: 'three' }]);
    });

    it('fails loudly with internal once the script is exhausted', async () => {
      const model = createMockModel({ script: [mockText('one')] });
      await model.generate(request);
      const error = await rejection(model.generate(request));
      expect(error.code).toBe('internal');
      expect(error.message).toContain('mock script exhausted');
      expect(error.details).toMatchObject({ callIndex: 1, scriptLength: 1 });
      const iterator = model.stream(request);
      expect((await rejection(iterator.next())).code).toBe('internal');
    });

    it('repeats the last turn when asked to', async () => {
      const model = createMockModel({ script: [mockText('one'), mockText('again')], repeat: true });
      const texts: unknown[] = [];
      for (let call = 0; call < 4; call += 1) {
        texts.push((await model.generate(request)).content[0]);
      }
      expect(texts).toEqual([
        { type: 'text', text: 'one' },
        { type: 'text', text: 'again' },
        { type: 'text', text: 'again' },
        { type: 'text', text: 'again' },
      ]);
    });

    it('is not changed by later edits to the array passed in', async () => {
      const script: MockTurn[] = [mockText('one')];
      const model = createMockModel({ script });
      script[0] = mockText('edited');
      expect((await model.generate(request)).content).toEqual([{ type: 'text', text: 'one' }]);
    });
  });

  describe('respond', () => {
    it('answers with what the function returns, given the request and call position', async () => {
      const respond = vi.fn(async (incoming: ModelRequest, callIndex: number) => {
        await Promise.resolve();
        return mockText(`${incoming.system ?? ''} #${callIndex}`);
      });
      const model = createMockModel({ respond });
      expect((await model.generate(request)).content).toEqual([
        { type: 'text', text: 'Be brief. #0' },
      ]);
      expect((await model.generate(request)).content).toEqual([
        { type: 'text', text: 'Be brief. #1' },
      ]);
      expect(respond.mock.calls[0]?.[0]).toEqual(request);
      expect(respond.mock.calls[0]?.[0]).not.toBe(request);
    });

    it('fails the call with the function error, wrapping non-Agentry errors as internal', async () => {
      const limited = mockError('rate_limited', 'Slow down.');
      const model = createMockModel({
        respond: (_incoming, callIndex) => {
          if (callIndex === 0) throw limited;
          throw new TypeError('bug in the test');
        },
      });
      await expect(model.generate(request)).rejects.toBe(limited);
      const wrapped = await rejection(model.generate(request));
      expect(wrapped.code).toBe('internal');
      expect(wrapped.cause).toBeInstanceOf(TypeError);
    });

    it('refuses a malformed turn from the function', async () => {
      const model = createMockModel({ respond: () => ({ delayMs: -1 }) });
      const error = await rejection(model.generate(request));
      expect(error.code).toBe('validation_failed');
      expect(error.details.path).toBe('respond(request, 0).delayMs');
    });
  });

  describe('calls', () => {
    it('records each call with a deep copy of its request and its options', async () => {
      const model = createMockModel({ script: [mockText('one'), mockText('two')], repeat: true });
      const mutable: ModelRequest = structuredClone(request);
      const controller = new AbortController();
      await model.generate(mutable, { headers: { 'x-test': '1' }, signal: controller.signal });
      mutable.messages.push({ role: 'user', content: [{ type: 'text', text: 'Later' }] });
      model.stream(mutable);
      expect(model.calls).toHaveLength(2);
      const [first, second] = model.calls;
      expect(first?.method).toBe('generate');
      expect(first?.request).toEqual(request);
      expect(first?.options).toEqual({ headers: { 'x-test': '1' } });
      expect(first?.hasSignal).toBe(true);
      expect(second?.method).toBe('stream');
      expect(second?.request.messages).toHaveLength(2);
      expect(second?.hasSignal).toBe(false);
      expect(second?.signalAborted).toBe(false);
    });

    it('fails a call whose request cannot be copied, still recording it', async () => {
      const model = createMockModel({ script: [mockText('one')], repeat: true });
      const odd = { ...request, providerOptions: { openai: { hook: () => undefined } } };
      expect((await rejection(model.generate(odd))).code).toBe('invalid_request');
      expect((await rejection(model.stream(odd).next())).code).toBe('invalid_request');
      expect(model.calls.map((call) => call.method)).toEqual(['generate', 'stream']);
    });

    it('reports a signal aborted after the call was made', async () => {
      const model = createMockModel({ script: [mockText('one')] });
      const controller = new AbortController();
      await model.generate(request, { signal: controller.signal });
      expect(model.calls[0]?.signalAborted).toBe(false);
      controller.abort();
      expect(model.calls[0]?.signalAborted).toBe(true);
    });

    it('forgets calls and rewinds the script on reset', async () => {
      const model = createMockModel({ script: [mockText('one'), mockText('two')] });
      const calls = model.calls;
      await model.generate(request);
      await model.generate(request);
      model.reset();
      expect(calls).toHaveLength(0);
      expect((await model.generate(request)).content).toEqual([{ type: 'text', text: 'one' }]);
      expect(calls).toHaveLength(1);
    });
  });
});
