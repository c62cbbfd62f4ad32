import { AgentryError, createAgent, type AgentEvent, type ModelStreamPart } from '@agentry/core';
import type { EmulatorFailure, EmulatorTurn } from '@agentry/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  collect,
  MODEL_ID,
  rejection,
  streamedText,
  testKey,
  useEmulator,
  userRequest,
} from '../test/anthropic-test-kit.js';

const kit = useEmulator();

/** The error a stream fails with: thrown by its iterator, or its `error` part, with the parts before. */
async function streamFailure(
  turn: EmulatorTurn,
): Promise<{ parts: ModelStreamPart[]; error: AgentryError; thrown: boolean }> {
  kit.emulator.enqueue(turn);
  const parts: ModelStreamPart[] = [];
  try {
    for await (const part of kit.model().stream(userRequest('Hello'))) parts.push(part);
  } catch (error) {
    if (!AgentryError.isInstance(error)) throw error;
    return { parts, error, thrown: true };
  }
  const last = parts.pop();
  if (last?.type !== 'error') throw new Error(`The stream ended with ${JSON.stringify(last)}`);
  return { parts, error: last.error, thrown: false };
}

const failure = (status: number, extra: Partial<EmulatorFailure> = {}): EmulatorFailure => ({
  kind: 'error',
  status,
  ...extra,
});

