import { describe, expect, it } from 'vitest';
import { EventStreamParser, normalizeEventStream } from './normalize-event-stream.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** What the parser gives for `reads`, each read fed on its own. */
function parse(...reads: (string | Uint8Array)[]): string {
  const parser = new EventStreamParser();
  return reads.map((read) => parser.push(typeof read === 'string' ? bytes(read) : read)).join('');
}

describe('EventStreamParser', () => {
  it('gives each message event as one data line, ignoring id, retry, comments and unknown fields', () => {
    expect(parse('id: 7\nretry: 3000\n: proxied\nx-proxy: edge\ndata: {"a":1}\n\n')).toBe(
      'data: {"a":1}\n\n',
    );
  });

  it('joins data lines and reads CRLF, LF and CR line ends, also split across reads', () => {
    expect(parse('data:{"a":\r', '\ndata: 1}\r\r', 'data: {}\n', '\n')).toBe(
      'data: {"a": 1}\n\ndata: {}\n\n',
    );
  });

  it('reads a field without a colon, a value without a space, and a leading BOM', () => {
    expect(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('data\ndata:x\n\n')]))).toBe(
      'data:  x\n\n',
    );
  });

  it('passes on only message events, and none without data', () => {
    expect(parse('event: ping\ndata: {}\n\nevent: message\ndata: 1\n\nid: 3\n\ndata: 2\n\n')).toBe(
      'data: 1\n\ndata: 2\n\n',
    );
  });

  it('keeps a character split across reads whole', () => {
    const euro = bytes('data: "€"\n\n');
    expect(parse(euro.slice(0, 8), euro.slice(8))).toBe('data: "€"\n\n');
  });
});

describe('EventStreamParser.verbatim', () => {
  it('is true only for reads of whole events already in the SDK form', () => {
    const parser = new EventStreamParser();
    const verbatim = (text: string) => {
      parser.push(bytes(text));
      return parser.verbatim;
    };
    expect(verbatim('data: 1\n\ndata: 2\n\n')).toBe(true);
    expect(verbatim('data: 3\n')).toBe(false);
    expect(verbatim('\ndata: 4\n\n')).toBe(false);
    expect(verbatim('data: 5\n\n')).toBe(true);
    expect(verbatim('id: 6\ndata: 6\n\n')).toBe(false);
    expect(verbatim('data: 7\r\n\r\n')).toBe(true);
    expect(verbatim('data: 8\n\r\n')).toBe(false);
    expect(verbatim('data: 9\r\rdata: 10\n\n')).toBe(false);
    expect(verbatim('data: 11\n\n')).toBe(true);
  });
});

describe('normalizeEventStream', () => {
  it('gives the SDK every event once, however the reads split them', async () => {
    const text = 'data: 1\n\ndata: 2\n\ndata: 3\n\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes(text.slice(0, cut)));
          controller.enqueue(bytes(text.slice(cut)));
          controller.close();
        },
      });
      expect(await new Response(normalizeEventStream(body)).text(), `cut at ${cut}`).toBe(text);
    }
  });

  it('drops an event left without its blank line when the body ends', async () => {
    const body = new Response('data: 1\n\ndata: 2').body!;
    const text = await new Response(normalizeEventStream(body)).text();
    expect(text).toBe('data: 1\n\n');
  });
});
