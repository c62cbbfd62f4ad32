import { describe, expect, it } from 'vitest';
import { createServerSentEventParser, type ServerSentEvent } from './sse-parser.js';

function parse(chunks: readonly string[]): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  const parser = createServerSentEventParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('createServerSentEventParser', () => {
  describe('push', () => {
    it('dispatches events with their name, joined data lines and id', () => {
      expect(
        parse([
          'event: data\nid: 7\ndata: [1,\ndata: 2]\n\n: a comment\nevent: control\ndata: {}\n\n',
        ]),
      ).toEqual([
        { event: 'data', data: '[1,\n2]', id: '7' },
        { event: 'control', data: '{}' },
      ]);
    });

    it('gives the same events however the text is split, with LF, CRLF or CR line ends', () => {
      for (const end of ['\n', '\r\n', '\r']) {
        const text = `event: data${end}data: [1]${end}${end}data:plain${end}${end}`;
        const whole = parse([text]);
        expect(whole).toEqual([
          { event: 'data', data: '[1]' },
          { event: 'message', data: 'plain' },
        ]);
        for (let cut = 1; cut < text.length; cut++) {
          expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
        }
        expect(parse([...text])).toEqual(whole);
      }
    });

    it('never dispatches an event without data or a trailing partial event', () => {
      expect(parse(['event: control\n\ndata: partial'])).toEqual([]);
    });
  });
});
