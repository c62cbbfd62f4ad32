import { getEventListeners } from 'node:events';
import { AgentryError, type ModelRequest, type ModelStreamPart } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMockModel, mockError, mockText, mockToolCall } from './index.js';

const request: ModelRequest = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the weather?' }] }],
};

async function collect(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : `not an AgentryError: ${String(error)}`;
  }
}

const abortListeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('createMockModel', () => {
  describe('stream', () => {
    it('sends text as start, deltas and end, then one response-end', async () => {
      const model = createMockModel({
        script: [mockText('Hello there', { textChunks: 3, usage: { inputTokens: 7 } })],
      });
      expect(await collect(model.stream(request))).toEqual([
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', delta: 'Hell' },
        { type: 'text-delta', id: 'text-0', delta: 'o th' },
        { type: 'text-delta', id: 'text-0', delta: 'ere' },
        { type: 'text-end', id: 'text-0' },
        {
          type: 'response-end',
          finishReason: 'stop',
          usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10 },
          response: { id: 'mock-response-0', modelId: 'mock-model' },
        },
      ]);
    });

    it('sends explicit deltas exactly as given', async () => {
      const model = createMockModel({ script: [mockText(['He', '', 'llo'])] });
      const deltas = (await collect(model.stream(request))).flatMap((part) =>
        part.type === 'text-delta' ? [part.delta] : [],
      );
      expect(deltas).toEqual(['He', '', 'llo']);
    });

    it('never splits a character across deltas', async () => {
      const model = createMockModel({ script: [mockText('a😀b', { textChunks: 10 })] });
      const deltas = (await collect(model.stream(request))).flatMap((part) =>
        part.type === 'text-delta' ? [part.delta] : [],
      );
      expect(deltas).toEqual(['a', '😀', 'b']);
    });

    it('sends reasoning before text', async () => {
      const model = createMockModel({ script: [{ reasoning: 'Think.', text: 'Answer.' }] });
      const parts = await collect(model.stream(request));
      expect(parts.map((part) => part.type)).toEqual([
        'reasoning-start',
        'reasoning-delta',
        'reasoning-end',
        'text-start',
        'text-delta',
        'text-end',
        'response-end',
      ]);
      expect(parts[0]).toEqual({ type: 'reasoning-start', id: 'reasoning-0' });
      expect(parts[1]).toEqual({ type: 'reasoning-delta', id: 'reasoning-0', delta: 'Think.' });
      const end = parts.at(-1);
      expect(end?.type === 'response-end' && end.usage.reasoningTokens).toBe(2);
    });

    it('sends each tool call as start, argument pieces and end, in order', async () => {
      const model = createMockModel({
        script: [
          {
            text: 'Checking both.',
            toolCalls: [
              { toolName: 'weather', input: { city: 'Oslo', unit: 'celsius' }, chunks: 4 },
              { toolCallId: 'call-b', toolName: 'time', input: { zone: 'Europe/Oslo' }, chunks: 2 },
            ],
          },
        ],
      });
      const parts = await collect(model.stream(request));
      expect(parts.map((part) => part.type)).toEqual([
        'text-start',
        'text-delta',
        'text-end',
        'tool-call-start',
        'tool-call-delta',
        'tool-call-delta',
        'tool-call-delta',
        'tool-call-delta',
        'tool-call-end',
        'tool-call-start',
        'tool-call-delta',
        'tool-call-delta',
        'tool-call-end',
        'response-end',
      ]);
      const inputs = [
        JSON.stringify({ city: 'Oslo', unit: 'celsius' }),
        JSON.stringify({ zone: 'Europe/Oslo' }),
      ];
      for (const [index, toolCallId] of ['mock-call-0-0', 'call-b'].entries()) {
        const deltas = parts.flatMap((part) =>
          part.type === 'tool-call-delta' && part.toolCallId === toolCallId ? [part.delta] : [],
        );
        expect(deltas.join('')).toBe(inputs[index]);
        expect(parts).toContainEqual({
          type: 'tool-call-end',
          toolCallId,
          toolName: index === 0 ? 'weather' : 'time',
          input: inputs[index],
        });
      }
      const end = parts.at(-1);
      expect(end?.type === 'response-end' && end.finishReason).toBe('tool-calls');
    });

    it('passes a malformed arguments string through untouched', async () => {
      const truncated = '{"city": "Os';
      const model = createMockModel({
        script: [mockToolCall('weather', truncated, { chunks: 3 })],
      });
      const parts = await collect(model.stream(request));
      const deltas = parts.flatMap((part) => (part.type === 'tool-call-delta' ? [part.delta] : []));
      expect(deltas).toHaveLength(3);
      expect(deltas.join('')).toBe(truncated);
      expect(parts).toContainEqual({
        type: 'tool-call-end',
        toolCallId: 'mock-call-0-0',
        toolName: 'weather',
        input: truncated,
      });
    });

    it('throws the turn error from the first next() without sending a part', async () => {
      const error = mockError('rate_limited', 'Slow down.', { retryAfterMs: 1000 });
      const model = createMockModel({ script: [{ text: 'never', error }] });
      const iterator = model.stream(request);
      await expect(iterator.next()).rejects.toBe(error);
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it('sends the first parts, then an error part, then ends', async () => {
      const error = mockError('network', 'The connection dropped.');
      const model = createMockModel({
        script: [mockText('Hello', { textChunks: 5, errorAfterParts: { parts: 3, error } })],
      });
      const parts = await collect(model.stream(request));
      expect(parts).toEqual([
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', delta: 'H' },
        { type: 'text-delta', id: 'text-0', delta: 'e' },
        { type: 'error', error },
      ]);
    });

    it('ends after response-end', async () => {
      const model = createMockModel({ script: [mockText('Hi')] });
      const iterator = model.stream(request);
      await collect({ [Symbol.asyncIterator]: () => iterator });
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it('does nothing until the first next()', async () => {
      const respond = vi.fn(() => mockText('Hi'));
      const model = createMockModel({ respond });
      const stream = model.stream(request);
      await Promise.resolve();
      expect(respond).not.toHaveBeenCalled();
      expect(model.calls).toHaveLength(1);
      expect((await stream.next()).value).toEqual({ type: 'text-start', id: 'text-0' });
      expect(respond).toHaveBeenCalledTimes(1);
    });
  });

  describe('stream timing', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('waits delayMs before the first part and chunkDelayMs between parts', async () => {
      const model = createMockModel({
        script: [mockText('ab', { textChunks: 2, delayMs: 100, chunkDelayMs: 10 })],
      });
      const received: string[] = [];
      const done = (async () => {
        for await (const part of model.stream(request)) received.push(part.type);
      })();
      await vi.advanceTimersByTimeAsync(99);
      expect(received).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(received).toEqual(['text-start']);
      await vi.advanceTimersByTimeAsync(9);
      expect(received).toEqual(['text-start']);
      await vi.advanceTimersByTimeAsync(1);
      expect(received).toEqual(['text-start', 'text-delta']);
      await vi.advanceTimersByTimeAsync(30);
      await done;
      expect(received).toEqual([
        'text-start',
        'text-delta',
        'text-delta',
        'text-end',
        'response-end',
      ]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('waits delayMs before throwing the turn error', async () => {
      const model = createMockModel({
        script: [{ delayMs: 50, error: mockError('provider_unavailable', 'Overloaded.') }],
      });
      let settled = false;
      const outcome = codeOf(
        model
          .stream(request)
          .next()
          .finally(() => {
            settled = true;
          }),
      );
      await vi.advanceTimersByTimeAsync(49);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await outcome).toBe('provider_unavailable');
    });

    it('uses the injected timers', async () => {
      const timers = {
        setTimeout: vi.fn((callback: () => void, ms: number) => setTimeout(callback, ms)),
        clearTimeout: vi.fn((handle: unknown) => clearTimeout(handle as NodeJS.Timeout)),
      };
      const model = createMockModel({ script: [mockText('Hi', { delayMs: 25 })], timers });
      const parts = collect(model.stream(request));
      await vi.advanceTimersByTimeAsync(25);
      expect((await parts).map((part) => part.type)).toContain('response-end');
      expect(timers.setTimeout).toHaveBeenCalledWith(expect.any(Function), 25);
    });
  });

  describe('stream abort', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('throws aborted when the signal is aborted before the stream starts', async () => {
      const respond = vi.fn(() => mockText('Hi'));
      const model = createMockModel({ respond });
      const controller = new AbortController();
      controller.abort();
      expect(await codeOf(collect(model.stream(request, { signal: controller.signal })))).toBe(
        'aborted',
      );
      expect(respond).not.toHaveBeenCalled();
      expect(abortListeners(controller.signal)).toBe(0);
    });

    it('stops during the first delay and leaves no timer or listener', async () => {
      const model = createMockModel({ script: [mockText('Hi', { delayMs: 1000 })] });
      const controller = new AbortController();
      const reason = new Error('user left');
      const next = model.stream(request, { signal: controller.signal }).next();
      await vi.advanceTimersByTimeAsync(10);
      expect(vi.getTimerCount()).toBe(1);
      expect(abortListeners(controller.signal)).toBe(1);
      controller.abort(reason);
      const error: unknown = await next.catch((caught: unknown) => caught);
      expect(AgentryError.isInstance(error) && error.code).toBe('aborted');
      expect(AgentryError.isInstance(error) && error.cause).toBe(reason);
      expect(vi.getTimerCount()).toBe(0);
      expect(abortListeners(controller.signal)).toBe(0);
    });

    it('stops between parts, during a chunk delay', async () => {
      const model = createMockModel({
        script: [mockText('abc', { textChunks: 3, chunkDelayMs: 100 })],
      });
      const controller = new AbortController();
      const received: ModelStreamPart[] = [];
      const done = (async () => {
        for await (const part of model.stream(request, { signal: controller.signal })) {
          received.push(part);
        }
      })();
      await vi.advanceTimersByTimeAsync(150);
      expect(received.map((part) => part.type)).toEqual(['text-start', 'text-delta']);
      controller.abort();
      expect(await codeOf(done)).toBe('aborted');
      expect(received).toHaveLength(2);
      expect(vi.getTimerCount()).toBe(0);
      expect(abortListeners(controller.signal)).toBe(0);
    });

    it('stops at the next part when aborted while the consumer holds a part', async () => {
      const model = createMockModel({ script: [mockText('abc', { textChunks: 3 })] });
      const controller = new AbortController();
      const iterator = model.stream(request, { signal: controller.signal });
      await iterator.next();
      controller.abort();
      expect(await codeOf(iterator.next())).toBe('aborted');
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it('cleans up when the consumer breaks out', async () => {
      const model = createMockModel({
        script: [mockText('abc', { textChunks: 3, chunkDelayMs: 100 })],
      });
      const controller = new AbortController();
      const done = (async () => {
        const seen: string[] = [];
        for await (const part of model.stream(request, { signal: controller.signal })) {
          seen.push(part.type);
          if (part.type === 'text-delta') break;
        }
        return seen;
      })();
      await vi.advanceTimersByTimeAsync(100);
      expect(await done).toEqual(['text-start', 'text-delta']);
      expect(vi.getTimerCount()).toBe(0);
      expect(abortListeners(controller.signal)).toBe(0);
    });

    it('ends a next() waiting on a delay at once when return() is called', async () => {
      const model = createMockModel({ script: [mockText('Hi', { delayMs: 5000 })] });
      const controller = new AbortController();
      const iterator = model.stream(request, { signal: controller.signal });
      const next = iterator.next();
      await vi.advanceTimersByTimeAsync(1);
      expect(vi.getTimerCount()).toBe(1);
      await expect(iterator.return()).resolves.toEqual({ done: true, value: undefined });
      await expect(next).resolves.toEqual({ done: true, value: undefined });
      expect(vi.getTimerCount()).toBe(0);
      expect(abortListeners(controller.signal)).toBe(0);
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it('stops while an async respond function is still working', async () => {
      const model = createMockModel({
        respond: () => new Promise((resolve) => setTimeout(() => resolve(mockText('late')), 1000)),
      });
      const controller = new AbortController();
      const next = model.stream(request, { signal: controller.signal }).next();
      await vi.advanceTimersByTimeAsync(10);
      controller.abort();
      expect(await codeOf(next)).toBe('aborted');
      expect(abortListeners(controller.signal)).toBe(0);
    });
  });
});
