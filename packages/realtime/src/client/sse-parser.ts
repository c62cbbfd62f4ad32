/**
 * One dispatched server-sent event.
 *
 * @internal
 */
export interface ServerSentEvent {
  /** The `event:` field; `message` when absent. */
  readonly event: string;
  /** The `data:` lines joined with newlines. */
  readonly data: string;
  /** The `id:` field of this event, when it set one. */
  readonly id?: string;
}

/**
 * An incremental `text/event-stream` parser (the WHATWG rules: `\r\n`, `\r` or `\n` line ends,
 * comments, `data` lines joined, an event dispatched on a blank line, a trailing partial event
 * never dispatched). Feed it decoded text in chunks of any size.
 *
 * @internal
 */
export function createServerSentEventParser(dispatch: (event: ServerSentEvent) => void): {
  push(text: string): void;
} {
  let buffer = '';
  let eventName = '';
  let data: string[] = [];
  let hasData = false;
  let id: string | undefined;
  // A '\r' at the end of a chunk may be the first half of '\r\n'.
  let skipLeadingLineFeed = false;

  const line = (text: string): void => {
    if (text === '') {
      if (hasData) {
        dispatch({
          event: eventName === '' ? 'message' : eventName,
          data: data.join('\n'),
          ...(id === undefined ? {} : { id }),
        });
      }
      eventName = '';
      data = [];
      hasData = false;
      id = undefined;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventName = value;
    else if (field === 'data') {
      data.push(value);
      hasData = true;
    } else if (field === 'id' && !value.includes('\0')) id = value;
  };

  return {
    push(text: string): void {
      if (skipLeadingLineFeed && text.startsWith('\n')) text = text.slice(1);
      skipLeadingLineFeed = false;
      buffer += text;
      let start = 0;
      for (let index = 0; index < buffer.length; index++) {
        const character = buffer[index];
        if (character !== '\n' && character !== '\r') continue;
        line(buffer.slice(start, index));
        if (character === '\r') {
          if (index + 1 === buffer.length) skipLeadingLineFeed = true;
          else if (buffer[index + 1] === '\n') index++;
        }
        start = index + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
