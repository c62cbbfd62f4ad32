import { describe, expect, it } from 'vitest';
import { readAcmeFrames } from './read-acme-frames.js';

/** A body of `chunks`; with `onCancel`, it stays open after them, as a longer stream would. */
function body(chunks: (string | Uint8Array)[], onCancel?: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      }
      if (onCancel === undefined) controller.close();
    },
    cancel: onCancel,
  });
}

async function all(stream: ReadableStream<Uint8Array>) {
  const frames = [];
  for await (const frame of readAcmeFrames(stream)) frames.push(frame);
  return frames;
}

describe('readAcmeFrames', () => {
  it('reads frames split anywhere, with CRLF, blank lines and a last line without newline', async () => {
    const bytes = new TextEncoder().encode('{"frame":"say","text":"é"}\n');
    const at = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const frames = await all(
      body([
        '{"frame":"begin","id":"a1"}\r\n\n{"frame":"sa',
        'y","text":"Hi"}\n',
        bytes.slice(0, at),
        bytes.slice(at),
        '{"frame":"end","stop":"done","meter":{"in":1,"cached":0,"out":1,"thinking":0}}',
      ]),
    );
    expect(frames).toEqual([
      { frame: 'begin', id: 'a1' },
      { frame: 'say', text: 'Hi' },
      { frame: 'say', text: 'é' },
      { frame: 'end', stop: 'done', meter: { in: 1, cached: 0, out: 1, thinking: 0 } },
    ]);
  });

  it('skips frames of kinds it does not know', async () => {
    expect(await all(body(['{"frame":"heartbeat"}\n{"frame":"say","text":"ok"}\n']))).toEqual([
      { frame: 'say', text: 'ok' },
    ]);
  });

  it.each([
    ['{"frame":"say","text":\n', /not JSON/],
    ['[1,2]\n', /not an object/],
    ['{"text":"no kind"}\n', /no frame field/],
  ])('fails with provider_unavailable on %j', async (line, reason) => {
    await expect(all(body([line]))).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringMatching(reason) as unknown,
    });
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const stream = body(['{"frame":"say","text":"a"}\n{"frame":"say","text":"b"}\n'], () => {
      cancelled = true;
    });
    for await (const frame of readAcmeFrames(stream)) {
      expect(frame).toEqual({ frame: 'say', text: 'a' });
      break;
    }
    expect(cancelled).toBe(true);
  });
});
