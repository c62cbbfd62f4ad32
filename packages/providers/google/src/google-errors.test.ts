import { readFileSync } from 'node:fs';
import { AgentryError, type ModelStreamPart } from '@agentry/core';
import { startEmulator } from '@agentry/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ask,
  collect,
  collectUntilThrow,
  startGoogleKit,
  testKey,
  type GoogleTestKit,
} from '../test/google-emulator.js';
import { createManualClock } from '../test/manual-clock.js';
import { createGoogle } from './index.js';

const recorded429 = JSON.parse(
  readFileSync(new URL('./__fixtures__/google-429-retry-info.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

let kit: GoogleTestKit | undefined;

afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function start(options: Parameters<typeof startGoogleKit>[0] = {}): Promise<GoogleTestKit> {
  kit = await startGoogleKit(options);
  return kit;
}

async function generateError(current: GoogleTestKit): Promise<AgentryError> {
  const error: unknown = await current
    .model()
    .generate(ask('Hi'))
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  if (!AgentryError.isInstance(error))
    throw new Error(`expected an AgentryError, got ${String(error)}`);
  return error;
}

function errorPart(parts: readonly ModelStreamPart[]): AgentryError | undefined {
  const last = parts.at(-1);
  return last?.type === 'error' ? last.error : undefined;
}

function deltas(parts: readonly ModelStreamPart[]): string[] {
  return parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
}

describe('GoogleLanguageModel errors', () => {
  describe('HTTP errors', () => {
    it('maps a 429 with RetryInfo to rate_limited, waiting as long as RetryInfo says', async () => {
      const current = await start();
      current.emulator.enqueue({ kind: 'error', status: 429 });
      const error = await generateError(current);
      expect(error.code).toBe('rate_limited');
      expect(error.recoverable).toBe(true);
      expect(error.details).toMatchObject({
        provider: 'google',
        status: 429,
        retryAfterMs: 12_000,
        vendorCode: 'RESOURCE_EXHAUSTED',
      });
      expect(current.emulator.requests).toHaveLength(1);
    });

    it('reads the recorded 429 body with its fractional RetryInfo delay', async () => {
      const current = await start();
      current.emulator.enqueue({ kind: 'error', status: 429, body: recorded429 });
      const error = await generateError(current);
      expect(error.code).toBe('rate_limited');
      expect(error.details['retryAfterMs']).toBe(34_400);
      expect(error.message).toContain('You exceeded your current quota');
    });

    it('prefers a retry-after header to the RetryInfo delay', async () => {
      const current = await start();
      current.emulator.enqueue({
        kind: 'error',
        status: 429,
        body: recorded429,
        headers: { 'retry-after': '3' },
      });
      const error = await generateError(current);
      expect(error.details['retryAfterMs']).toBe(3_000);
    });

    it.each([
      [401, 'authentication', 'auth_failed'],
      [403, 'permission', 'auth_failed'],
      [400, 'authentication', 'auth_failed'],
      [400, 'context_length', 'context_length_exceeded'],
      [400, 'content_filter', 'content_filtered'],
      [400, 'invalid_request', 'invalid_request'],
      [404, 'not_found', 'invalid_request'],
      [500, 'server', 'provider_unavailable'],
      [503, 'overloaded', 'provider_unavailable'],
      [504, 'server', 'provider_unavailable'],
    ] as const)('maps %i %s to %s, in one request', async (status, type, code) => {
      const current = await start();
      current.emulator.enqueue({ kind: 'error', status, error: type });
      const error = await generateError(current);
      expect(error.code).toBe(code);
      expect(error.details['status']).toBe(status);
      expect(current.emulator.requests).toHaveLength(1);
    });

    it('never shows the API key in an authentication error', async () => {
      const current = await start();
      const key = testKey();
      current.emulator.enqueue({
        kind: 'error',
        status: 400,
        error: 'authentication',
        message: `API key not valid: ${key}`,
      });
      const error = await generateError(current);
      expect(error.code).toBe('auth_failed');
      expect(JSON.stringify(error.toJSON())).not.toContain(key);
      expect(error.message).not.toContain(key);
    });

    it('throws stream errors from the iterator, before any part', async () => {
      const current = await start();
      current.emulator.enqueue({ kind: 'error', status: 503 });
      const stream = current.model().stream(ask('Hi'));
      const { parts, error } = await collectUntilThrow(stream);
      expect(parts).toEqual([]);
      expect(error).toMatchObject({ code: 'provider_unavailable' });
      expect(current.emulator.requests).toHaveLength(1);
    });
  });

  describe('safety blocks', () => {
    /** What Gemini answers, with status 200, to a prompt it refuses to read. */
    const blockedPrompt = {
      promptFeedback: {
        blockReason: 'PROHIBITED_CONTENT',
        safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }],
      },
      usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
      modelVersion: 'gemini-3.5-flash',
      responseId: 'blocked-1',
    };

    it('rejects generate with content_filtered when the prompt is blocked', async () => {
      const current = await start();
      // The emulator scripts no blocked prompt, so the answer is sent as a raw 200 body.
      current.emulator.enqueue({ kind: 'error', status: 200, body: blockedPrompt });
      const error = await generateError(current);
      expect(error.code).toBe('content_filtered');
      expect(error.recoverable).toBe(false);
      expect(error.details['vendorCode']).toBe('PROHIBITED_CONTENT');
    });

    it('throws content_filtered from a stream whose prompt is blocked', async () => {
      const current = await start();
      current.emulator.enqueue({
        kind: 'error',
        status: 200,
        body: `data: ${JSON.stringify(blockedPrompt)}\r\n\r\n`,
        headers: { 'content-type': 'text/event-stream' },
      });
      const { parts, error } = await collectUntilThrow(current.model().stream(ask('Hi')));
      expect(parts).toEqual([]);
      expect(error).toMatchObject({ code: 'content_filtered' });
    });

    it('ends a response stopped for safety with the content-filter finish reason', async () => {
      const current = await start();
      current.emulator.enqueue({ text: 'Here is how', refusal: 'Unsafe.' });
      const parts = await collect(current.model().stream(ask('Hi')));
      expect(deltas(parts)).toEqual(['Here ', 'is ', 'how']);
      expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'content-filter' });
    });
  });

  describe('broken streams', () => {
    it('ends with a network error part after a reset mid-stream, keeping the earlier parts', async () => {
      const current = await start();
      current.emulator.enqueue({ text: 'one two three four', resetAfterChunks: 2 });
      const parts = await collect(current.model().stream(ask('Count.')));
      expect(deltas(parts)).toEqual(['one ', 'two ']);
      expect(errorPart(parts)?.code).toBe('network');
      expect(parts.some((part) => part.type === 'response-end')).toBe(false);
      expect(current.emulator.requests).toHaveLength(1);
    });

    it('throws a network error when the connection resets before the first chunk', async () => {
      const current = await start();
      current.emulator.enqueue({ text: 'one two', resetAfterChunks: 0 });
      const { parts, error } = await collectUntilThrow(current.model().stream(ask('Count.')));
      expect(parts).toEqual([]);
      expect(error).toMatchObject({ code: 'network' });
    });

    it('ends with a provider_unavailable error part after a malformed event', async () => {
      const current = await start();
      current.emulator.enqueue({ text: 'one two three four', malformedAfterChunks: 1 });
      const parts = await collect(current.model().stream(ask('Count.')));
      expect(deltas(parts)).toEqual(['one ']);
      expect(errorPart(parts)?.code).toBe('provider_unavailable');
    });

    it('ends with an error part when Gemini sends an error event mid-stream', async () => {
      const current = await start();
      current.emulator.enqueue({
        text: 'one two three four',
        streamError: {
          afterChunks: 2,
          failure: { kind: 'error', status: 503, error: 'overloaded' },
        },
      });
      const parts = await collect(current.model().stream(ask('Count.')));
      expect(deltas(parts)).toEqual(['one ', 'two ']);
      expect(errorPart(parts)).toMatchObject({
        code: 'provider_unavailable',
        details: { status: 503, vendorCode: 'UNAVAILABLE' },
      });
    });

    it('fails with network when nothing listens at the endpoint', async () => {
      const closed = await startEmulator();
      const endpoint = closed.baseURL('google');
      await closed.close();
      const google = createGoogle({ apiKey: testKey(), endpoint });
      const error: unknown = await google
        .createModel('gemini-3.5-flash')
        .generate(ask('Hi'))
        .catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'network' });
      await google.close();
    });
  });

  describe('timeouts', () => {
    it('fails generate with timeout when Gemini does not answer in time', async () => {
      const time = createManualClock();
      const current = await start({ clock: time.clock, timeout: 5_000 });
      current.emulator.enqueue({ text: 'late', delayMs: 60_000 });
      const pending = current.model().generate(ask('Hi'));
      await vi.waitFor(() => expect(current.emulator.requests).toHaveLength(1));
      time.fire();
      await expect(pending).rejects.toMatchObject({ code: 'timeout', recoverable: true });
      await vi.waitFor(() => expect(current.emulator.openConnections).toBe(0));
    });

    it('ends a stream with a timeout error part when the next chunk is too late', async () => {
      const time = createManualClock();
      const current = await start({ clock: time.clock, timeout: 5_000 });
      current.emulator.enqueue({ text: 'one two three', chunkDelayMs: 60_000 });
      const parts: ModelStreamPart[] = [];
      for await (const part of current.model().stream(ask('Count.'))) {
        parts.push(part);
        if (part.type === 'text-delta') {
          // Time passes once the provider waits for the next chunk (which comes a minute later).
          setTimeout(() => time.fire(), 50);
        }
      }
      expect(deltas(parts)).toEqual(['one ']);
      expect(errorPart(parts)?.code).toBe('timeout');
    });
  });

  describe('malformed and stalled streams', () => {
    it('ends a stream that stalls after some chunks with timeout, keeping them partial', async () => {
      const current = await start({ timeout: 150 });
      current.emulator.enqueue({ text: 'one two three four', stallAfterChunks: 2 });
      const parts = await collect(current.model().stream(ask('Count.')));
      expect(deltas(parts)).toEqual(['one ', 'two ']);
      expect(errorPart(parts)?.code).toBe('timeout');
      await vi.waitFor(() => expect(current.emulator.openConnections).toBe(0));
    });

    it('refuses a second response spliced into the stream with provider_unavailable', async () => {
      const current = await start();
      current.emulator.enqueue({
        text: 'Partial answer',
        textChunks: 2,
        splice: { afterChunks: 1, reply: { text: 'Fresh answer.' } },
      });
      const parts = await collect(current.model().stream(ask('Hi')));
      expect(errorPart(parts)?.code).toBe('provider_unavailable');
      expect(deltas(parts).join('')).toBe('Partial');
      expect(parts.some((part) => part.type === 'response-end')).toBe(false);
    });

    it('reads events with id, retry, comment and unknown fields before their data', async () => {
      const current = await start();
      current.emulator.enqueue({
        text: 'one two three',
        sseFields: ['id: {n}', 'retry: 3000', ': proxied', 'x-proxy: edge'],
      });
      const parts = await collect(current.model().stream(ask('Count.')));
      expect(deltas(parts).join('')).toBe('one two three');
      expect(parts.at(-1)?.type).toBe('response-end');
    });

    it('reads an event whose data spans several data lines, and events split across reads', async () => {
      const current = await start();
      const chunk = (text: string, finish?: string) =>
        JSON.stringify(
          {
            candidates: [
              {
                content: { role: 'model', parts: [{ text }] },
                index: 0,
                ...(finish === undefined ? {} : { finishReason: finish }),
              },
            ],
            responseId: 'r-1',
          },
          undefined,
          2,
        );
      const multiline = (json: string) =>
        json
          .split('\n')
          .map((line) => `data:${line}`)
          .join('\r\n');
      current.emulator.enqueue({
        kind: 'error',
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: `event: message\r\n${multiline(chunk('Hello '))}\r\n\r\n${multiline(chunk('there', 'STOP'))}\r\n\r\n`,
      });
      const parts = await collect(current.model().stream(ask('Hi')));
      expect(deltas(parts).join('')).toBe('Hello there');
      expect(parts.at(-1)?.type).toBe('response-end');
    });
  });

  describe('aborts', () => {
    it('rejects at once with aborted, without a request, when the signal is already aborted', async () => {
      const current = await start();
      const error = await current
        .model()
        .generate(ask('Hi'), { signal: AbortSignal.abort() })
        .catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'aborted' });
      expect(current.emulator.requests).toHaveLength(0);
    });

    it('aborts a waiting generate and closes its connection', async () => {
      const current = await start();
      current.emulator.enqueue({ text: 'late', delayMs: 60_000 });
      const controller = new AbortController();
      const pending = current.model().generate(ask('Hi'), { signal: controller.signal });
      await vi.waitFor(() => expect(current.emulator.requests).toHaveLength(1));
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'aborted' });
      await vi.waitFor(() => expect(current.emulator.openConnections).toBe(0));
    });

    it('ends a slow stream with an aborted error part and closes its connection', async () => {
      const current = await start();
      current.emulator.enqueue({ text: 'one two three four', chunkDelayMs: 60_000 });
      const controller = new AbortController();
      const parts: ModelStreamPart[] = [];
      for await (const part of current
        .model()
        .stream(ask('Count.'), { signal: controller.signal })) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort();
      }
      expect(deltas(parts)).toEqual(['one ']);
      expect(errorPart(parts)?.code).toBe('aborted');
      await vi.waitFor(() => expect(current.emulator.openConnections).toBe(0));
    });

    it('closes the connection when the consumer stops reading a stream', async () => {
      const current = await start();
      current.emulator.enqueue({ text: 'one two three four', chunkDelayMs: 60_000 });
      for await (const part of current.model().stream(ask('Count.'))) {
        if (part.type === 'text-delta') break;
      }
      await vi.waitFor(() => expect(current.emulator.openConnections).toBe(0));
    });
  });
});
