const encoder = new TextEncoder();

/**
 * Reads a `text/event-stream` body as the SSE specification says (WHATWG HTML, "Parsing an event
 * stream") and gives it again in the one form `@google/genai` can read: each message event as a
 * single `data:` line and a blank line.
 *
 * The SDK's own parser reads only events whose text starts with `data:`, so an event with an
 * `id:`, `retry:`, `event:` or unknown field before its data (as a proxy may add), a comment
 * line, data across several `data:` lines, or line ends other than its own, loses the chunk, and
 * with it the whole answer. Here lines end with CRLF, LF or CR (also split across reads), a
 * leading BOM is dropped, comments and the `id`, `retry` and unknown fields are ignored, data
 * lines are joined, and only events of type `message` (or none) are passed on, as an
 * `EventSource`'s `onmessage` sees them. An event left without its blank line when the body ends
 * is dropped, as the specification says.
 *
 * Cost per read: one decode, a scan for line ends, and one encode of the events it completes; no
 * stream is piped, the body is pulled from its reader as the SDK reads. Closing or aborting
 * passes through: the SDK's reads fail with the body's own error.
 *
 * @internal
 */
export function normalizeEventStream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const parser = new EventStreamParser();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          parser.end();
          controller.close();
          return;
        }
        const events = parser.push(value);
        if (events !== '') {
          controller.enqueue(encoder.encode(events));
          return;
        }
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * The SSE line parser: {@link EventStreamParser.push} takes bytes and returns the message events
 * they complete, each as `data: <data>\n\n`.
 *
 * @internal
 */
export class EventStreamParser {
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  /** Text after the last line end. */
  #pending = '';
  /** The last read ended with CR: an LF that starts the next one belongs to it. */
  #afterCr = false;
  /** The event's data so far, or `undefined` before its first `data` field. */
  #data: string | undefined;
  /** The event's type (`event` field). */
  #type = '';

  /** The message events that `bytes` complete, in the SDK's form. */
  push(bytes: Uint8Array): string {
    let text = this.#decoder.decode(bytes, { stream: true });
    if (text === '') return '';
    if (this.#afterCr && text.charCodeAt(0) === LF) text = text.slice(1);
    this.#afterCr = false;
    const buffer = this.#pending === '' ? text : this.#pending + text;
    let events = '';
    let start = 0;
    let cr = buffer.indexOf('\r');
    let lf = buffer.indexOf('\n');
    while (cr !== -1 || lf !== -1) {
      let end: number;
      let next: number;
      if (lf !== -1 && (cr === -1 || lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < buffer.length) {
          next = buffer.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        } else {
          next = cr + 1;
          this.#afterCr = true;
        }
      }
      events += this.#line(buffer.slice(start, end));
      start = next;
      if (cr !== -1 && cr < start) cr = buffer.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = buffer.indexOf('\n', start);
    }
    this.#pending = start === 0 ? buffer : buffer.slice(start);
    return events;
  }

  /** The body ended: an event without its blank line is dropped. */
  end(): void {
    this.#pending = '';
    this.#data = undefined;
    this.#type = '';
  }

  /** One line: a blank line dispatches the event; other lines are fields or comments. */
  #line(line: string): string {
    if (line === '') {
      const data = this.#data;
      const type = this.#type;
      this.#data = undefined;
      this.#type = '';
      if (data === undefined || (type !== '' && type !== 'message')) return '';
      // The SDK reads one line per event: JSON breaks lines only between tokens, where a space
      // does as well.
      return `data: ${data.includes('\n') ? data.replaceAll('\n', ' ') : data}\n\n`;
    }
    if (line.charCodeAt(0) === COLON) return '';
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === SPACE) value = value.slice(1);
    if (field === 'data') this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    else if (field === 'event') this.#type = value;
    // `id`, `retry` and unknown fields: nothing a response needs.
    return '';
  }
}

const LF = 0x0a;
const COLON = 0x3a;
const SPACE = 0x20;