describe('createAnthropicLanguageModel', () => {
  describe('generate', () => {
    it('makes exactly one HTTP request with the key as a bearer credential', async () => {
      kit.emulator.enqueue({ text: 'Hi!' });
      await kit.model().generate(userRequest('Hello'));
      expect(kit.emulator.requests).toHaveLength(1);
      expect(kit.emulator.requests[0]).toMatchObject({
        api: 'anthropic',
        path: '/anthropic/v1/messages',
        model: MODEL_ID,
        stream: false,
        headers: { authorization: `Bearer ${testKey()}`, 'anthropic-version': '2026-10-21' },
      });
    });

    it('sends the headers of the call options and of the provider', async () => {
      kit.emulator.enqueue({ text: 'Hi!' });
      await kit
        .model(MODEL_ID, { headers: { 'x-team': 'search' } })
        .generate(userRequest('Hello'), { headers: { 'x-trace-id': 'trace-1' } });
      expect(kit.emulator.requests[0]?.headers).toMatchObject({
        'x-team': 'search',
        'x-trace-id': 'trace-1',
        'user-agent': expect.stringContaining('@agentry/anthropic/'),
      });
    });

    it('reports prompt-cache reads and writes apart, each counted in inputTokens, streamed or not', async () => {
      const usage = {
        inputTokens: 5000,
        outputTokens: 4,
        cachedInputTokens: 1000,
        cacheWriteInputTokens: 3000,
      };
      kit.emulator.enqueue({ text: 'Hi!', usage });
      const response = await kit.model().generate(userRequest('Hello'));
      expect(response.usage).toEqual({ ...usage, totalTokens: 5004 });

      kit.emulator.enqueue({ text: 'Hi!', usage: { ...usage, cachedInputTokens: 0 } });
      const end = (await collect(kit.model().stream(userRequest('Hello')))).at(-1);
      expect(end).toMatchObject({
        type: 'response-end',
        usage: { inputTokens: 5000, cacheWriteInputTokens: 3000, totalTokens: 5004 },
      });
      // No cache read: the field is absent, not zero.
      expect(end?.type === 'response-end' && 'cachedInputTokens' in end.usage).toBe(false);
    });

    it('rejects with aborted when the signal aborts during the call, and closes the socket', async () => {
      kit.emulator.enqueue({ text: 'Late.', delayMs: 2000 });
      const controller = new AbortController();
      const call = kit.model().generate(userRequest('Hello'), { signal: controller.signal });
      await vi.waitFor(() => expect(kit.emulator.requests).toHaveLength(1));
      controller.abort();
      expect((await rejection(call)).code).toBe('aborted');
      await vi.waitFor(() => expect(kit.emulator.openConnections).toBe(0));
    });

    it('fails with timeout when the response does not start in time', async () => {
      kit.emulator.enqueue({ text: 'Late.', delayMs: 1000 });
      const error = await rejection(
        kit.model(MODEL_ID, { timeout: 100 }).generate(userRequest('Hi')),
      );
      expect(error.code).toBe('timeout');
      expect(error.recoverable).toBe(true);
      expect(kit.emulator.requests).toHaveLength(1);
    });
  });

  describe('errors over HTTP', () => {
    it.each([
      [
        'a 429 with retry-after',
        'rate_limited',
        failure(429, { headers: { 'retry-after': '3' } }),
        3000,
      ],
      [
        'a 429 with retry-after-ms',
        'rate_limited',
        failure(429, { headers: { 'retry-after-ms': '1500', 'retry-after': '2' } }),
        1500,
      ],
      ['a 401', 'auth_failed', failure(401), undefined],
      ['a 403', 'auth_failed', failure(403), undefined],
      [
        'a prompt that is too long',
        'context_length_exceeded',
        failure(400, { error: 'context_length' }),
        undefined,
      ],
      [
        'an output the filter blocked',
        'content_filtered',
        failure(400, { error: 'content_filter' }),
        undefined,
      ],
      ['a 404', 'invalid_request', failure(404), undefined],
      ['a 500', 'provider_unavailable', failure(500), undefined],
      ['a 529', 'provider_unavailable', failure(529), undefined],
    ] as const)(
      'maps %s to %s, from generate and from the stream',
      async (_name, code, turn, retryAfterMs) => {
        kit.emulator.enqueue(turn);
        const generated = await rejection(kit.model().generate(userRequest('Hello')));
        const streamed = await streamFailure(turn);
        for (const error of [generated, streamed.error]) {
          expect(error.code).toBe(code);
          expect(error.details['status']).toBe(turn.status);
          if (retryAfterMs !== undefined) expect(error.details['retryAfterMs']).toBe(retryAfterMs);
        }
        expect(streamed.thrown).toBe(true);
        expect(kit.emulator.requests).toHaveLength(2);
      },
    );

    it('never shows the API key in an auth failure', async () => {
      kit.emulator.enqueue(failure(401));
      const error = await rejection(kit.model().generate(userRequest('Hello')));
      expect(JSON.stringify(error.toJSON())).not.toContain(testKey());
    });

    it('maps a refused connection to network', async () => {
      const model = kit.model(MODEL_ID, { endpoint: 'http://127.0.0.1:1/anthropic' });
      expect((await rejection(model.generate(userRequest('Hello')))).code).toBe('network');
    });
  });

  describe('failures mid-stream', () => {
    it('sends the overloaded error event as an error part after the parts already sent', async () => {
      const { parts, error, thrown } = await streamFailure({
        text: 'one two three four five six',
        streamError: { afterChunks: 6, failure: failure(529, { message: 'Overloaded' }) },
      });
      expect(thrown).toBe(false);
      expect(error.code).toBe('provider_unavailable');
      expect(error.details).toMatchObject({ vendorCode: 'overloaded_error' });
      expect(parts[0]).toEqual({ type: 'text-start', id: 'text-0' });
      expect(streamedText(parts)).toBe('one two three ');
      expect(parts.some((part) => part.type === 'response-end')).toBe(false);
    });

    it('keeps the parts sent before a connection reset and ends with a network error part', async () => {
      const { parts, error, thrown } = await streamFailure({
        text: 'one two three four five six',
        resetAfterChunks: 6,
      });
      expect(thrown).toBe(false);
      expect(error.code).toBe('network');
      expect(streamedText(parts)).toBe('one two three ');
    });

    it('throws network when the connection resets before any part', async () => {
      const { error, thrown } = await streamFailure({ text: 'one two', resetAfterChunks: 0 });
      expect(thrown).toBe(true);
      expect(error.code).toBe('network');
    });

    it('ends with an error part when the stream is cut short by an unnamed malformed event', async () => {
      // The SDK skips events without an event name, so the stream just stops before message_stop.
      const { parts, error, thrown } = await streamFailure({
        text: 'one two three four',
        malformedAfterChunks: 5,
      });
      expect(thrown).toBe(false);
      expect(error.code).toBe('network');
      expect(streamedText(parts)).toBe('one two ');
    });

    it('ends with provider_unavailable on a named event that is not JSON', async () => {
      const events = [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-5-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de',
      ];
      const { parts, error, thrown } = await streamFailure({
        kind: 'error',
        status: 200,
        body: `${events.join('\n\n')}\n\n`,
        headers: { 'content-type': 'text/event-stream' },
      });
      expect(thrown).toBe(false);
      expect(error.code).toBe('provider_unavailable');
      expect(streamedText(parts)).toBe('Hel');
    });

    it('makes exactly one HTTP request for a stream that fails', async () => {
      await streamFailure({ text: 'one two three', resetAfterChunks: 4 });
      expect(kit.emulator.requests).toHaveLength(1);
    });
  });

  describe('malformed and stalled streams', () => {
    it('ends a stream that stalls after some parts with a timeout error part, and closes the socket', async () => {
      // message_start, content_block_start, ping, then two deltas.
      kit.emulator.enqueue({ text: 'one two three four', stallAfterChunks: 5 });
      const parts = await collect(
        kit.model(MODEL_ID, { timeout: 150 }).stream(userRequest('Hello')),
      );
      const last = parts.pop();
      expect(last?.type === 'error' ? last.error.code : last?.type).toBe('timeout');
      expect(last?.type === 'error' ? last.error.message : '').toContain('150 ms');
      expect(streamedText(parts)).toBe('one two ');
      await vi.waitFor(() => expect(kit.emulator.openConnections).toBe(0));
    });

    it('throws timeout when the stream stalls before its first part', async () => {
      kit.emulator.enqueue({ text: 'one two', stallAfterChunks: 0 });
      const error = await rejection(
        collect(kit.model(MODEL_ID, { timeout: 150 }).stream(userRequest('Hello'))),
      );
      expect(error.code).toBe('timeout');
    });

    it('does not count the time the consumer spends between parts', async () => {
      kit.emulator.enqueue({ text: 'one two three' });
      const parts: ModelStreamPart[] = [];
      for await (const part of kit.model(MODEL_ID, { timeout: 150 }).stream(userRequest('Hi'))) {
        parts.push(part);
        if (part.type === 'text-start') await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(parts.at(-1)?.type).toBe('response-end');
      expect(streamedText(parts)).toBe('one two three');
    });

    it('refuses a second message_start with provider_unavailable, keeping the text so far partial', async () => {
      const { parts, error, thrown } = await streamFailure({
        text: 'Partial answer',
        textChunks: 2,
        // message_start, content_block_start, ping, 'Partial', then another message_start.
        splice: { afterChunks: 4, reply: { text: 'Fresh answer.' } },
      });
      expect(thrown).toBe(false);
      expect(error.code).toBe('provider_unavailable');
      expect(error.message).toContain('message_start');
      expect(streamedText(parts)).toBe('Partial');
      expect(parts.some((part) => part.type === 'response-end')).toBe(false);
    });

    it('reads events with id, retry, comment and unknown fields before their data', async () => {
      kit.emulator.enqueue({
        text: 'one two three',
        sseFields: ['id: {n}', 'retry: 3000', ': proxied', 'x-proxy: edge'],
      });
      const parts = await collect(kit.model().stream(userRequest('Hello')));
      expect(streamedText(parts)).toBe('one two three');
      expect(parts.at(-1)?.type).toBe('response-end');
    });
  });

  describe('deprecated models', () => {
    it('carries the deprecation on the model, for the alias and its dated snapshot', () => {
      for (const modelId of ['claude-sonnet-4-5', 'claude-sonnet-4-5-20250929']) {
        const { deprecation } = kit.model(modelId);
        expect(deprecation).toEqual({
          message: expect.stringContaining(modelId),
          retiresAt: '2026-11-30',
        });
        expect(deprecation?.message).toContain('2026-11-30');
      }
      expect(kit.model('claude-sonnet-5-5').deprecation).toBeUndefined();
    });

    it('lets an agent emit the deprecation once as an event, across turns, printing nothing', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        kit.emulator.setDefault({ text: 'Still here.' });
        const agent = createAgent({ model: kit.model('claude-sonnet-4-5') });
        const events: AgentEvent[] = [];
        agent.events$.subscribe((event) => events.push(event));
        for (const text of ['one', 'two', 'three']) await agent.send(text);
        expect(events.filter((event) => event.type === 'model-warning')).toEqual([
          expect.objectContaining({
            model: 'anthropic:claude-sonnet-4-5',
            code: 'model_deprecated',
            retiresAt: '2026-11-30',
          }),
        ]);
        expect(kit.emulator.requests).toHaveLength(3);
        expect(warn).not.toHaveBeenCalled();
        expect(emitWarning).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
        emitWarning.mockRestore();
      }
    });

    it('prints nothing when a deprecated model is called, streamed or not', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        kit.emulator.setDefault({ text: 'Still here.' });
        const model = kit.model('claude-sonnet-4-5');
        await model.generate(userRequest('Hello'));
        await collect(model.stream(userRequest('Hello')));
        await kit.model('claude-sonnet-4-5-20250929').generate(userRequest('Hello'));
        expect(warn).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
      }
    });
  });

  describe('stopping a stream', () => {
    it('ends a slow stream with aborted when the signal aborts, and closes the socket', async () => {
      kit.emulator.enqueue({ text: 'slow '.repeat(40), chunkDelayMs: 50 });
      const controller = new AbortController();
      const parts: ModelStreamPart[] = [];
      for await (const part of kit
        .model()
        .stream(userRequest('Hello'), { signal: controller.signal })) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
      const last = parts.at(-1);
      expect(last?.type).toBe('error');
      expect(last?.type === 'error' ? last.error.code : undefined).toBe('aborted');
      expect(parts.filter((part) => part.type === 'text-delta').length).toBeLessThan(5);
      await vi.waitFor(() => expect(kit.emulator.openConnections).toBe(0));
    });

    it('closes the socket when the consumer stops reading early', async () => {
      kit.emulator.enqueue({ text: 'slow '.repeat(40), chunkDelayMs: 50 });
      for await (const part of kit.model().stream(userRequest('Hello'))) {
        if (part.type === 'text-delta') break;
      }
      await vi.waitFor(() => expect(kit.emulator.openConnections).toBe(0));
    });

    it('throws aborted before any request when the signal has already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(
        collect(kit.model().stream(userRequest('Hello'), { signal: controller.signal })),
      ).rejects.toMatchObject({ code: 'aborted' });
      expect(kit.emulator.requests).toHaveLength(0);
    });
  });
});
