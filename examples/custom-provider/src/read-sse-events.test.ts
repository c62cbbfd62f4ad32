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

async function read(chunks: (string | Uint8Array)[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readSseEvents(body(chunks).stream)) events.push(event);
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
    for await (const event of readSseEvents(stream)) {
      expect(event.data).toBe('1');
      break;
    }
    expect(state.cancelled).toBe(true);
  });
});
