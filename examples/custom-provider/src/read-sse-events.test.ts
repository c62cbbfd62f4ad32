import { describe, expect, it } from 'vitest';
import { readSseEvents, type SseEvent } from './read-sse-events.js';

/** A body that delivers `chunks` (text or bytes) one by one, and records whether it was cancelled. */
function body(chunks: (string | Uint8Array)[]) {
  const state = { cancelled: false };
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(typeof next === 'string' ? encoder.encode(next) : next);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const server = { provider: 'openai-compatible', server: 'Ollama' };

async function read(chunks: (string | Uint8Array)[], maxEventLength?: number): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const options = maxEventLength === undefined ? server : { ...server, maxEventLength };
  for await (const event of readSseEvents(body(chunks).stream, options)) events.push(event);
  return events;
}

describe('readSseEvents', () => {
  it('reads data events, joining multi-line data and keeping event names', async () => {
    expect(await read(['data: {"a":1}\n\n', 'event: ping\ndata: one\ndata: two\n\n'])).toEqual([
      { data: '{"a":1}' },
      { event: 'ping', data: 'one\ntwo' },
    ]);
  });

  it('accepts CRLF and CR line ends, split anywhere across chunks', async () => {
    expect(await read(['data: a\r', '\n\r\ndata:', ' b\r\r'])).toEqual([
      { data: 'a' },
      { data: 'b' },
    ]);
  });

  it('decodes a UTF-8 character split across two chunks', async () => {
    const bytes = new TextEncoder().encode('data: 18 °C\n\n');
    const cut = bytes.indexOf(0xc2) + 1;
    expect(await read([bytes.slice(0, cut), bytes.slice(cut)])).toEqual([{ data: '18 °C' }]);
  });

  it('skips comments and events without data', async () => {
    expect(await read([': keep-alive\n\nevent: empty\n\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('delivers an event left unterminated at the end of the body', async () => {
    expect(await read(['data: [DONE]'])).toEqual([{ data: '[DONE]' }]);
  });

  it('cancels the body when the reader stops early', async () => {
    const { stream, state } = body(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']);
    for await (const event of readSseEvents(stream, server)) {
      expect(event.data).toBe('1');
      break;
    }
    expect(state.cancelled).toBe(true);
  });

  it('refuses an event or a line longer than maxEventLength, and closes the body', async () => {
    expect(await read(['data: 12345\n', 'data: 6789\n\n'], 20)).toEqual([{ data: '12345\n6789' }]);
    for (const chunks of [
      ['data: 12345\n', 'data: 678901234567890\n', 'data: x\n\n'],
      ['data: ', 'x'.repeat(30)],
    ]) {
      const { stream, state } = body(chunks);
      const reading = (async () => {
        for await (const event of readSseEvents(stream, { ...server, maxEventLength: 20 }))
          void event;
      })();
      await expect(reading).rejects.toMatchObject({
        code: 'provider_unavailable',
        message: 'Ollama sent a stream event longer than 20 characters; the stream was closed.',
        details: { provider: 'openai-compatible' },
      });
      expect(state.cancelled).toBe(true);
    }
  });
});
