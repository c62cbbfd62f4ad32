import { AgentryError } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConformanceServe } from './serve-types.js';
import { type ProtocolEmulator, startProtocolEmulator } from './start-protocol-emulator.js';

/** A tiny line protocol: `POST /say` answers `{ said }`, `POST /stream` one line per text piece. */
const serveLines: ConformanceServe = (scenario, request) => {
  if (scenario.kind === 'error') {
    const { status, headers, message } = scenario.failure;
    return {
      status,
      headers: { ...headers, 'x-line-hint': undefined },
      body: { problem: message },
    };
  }
  if (request.path === '/say') return { body: { said: scenario.reply.text } };
  return {
    headers: { 'content-type': 'text/plain' },
    events: [...scenario.reply.textChunks.map((piece) => `say ${piece}\n`), 'end\n'],
    faultEvent: scenario.fault?.kind === 'malformed' ? '???\n' : 'fault\n',
  };
};

const post = (emulator: ProtocolEmulator, path: string, body: unknown = {}) =>
  fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-line-key': 'k' },
    body: JSON.stringify(body),
  });

describe('startProtocolEmulator', () => {
  let emulator: ProtocolEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('answers the script in order through serve, and logs what readRequest read', async () => {
    emulator = await startProtocolEmulator({
      serve: serveLines,
      readRequest: (request) => ({
        model: (request.body as { model?: string }).model,
        toolCallIds: ['c1'],
        toolResultIds: [],
      }),
      turns: [{ text: 'Hello there' }],
      defaultTurn: { kind: 'error', status: 429, headers: { 'retry-after': '3' } },
    });
    const first = await post(emulator, '/say', { model: 'line-1' });
    expect(await first.json()).toEqual({ said: 'Hello there' });
    const second = await post(emulator, '/say');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('3');
    expect(second.headers.has('x-line-hint')).toBe(false);
    expect(await second.json()).toEqual({ problem: 'Rate limit reached; retry later.' });
    expect(emulator.requests.map((request) => [request.path, request.model])).toEqual([
      ['/say', 'line-1'],
      ['/say', undefined],
    ]);
    expect(emulator.requests[0]?.toolCallIds).toEqual(['c1']);
    expect(emulator.requests[0]?.headers['x-line-key']).toBe('k');
    expect(emulator.pending).toBe(0);
  });

  it('streams the events of serve and cuts them as the turn says', async () => {
    emulator = await startProtocolEmulator({ serve: serveLines });
    emulator.enqueue(
      { text: 'a b c d', chunkDelayMs: 5 },
      { text: 'a b c d', malformedAfterChunks: 2 },
      {
        text: 'a b c d',
        streamError: { afterChunks: 1, failure: { kind: 'error', status: 503 } },
      },
      { text: 'a b c d', resetAfterChunks: 2 },
    );
    expect(await (await post(emulator, '/stream')).text()).toBe(
      'say a \nsay b \nsay c \nsay d\nend\n',
    );
    expect(await (await post(emulator, '/stream')).text()).toBe('say a \nsay b \n???\n');
    expect(await (await post(emulator, '/stream')).text()).toBe('say a \nfault\n');
    const reset = await post(emulator, '/stream');
    await expect(reset.text()).rejects.toThrow();
    expect(emulator.problems).toEqual([]);
  });

  it('keeps what serve and readRequest did wrong in problems, and answers with a 500', async () => {
    emulator = await startProtocolEmulator({
      serve: (scenario, request) => {
        if (request.path === '/throw') throw new Error('not written yet');
        return scenario.kind === 'reply' && request.path === '/cut'
          ? { events: ['x\n', 'y\n'] }
          : ({ nothing: true } as unknown as { body: string });
      },
      defaultTurn: { text: 'a b', malformedAfterChunks: 1 },
    });
    expect((await post(emulator, '/throw')).status).toBe(500);
    expect((await post(emulator, '/shape')).status).toBe(500);
    await expect((await post(emulator, '/cut')).text()).rejects.toThrow();
    expect(emulator.problems).toEqual([
      'serve threw for POST /throw (request 1): not written yet',
      'serve, for POST /shape (request 2): serve returned an object with neither body nor events (keys: nothing).',
      'serve, for POST /cut (request 3): the scenario asks for a malformed event after 1 event(s), but the answer has no faultEvent; the kit reset the connection instead.',
    ]);
    emulator.reset();
    expect(emulator.problems).toEqual([]);
    expect(await (await post(emulator, '/x')).text()).toMatch(/script of the check was exhausted/);
  });

  it('refuses a serve that is not a function, and a port that is taken', async () => {
    await expect(
      startProtocolEmulator({ serve: 'lines' as unknown as ConformanceServe }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/options\.serve is string, not a function/) as unknown,
    });
    emulator = await startProtocolEmulator({ serve: serveLines });
    const port = Number(new URL(emulator.url).port);
    const taken = startProtocolEmulator({ serve: serveLines, port });
    await expect(taken).rejects.toBeInstanceOf(AgentryError);
    await expect(taken).rejects.toMatchObject({ code: 'internal', details: { port } });
  });
});
