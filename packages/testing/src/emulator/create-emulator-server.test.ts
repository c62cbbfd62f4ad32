import { request as httpRequest } from 'node:http';
import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MockTimers } from '../mock-model/mock-timers.js';
import { fakeWire, otherWire } from './__fixtures__/fake-wire-format.js';
import { createEmulatorServer, type EmulatorServerOptions } from './create-emulator-server.js';
import type { Emulator } from './emulator.js';
import type { EmulatorRequest } from './emulator-types.js';

const opened: Emulator[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((emulator) => emulator.close()));
});

async function start(options: Partial<EmulatorServerOptions> = {}): Promise<Emulator> {
  const emulator = await createEmulatorServer({ formats: [fakeWire, otherWire], ...options });
  opened.push(emulator);
  return emulator;
}

function post(
  emulator: Emulator,
  body: unknown,
  init: { path?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${emulator.url}${init.path ?? '/openai/v1/answer'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
}

/** Splits an SSE body into its events, each as its lines. */
function events(text: string): string[][] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => block.split('\n'));
}

/** Reads a streamed body until it ends or fails, keeping what arrived before a failure. */
async function readUntilEnd(response: Response): Promise<{ text: string; error: unknown }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

/** Timers that run for real and remember each wait and how many are pending. */
function recordingTimers(): MockTimers & { waits: number[]; pending: () => number } {
  const live = new Set<unknown>();
  const waits: number[] = [];
  return {
    waits,
    pending: () => live.size,
    setTimeout: (callback, ms) => {
      waits.push(ms);
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      live.delete(handle);
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
}

describe('createEmulatorServer', () => {
  describe('routing', () => {
    it('listens on loopback and serves the format whose prefix and match accept the request', async () => {
      const emulator = await start({ defaultTurn: { text: 'hi' } });
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const answer = await post(emulator, { model: 'fake-1' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(await answer.json()).toMatchObject({ model: 'fake-1', text: 'hi', finish: 'stop' });

      const other = await post(
        emulator,
        {},
        { path: '/google/v1beta/models/gem-1:generateContent' },
      );
      expect(other.status).toBe(200);
      expect(emulator.requests.map((request) => [request.api, request.model])).toEqual([
        ['openai-chat', 'fake-1'],
        ['google', 'gem-1'],
      ]);
    });

    it('answers an unknown route with a 404 naming the path, without using a turn', async () => {
      const emulator = await start({ turns: [{ text: 'kept' }] });
      for (const path of ['/nowhere/v1/answer', '/openai/v1/other', '/anthropic/v1/messages']) {
        const response = await post(emulator, {}, { path });
        expect(response.status).toBe(404);
        const body = (await response.json()) as { error: { message: string } };
        expect(body.error.message).toContain(path);
      }
      expect(emulator.pending).toBe(1);
      expect(emulator.requests).toEqual([]);
    });

    it('refuses a body that is not JSON with a 400', async () => {
      const emulator = await start({ turns: [{ text: 'kept' }] });
      const response = await post(emulator, '{"model": ');
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
        'not JSON',
      );
      expect(emulator.pending).toBe(1);
    });

    it('gives base URLs per API under the server URL', async () => {
      const emulator = await start();
      expect(emulator.baseURL('openai-chat')).toBe(`${emulator.url}/openai/v1`);
      expect(emulator.baseURL('openai-responses')).toBe(`${emulator.url}/openai/v1`);
      expect(emulator.baseURL('anthropic')).toBe(`${emulator.url}/anthropic`);
      expect(emulator.baseURL('google')).toBe(`${emulator.url}/google`);
    });
  });

  describe('script', () => {
    it('answers with the scripted turns in order, then with the default', async () => {
      const emulator = await start({ turns: [{ text: 'one' }] });
      emulator.enqueue({ text: 'two' }, { text: 'three' });
      emulator.setDefault({ text: 'default' });
      expect(emulator.pending).toBe(3);

      const texts: unknown[] = [];
      for (let index = 0; index < 5; index += 1) {
        texts.push(((await (await post(emulator, {})).json()) as { text: string }).text);
      }
      expect(texts).toEqual(['one', 'two', 'three', 'default', 'default']);
      expect(emulator.pending).toBe(0);
    });

    it('answers with a 500 "script exhausted" when no turn is left and there is no default', async () => {
      const emulator = await start({ defaultTurn: { text: 'x' } });
      emulator.setDefault(undefined);
      const response = await post(emulator, {});
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain('emulator script exhausted');
      expect(body.error.message).toContain('/openai/v1/answer');
      expect(emulator.requests).toHaveLength(1);
    });

    it('calls a function turn with the request and answers with what it returns', async () => {
      const seen: EmulatorRequest[] = [];
      const emulator = await start();
      emulator.enqueue((request) => {
        seen.push(request);
        return { text: `you asked ${String(request.model)}` };
      });
      const body = (await (await post(emulator, { model: 'fake-2' })).json()) as { text: string };
      expect(body.text).toBe('you asked fake-2');
      expect(seen).toHaveLength(1);
      expect(seen[0]?.body).toEqual({ model: 'fake-2' });
    });

    it('answers with a 500 naming the reason when a function turn throws', async () => {
      const emulator = await start({
        turns: [
          () => {
            throw new Error('bad turn');
          },
        ],
      });
      const response = await post(emulator, {});
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('bad turn');
    });

    it('forgets the script, the default and the log on reset', async () => {
      const emulator = await start({ turns: [{ text: 'a' }], defaultTurn: { text: 'b' } });
      await (await post(emulator, {})).text();
      emulator.enqueue({ text: 'c' });
      emulator.reset();
      expect(emulator.pending).toBe(0);
      expect(emulator.requests).toEqual([]);
      expect((await post(emulator, {})).status).toBe(500);
    });
  });

  describe('request log', () => {
    it('records each request with lower-cased headers, the query, the body and the stream flag', async () => {
      const emulator = await start({ defaultTurn: { text: 'ok' } });
      const key = 'sk-' + 'x'.repeat(48);
      await (
        await post(
          emulator,
          { model: 'fake-1', stream: false },
          {
            path: '/openai/v1/answer?alt=sse&x=1',
            headers: { Authorization: `Bearer ${key}`, 'X-Trace': 'a' },
          },
        )
      ).text();

      expect(emulator.requests).toHaveLength(1);
      const [request] = emulator.requests;
      expect(request).toMatchObject({
        api: 'openai-chat',
        method: 'POST',
        path: '/openai/v1/answer',
        query: { alt: 'sse', x: '1' },
        body: { model: 'fake-1', stream: false },
        model: 'fake-1',
        stream: true,
      });
      expect(request?.headers.authorization).toBe(`Bearer ${key}`);
      expect(request?.headers['x-trace']).toBe('a');
    });
  });

  describe('failures', () => {
    it('sends the status, headers and the format’s error body, with the type worked out from the status', async () => {
      const emulator = await start({
        turns: [
          { kind: 'error', status: 429, headers: { 'retry-after': '2' } },
          { kind: 'error', status: 503, error: 'overloaded', message: 'Busy.' },
        ],
      });
      const limited = await post(emulator, {});
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('2');
      expect(limited.headers.get('content-type')).toBe('application/json');
      expect(await limited.json()).toEqual({
        fake_error: { type: 'rate_limit', message: expect.any(String) },
      });

      const busy = await post(emulator, {});
      expect(busy.status).toBe(503);
      expect(await busy.json()).toEqual({ fake_error: { type: 'overloaded', message: 'Busy.' } });
    });

    it('sends a raw body instead of the vendor-shaped one', async () => {
      const emulator = await start({
        turns: [
          { kind: 'error', status: 502, body: '<html>Bad gateway</html>' },
          { kind: 'error', status: 400, body: { custom: true } },
        ],
      });
      const gateway = await post(emulator, {});
      expect(gateway.status).toBe(502);
      expect(gateway.headers.get('content-type')).toContain('text/plain');
      expect(await gateway.text()).toBe('<html>Bad gateway</html>');
      expect(await (await post(emulator, {})).json()).toEqual({ custom: true });
    });
  });

  describe('streams', () => {
    it('streams the format’s events in order as server-sent events', async () => {
      const emulator = await start({
        turns: [{ text: 'Hello there world', headers: { 'x-request-id': 'r1' } }],
      });
      const response = await post(emulator, { stream: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-request-id')).toBe('r1');

      const text = await response.text();
      const lines = events(text);
      expect(lines[0]?.[0]).toBe('event: start');
      expect(lines.slice(1, 4)).toEqual([
        ['data: {"delta":"Hello "}'],
        ['data: {"delta":"there "}'],
        ['data: {"delta":"world"}'],
      ]);
      expect(lines[4]).toEqual(['event: end', 'data: {"finish":"stop"}']);
      expect(lines).toHaveLength(5);
      expect(text.endsWith('\n\n')).toBe(true);
    });

    it('waits delayMs before answering and chunkDelayMs between events, on the given timers', async () => {
      const timers = recordingTimers();
      const emulator = await start({ timers });
      emulator.enqueue({ text: 'a b', delayMs: 15, chunkDelayMs: 5 });
      const text = await (await post(emulator, { stream: true })).text();
      expect(events(text)).toHaveLength(4);
      // One wait before the answer, then one between each pair of the 4 events.
      expect(timers.waits).toEqual([15, 5, 5, 5]);
      expect(timers.pending()).toBe(0);
    });

    it('resets the connection after the given number of events, after sending them', async () => {
      const emulator = await start({
        turns: [{ text: 'one two three four', resetAfterChunks: 2 }],
      });
      const response = await post(emulator, { stream: true });
      const { text, error } = await readUntilEnd(response);
      expect(events(text)).toHaveLength(2);
      expect(events(text)[1]).toEqual(['data: {"delta":"one "}']);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
    });

    it('shows a node:http client an ECONNRESET-like end after the events before the reset', async () => {
      const emulator = await start({ turns: [{ text: 'one two three', resetAfterChunks: 1 }] });
      const outcome = await new Promise<{ text: string; failed: boolean }>((resolve) => {
        let text = '';
        const request = httpRequest(
          `${emulator.url}/openai/v1/answer`,
          { method: 'POST' },
          (response) => {
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            response.on('end', () => resolve({ text, failed: false }));
            response.on('error', () => resolve({ text, failed: true }));
          },
        );
        request.on('error', () => resolve({ text, failed: true }));
        request.end(JSON.stringify({ stream: true }));
      });
      expect(outcome.failed).toBe(true);
      expect(events(outcome.text)).toEqual([['event: start', expect.stringMatching(/^data: /)]]);
    });

    it('sends an event that is not JSON after the given number of events, then ends', async () => {
      const emulator = await start({ turns: [{ text: 'one two three', malformedAfterChunks: 2 }] });
      const text = await (await post(emulator, { stream: true })).text();
      const lines = events(text);
      expect(lines).toHaveLength(3);
      expect(lines[2]).toEqual(['data: {not json']);
    });

    it('sends the format’s error event after the given number of events, then ends', async () => {
      const emulator = await start({
        turns: [
          {
            text: 'one two three',
            streamError: { afterChunks: 1, failure: { kind: 'error', status: 529 } },
          },
        ],
      });
      const lines = events(await (await post(emulator, { stream: true })).text());
      expect(lines).toHaveLength(2);
      expect(lines[1]?.[0]).toBe('event: error');
      expect(JSON.parse(lines[1]![1]!.slice('data: '.length))).toMatchObject({
        type: 'overloaded',
      });
    });

    it('applies a cut past the last event after all events', async () => {
      const emulator = await start({ turns: [{ text: 'one', malformedAfterChunks: 99 }] });
      const lines = events(await (await post(emulator, { stream: true })).text());
      expect(lines).toHaveLength(4);
      expect(lines[3]).toEqual(['data: {not json']);
    });

    it('stalls after the given number of events, keeping the connection open until the client leaves', async () => {
      const emulator = await start({ turns: [{ text: 'one two three', stallAfterChunks: 2 }] });
      const controller = new AbortController();
      const response = await post(emulator, { stream: true }, { signal: controller.signal });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (events(text).length < 2) {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
      }
      const next = reader.read();
      const waited = await Promise.race([
        next.then(() => 'read'),
        new Promise((resolve) => setTimeout(() => resolve('stalled'), 100)),
      ]);
      expect(waited).toBe('stalled');
      expect(emulator.openConnections).toBe(1);
      controller.abort();
      await next.catch(() => undefined);
      await vi.waitFor(() => expect(emulator.openConnections).toBe(0));
    });

    it('splices another reply’s events in after the given number of events', async () => {
      const emulator = await start({
        turns: [{ text: 'one two', splice: { afterChunks: 2, reply: { text: 'fresh' } } }],
      });
      const lines = events(await (await post(emulator, { stream: true })).text());
      expect(lines.map((event) => event.at(-1))).toEqual([
        expect.stringMatching(/^data: \{"id":/),
        'data: {"delta":"one "}',
        expect.stringMatching(/^data: \{"id":/),
        'data: {"delta":"fresh"}',
        'data: {"finish":"stop"}',
      ]);
      expect(lines[0]).not.toEqual(lines[2]);
    });

    it('writes the sseFields lines before each event, numbering {n}', async () => {
      const emulator = await start({
        turns: [{ text: 'one', sseFields: ['id: {n}', ': proxied', 'x-proxy: edge'] }],
      });
      const lines = events(await (await post(emulator, { stream: true })).text());
      expect(lines[1]).toEqual(['id: 2', ': proxied', 'x-proxy: edge', 'data: {"delta":"one"}']);
      expect(lines.map((event) => event[0])).toEqual(['id: 1', 'id: 2', 'id: 3']);
    });

    it('stops writing, clears its timers and closes the socket when the client aborts', async () => {
      const timers = recordingTimers();
      const emulator = await start({ timers });
      emulator.enqueue({ text: 'word '.repeat(100), chunkDelayMs: 60_000 });
      const controller = new AbortController();
      const response = await post(emulator, { stream: true }, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      expect(emulator.openConnections).toBe(1);
      await vi.waitFor(() => expect(timers.pending()).toBe(1));

      controller.abort();
      await vi.waitFor(() => expect(emulator.openConnections).toBe(0));
      expect(timers.pending()).toBe(0);
    });
  });

  describe('listen', () => {
    it('fails with internal naming the address when the port is taken', async () => {
      const first = await start();
      const port = Number(new URL(first.url).port);
      const failure = await createEmulatorServer({ formats: [fakeWire], port }).catch(
        (error: unknown) => error,
      );
      expect(AgentryError.isInstance(failure) && failure.code).toBe('internal');
      expect((failure as Error).message).toContain(`127.0.0.1:${port}`);
    });
  });

  describe('close', () => {
    it('ends streams in progress and closes every socket', async () => {
      const emulator = await createEmulatorServer({ formats: [fakeWire] });
      emulator.enqueue({ text: 'word '.repeat(100), chunkDelayMs: 60_000 });
      const response = await post(emulator, { stream: true });
      const reading = readUntilEnd(response);
      await vi.waitFor(() => expect(emulator.openConnections).toBe(1));

      await emulator.close();
      expect(emulator.openConnections).toBe(0);
      const { text } = await reading;
      expect(events(text)[0]?.[0]).toBe('event: start');
      await expect(fetch(emulator.url)).rejects.toThrow();
    });
  });
});
