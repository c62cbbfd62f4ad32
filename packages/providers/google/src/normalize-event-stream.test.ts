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

describe('normalizeEventStream', () => {
  it('drops an event left without its blank line when the body ends', async () => {
    const body = new Response('data: 1\n\ndata: 2').body!;
    const text = await new Response(normalizeEventStream(body)).text();
    expect(text).toBe('data: 1\n\n');
  });
});
