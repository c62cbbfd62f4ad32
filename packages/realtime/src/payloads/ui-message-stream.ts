import { AgentryError } from '@agentry/core';
import type { AgUiEvent } from './ag-ui-types.js';
import type { UiMessageChunk } from './ui-message-chunk.js';
import { createUiMessageTranslation } from './ui-message-translation.js';

/**
 * Options of {@link createUiMessageStreamEncoder}.
 *
 * @example
 * ```ts
 * import { createUiMessageStreamEncoder, type UiMessageStreamEncoderOptions } from '@agentry/realtime';
 *
 * // A client reconnecting with the Last-Event-ID it got.
 * const options: UiMessageStreamEncoderOptions = { lastEventId: '0000000000a1_0000000000000042' };
 * const encoder = createUiMessageStreamEncoder(options);
 * console.log(encoder.done);
 * ```
 */
export interface UiMessageStreamEncoderOptions {
  /**
   * The `Last-Event-ID` of a client that resumes. The encoder is then given the run's events from
   * its start as usual: it writes nothing up to that id, and continues after it, so the client
   * gets every chunk once. A text or reasoning part that was streaming at that point continues as
   * a new part (an AI SDK client cannot re-open a part): its text is whole and nothing repeats.
   */
  readonly lastEventId?: string;
}

/**
 * Turns a run's AG-UI events, each with its log offset, into an AI SDK UI message stream (SSE).
 * See {@link createUiMessageStreamEncoder}.
 *
 * @example
 * ```ts
 * import { createUiMessageStreamEncoder, type UiMessageStreamEncoder } from '@agentry/realtime';
 *
 * const encoder: UiMessageStreamEncoder = createUiMessageStreamEncoder();
 * let body = encoder.encode({ type: 'RUN_STARTED', threadId: 't', runId: 'run-1' }, '000000000001_0000000000000001');
 * body += encoder.encode({ type: 'RUN_FINISHED', threadId: 't', runId: 'run-1' }, '000000000001_0000000000000002');
 * if (encoder.done) body += encoder.end();
 * console.log(body);
 * ```
 */
export interface UiMessageStreamEncoder {
  /**
   * The SSE text for one event (empty when it has nothing to say to an AI SDK client, or when it
   * is at or before the resume point). Events must come in offset order.
   *
   * @throws AgentryError `invalid_request` for an offset not after the previous one
   */
  encode(event: AgUiEvent, offset: string): string;
  /**
   * The SSE text for a run snapshot (`RunSnapshot.snapshot()`, stored as of `offset`), to start
   * a client that joins late, or to build the encoder's state before the entries after `offset`
   * when the log no longer holds the run's start. Its `MESSAGES_SNAPSHOT` becomes the answer so
   * far (the messages after the last user message), each part whole; the events that re-open
   * what is still streaming follow as usual.
   *
   * @throws AgentryError `invalid_request` for an offset not after the previous one
   */
  encodeSnapshot(events: readonly AgUiEvent[], offset: string): string;
  /** The chunks for one event, without SSE framing (what `encode` frames). */
  chunks(event: AgUiEvent, offset: string): UiMessageChunk[];
  /** Whether the run has ended (`finish` or `abort` was written): the stream can be closed. */
  readonly done: boolean;
  /** The stream's last line, `data: [DONE]`. */
  end(): string;
}

const sse = (chunk: UiMessageChunk, id: string | undefined): string =>
  `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(chunk)}\n\n`;

/** `<offset>` or `<offset>#<chunks already sent of that event>`. */
const parseEventId = (id: string): { offset: string; sent: number | undefined } => {
  const at = id.lastIndexOf('#');
  if (at < 0) return { offset: id, sent: undefined };
  const sent = Number(id.slice(at + 1));
  if (!Number.isSafeInteger(sent) || sent < 1) {
    throw new AgentryError({
      code: 'invalid_request',
      message: `Last-Event-ID "${id}" is not an id this stream sent.`,
      details: { value: id },
      suggestions: [
        'Send back the id of the last event received, unchanged, or read from the start.',
      ],
    });
  }
  return { offset: id.slice(0, at), sent };
};

/**
 * Creates a stateful encoder from a run's AG-UI events to the AI SDK UI message stream (v1), so
 * that an app using `useChat` (`DefaultChatTransport`) talks to an Agentry run with no code of
 * its own: `RUN_STARTED` → `start` (message id: the run id); `STEP_STARTED`/`STEP_FINISHED` →
 * `start-step`/`finish-step`; assistant text → `text-start`/`text-delta`/`text-end` (part id: the
 * AG-UI message id, also in the part's `providerMetadata.agentry.messageId`); reasoning →
 * `reasoning-*`; tool calls → `tool-input-start`/`tool-input-delta`/`tool-input-available`; tool
 * results → `tool-output-available` (or `tool-output-error`); state → one `data-agentry.state`
 * part holding the whole state (kept current by id); `CUSTOM` → `data-<name>` (status and
 * metrics transient); `RUN_FINISHED` → `finish` (`stop`; `other` after a
 * `data-agentry.interrupt` part for a run waiting for a person) or `abort` when cancelled;
 * `RUN_ERROR` → `error` then `finish` (`error`). User messages are not written (the client
 * holds them). A run snapshot's `MESSAGES_SNAPSHOT` becomes the answer so far
 * (`encodeSnapshot`), for a client that joins after the log dropped the run's start.
 *
 * Each SSE event carries an `id:` built from the event's offset (the last chunk of an event gets
 * the offset itself, earlier ones `<offset>#<n>`), so a client reconnecting with
 * `Last-Event-ID` gets the rest and nothing twice (see {@link UiMessageStreamEncoderOptions}).
 *
 * @throws AgentryError `invalid_request` for a `lastEventId` this encoder could not have written
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createUiMessageStreamEncoder, UI_MESSAGE_STREAM_HEADERS, type AgUiEvent } from '@agentry/realtime';
 *
 * declare const events: { event: AgUiEvent; offset: string }[]; // a run's events, read from its log
 * createServer((request, response) => {
 *   const lastEventId = request.headers['last-event-id'];
 *   const encoder = createUiMessageStreamEncoder(typeof lastEventId === 'string' ? { lastEventId } : {});
 *   response.writeHead(200, UI_MESSAGE_STREAM_HEADERS);
 *   for (const { event, offset } of events) response.write(encoder.encode(event, offset));
 *   response.end(encoder.done ? encoder.end() : '');
 * });
 * ```
 */
