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
 * Cost per read: one decode and a scan for line ends; the bytes are passed on as they came when
 * they hold whole events already in the SDK's form (one `data:` line each, every line ending in LF
 * or every one in CRLF, as Gemini sends them), else the events they complete are encoded again. No stream is piped: the body is pulled from its reader as the SDK
 * reads. Closing or aborting passes through: the SDK's reads fail with the body's own error.
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
          // Gemini's own events are already in the SDK's form: passed on as they came.
          controller.enqueue(parser.verbatim ? value : encoder.encode(events));
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
  /** Whether the first bytes have been read (a BOM can only come first). */
  #started = false;
  /** Whether a line of the current read is not in the SDK's form. */
  #rewritten = false;
  #verbatim = false;

  /**
   * Whether the last {@link EventStreamParser.push} read whole events (nothing before or after)
   * that the SDK reads alike, one `data:` line each: its bytes can be passed on unchanged.
   */
  get verbatim(): boolean {
    return this.#verbatim;
  }

  /** The message events that `bytes` complete, in the SDK's form. */
  push(bytes: Uint8Array): string {
    // Bytes can pass unchanged only when no earlier read left part of a line to them, and the
    // first read only without a BOM, which the decoder drops.
    const cleanStart = this.#started ? this.#betweenEvents() : bytes[0] !== BOM_FIRST_BYTE;
    this.#started = true;
    this.#rewritten = false;
    this.#verbatim = false;
    let text = this.#decoder.decode(bytes, { stream: true });
    if (text === '') return '';
    if (this.#afterCr && text.charCodeAt(0) === LF) text = text.slice(1);
    this.#afterCr = false;
    const buffer = this.#pending === '' ? text : this.#pending + text;
    let events = '';
    let start = 0;
    // The SDK finds events by `\n\n` or `\r\n\r\n`: it reads a read whose lines all end alike.
    let endings = 0;
    let cr = buffer.indexOf('\r');
    let lf = buffer.indexOf('\n');
    while (cr !== -1 || lf !== -1) {
      let end: number;
      let next: number;
      if (lf !== -1 && (cr === -1 || lf < cr)) {
        end = lf;
        next = lf + 1;
        endings |= LF_ENDING;
      } else {
        end = cr;
        if (cr + 1 < buffer.length) {
          const crlf = buffer.charCodeAt(cr + 1) === LF;
          next = crlf ? cr + 2 : cr + 1;
          endings |= crlf ? CRLF_ENDING : CR_ENDING;
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
    this.#verbatim =
      cleanStart &&
      !this.#rewritten &&
      (endings === LF_ENDING || endings === CRLF_ENDING) &&
      this.#betweenEvents();
    return events;
  }

  /** Whether no line and no event is in progress. */
  #betweenEvents(): boolean {
    return this.#pending === '' && !this.#afterCr && this.#data === undefined && this.#type === '';
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
      if (data === undefined || (type !== '' && type !== 'message')) {
        this.#rewritten = true;
        return '';
      }
      if (type !== '') this.#rewritten = true;
      // The SDK reads one line per event: JSON breaks lines only between tokens, where a space
      // does as well.
      if (!data.includes('\n')) return `data: ${data}\n\n`;
      this.#rewritten = true;
      return `data: ${data.replaceAll('\n', ' ')}\n\n`;
    }
    // Only `data:` lines are in the SDK's form.
    if (!line.startsWith('data:')) this.#rewritten = true;
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
const BOM_FIRST_BYTE = 0xef;
const LF_ENDING = 1;
const CRLF_ENDING = 2;
const CR_ENDING = 4;
const COLON = 0x3a;
const SPACE = 0x20;
