import { createProviderError } from '@agentry/core';

/** One server-sent event. */
export interface SseEvent {
  /** The `event:` field, when the server named the event. */
  event?: string;
  /** The `data:` lines, joined with newlines. */
  data: string;
}

/** Options of {@link readSseEvents}. */
export interface ReadSseEventsOptions {
  /** The provider name a too-large event's error carries in `details.provider`. */
  provider: string;
  /** How the server is named in that error's message. */
  server: string;
  /** The longest event, in characters of its lines; default 1 048 576 (1 MiB of ASCII). */
  maxEventLength?: number;
}

/**
 * Reads server-sent events from a response body, as the Chat Completions stream sends them:
 * `data:` lines (several are joined with `\n`), an optional `event:` line, comments (`:`) ignored,
 * and a blank line ending each event. Lines may end with `\n`, `\r\n` or `\r`, and may be split
 * across network chunks anywhere, even inside a UTF-8 character. An event the server leaves
 * unterminated at the end of the body is still delivered, since some local servers omit the last
 * blank line.
 *
 * An event (or a line) longer than `maxEventLength` characters fails the read with
 * `provider_unavailable` rather than growing the buffer without bound: a server that never ends a
 * line cannot exhaust the process's memory. The body is cancelled when the reader stops early
 * (`break`, an error), which closes the connection rather than leaving it to download the rest.
 *
 * @example
 * ```ts
 * for await (const event of readSseEvents(response.body!, { provider: 'acme', server: 'Acme' })) {
 *   if (event.data === '[DONE]') break;
 *   console.log(JSON.parse(event.data));
 * }
 * ```
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  options: ReadSseEventsOptions,
): AsyncGenerator<SseEvent> {
  const maxEventLength = options.maxEventLength ?? 1_048_576;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let dataLength = 0;
  let event: string | undefined;

  const take = (line: string): SseEvent | undefined => {
    if (line === '') {
      const dispatched =
        data.length > 0 ? { data: data.join('\n'), ...(event ? { event } : {}) } : undefined;
      data = [];
      dataLength = 0;
      event = undefined;
      return dispatched;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      data.push(value);
      dataLength += value.length + 1;
    } else if (field === 'event') event = value;
    return undefined;
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const end = buffer.search(/\r\n|\n|\r/);
        // A lone `\r` at the end may be the first half of `\r\n`: wait for the next chunk.
        if (end === -1 || (!done && end === buffer.length - 1 && buffer[end] === '\r')) break;
        const terminator = buffer.startsWith('\r\n', end) ? 2 : 1;
        const dispatched = take(buffer.slice(0, end));
        buffer = buffer.slice(end + terminator);
        if (dispatched) yield dispatched;
      }
      if (dataLength + buffer.length > maxEventLength) {
        throw createProviderError({
          provider: options.provider,
          code: 'provider_unavailable',
          message: `${options.server} sent a stream event longer than ${maxEventLength} characters; the stream was closed.`,
        });
      }
      if (done) {
        const last = take(buffer) ?? take('');
        if (last) yield last;
        return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