export function createUiMessageStreamEncoder(
  options: UiMessageStreamEncoderOptions = {},
): UiMessageStreamEncoder {
  const resume = options.lastEventId === undefined ? undefined : parseEventId(options.lastEventId);
  const translation = createUiMessageTranslation();
  let lastOffset: string | undefined;
  // Whether chunks are written yet: false until the resume point is passed.
  let live = resume === undefined;
  // Set when the resume point is passed: the parts open there are re-opened with the next event.
  let reopenPending = false;

  /**
   * One event's chunks: `reopened` (parts continued after a resume, sent without an id) and the
   * event's own chunks from the `first` (0-based) on.
   */
  const step = (
    events: readonly AgUiEvent[],
    offset: string,
  ): { reopened: UiMessageChunk[]; own: UiMessageChunk[]; first: number } => {
    if (lastOffset !== undefined && offset <= lastOffset) {
      throw new AgentryError({
        code: 'invalid_request',
        message: `Event offset ${offset} is not after the previous one (${lastOffset}).`,
        details: { value: offset, previous: lastOffset },
        suggestions: ["Give the encoder a run's events in log order, each once."],
      });
    }
    lastOffset = offset;
    if (!live && resume !== undefined && offset > resume.offset) {
      // Past the resume point without meeting its event: everything from here is new.
      live = true;
      reopenPending = true;
    }
    if (live) {
      // Parts open at the resume point continue under new ids, before anything else is sent.
      const reopened = reopenPending ? translation.reopen(offset) : [];
      reopenPending = false;
      return { reopened, own: events.flatMap((event) => translation.translate(event)), first: 0 };
    }
    // Up to the resume point the state is kept and nothing is written.
    const all = events.flatMap((event) => translation.translate(event));
    if (resume === undefined || offset < resume.offset) return { reopened: [], own: [], first: 0 };
    // The resume point's own event: the chunks the client did not get. (An event of several
    // chunks never opens or closes a part, so what is open now is what the client has open.)
    live = true;
    const first = resume.sent ?? all.length;
    if (first >= all.length) {
      reopenPending = true;
      return { reopened: [], own: [], first: 0 };
    }
    return { reopened: translation.reopen(`${offset}#${first}`), own: all.slice(first), first };
  };

  const frame = (
    { reopened, own, first }: { reopened: UiMessageChunk[]; own: UiMessageChunk[]; first: number },
    offset: string,
  ): string => {
    const count = first + own.length;
    let out = '';
    for (const chunk of reopened) out += sse(chunk, undefined);
    own.forEach((chunk, index) => {
      const sent = first + index + 1;
      // An AI SDK client keeps a step-start part only once a later chunk updates the message:
      // with no id of its own, a client cut off right after it is sent it again on resume.
      const id =
        chunk.type === 'start-step' ? undefined : sent === count ? offset : `${offset}#${sent}`;
      out += sse(chunk, id);
    });
    return out;
  };

  return {
    chunks(event, offset) {
      const { reopened, own } = step([event], offset);
      return [...reopened, ...own];
    },
    encode(event, offset) {
      return frame(step([event], offset), offset);
    },
    encodeSnapshot(events, offset) {
      return frame(step(events, offset), offset);
    },
    get done() {
      return translation.done;
    },
    end() {
      return 'data: [DONE]\n\n';
    },
  };
}

/**
 * Encodes a whole sequence of a run's events (with their offsets) as a UI message stream body,
 * ending with `data: [DONE]` when the run has ended. One {@link createUiMessageStreamEncoder}
 * call for a sequence read at once (a catch-up read, a test).
 *
 * @throws AgentryError `invalid_request` for offsets out of order or a `lastEventId` this stream
 *   could not have sent
 *
 * @example
 * ```ts
 * import { encodeUiMessageStream } from '@agentry/realtime';
 *
 * const body = encodeUiMessageStream([
 *   { offset: '000000000001_0000000000000001', event: { type: 'RUN_STARTED', threadId: 't', runId: 'run-1' } },
 *   { offset: '000000000001_0000000000000002', event: { type: 'TEXT_MESSAGE_START', messageId: 'm', role: 'assistant' } },
 *   { offset: '000000000001_0000000000000003', event: { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'Hi' } },
 *   { offset: '000000000001_0000000000000004', event: { type: 'TEXT_MESSAGE_END', messageId: 'm' } },
 *   { offset: '000000000001_0000000000000005', event: { type: 'RUN_FINISHED', threadId: 't', runId: 'run-1' } },
 * ]);
 * console.log(body.endsWith('data: [DONE]\n\n')); // true
 * ```
 */
export function encodeUiMessageStream(
  entries: Iterable<{ readonly event: AgUiEvent; readonly offset: string }>,
  options: UiMessageStreamEncoderOptions = {},
): string {
  const encoder = createUiMessageStreamEncoder(options);
  let body = '';
  for (const { event, offset } of entries) body += encoder.encode(event, offset);
  return encoder.done ? body + encoder.end() : body;
}
