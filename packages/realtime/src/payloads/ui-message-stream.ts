import { AgentryError } from '@agentry/core';
import type { AgUiEvent } from './ag-ui-types.js';
import { applyJsonPatch } from './json-patch.js';

/**
 * The header (name and value) that tells an AI SDK client (`useChat`, `DefaultChatTransport`) a
 * response is a UI message stream, version 1.
 *
 * @example
 * ```ts
 * import { UI_MESSAGE_STREAM_HEADER } from '@agentry/realtime';
 *
 * console.log(`${UI_MESSAGE_STREAM_HEADER.name}: ${UI_MESSAGE_STREAM_HEADER.value}`); // x-vercel-ai-ui-message-stream: v1
 * ```
 */
export const UI_MESSAGE_STREAM_HEADER = {
  name: 'x-vercel-ai-ui-message-stream',
  value: 'v1',
} as const;

/**
 * The response headers of a UI message stream served over SSE.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { UI_MESSAGE_STREAM_HEADERS } from '@agentry/realtime';
 *
 * createServer((request, response) => {
 *   response.writeHead(200, UI_MESSAGE_STREAM_HEADERS);
 *   response.end('data: [DONE]\n\n');
 * });
 * ```
 */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  [UI_MESSAGE_STREAM_HEADER.name]: UI_MESSAGE_STREAM_HEADER.value,
};

/**
 * One chunk of an AI SDK UI message stream (v1), as the encoder writes it: the subset of the AI
 * SDK's `UIMessageChunk` that Agentry produces.
 *
 * @example
 * ```ts
 * import type { UiMessageChunk } from '@agentry/realtime';
 *
 * const chunks: UiMessageChunk[] = [
 *   { type: 'start', messageId: 'run-1' },
 *   { type: 'text-start', id: 'run-1:1.1:0' },
 *   { type: 'text-delta', id: 'run-1:1.1:0', delta: 'Hello' },
 *   { type: 'text-end', id: 'run-1:1.1:0' },
 *   { type: 'finish', finishReason: 'stop' },
 * ];
 * console.log(chunks.length);
 * ```
 */
export type UiMessageChunk =
  | { type: 'start'; messageId?: string }
  | { type: 'finish'; finishReason?: 'stop' | 'error' | 'other' }
  | { type: 'abort'; reason?: string }
  | { type: 'error'; errorText: string }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'text-start'; id: string; providerMetadata?: AgentryProviderMetadata }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string; providerMetadata?: AgentryProviderMetadata }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  | { type: 'tool-input-delta'; toolCallId: string; inputTextDelta: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: `data-${string}`; id?: string; data: unknown; transient?: boolean };

/**
 * The provider metadata Agentry puts on text and reasoning parts: the AG-UI message id, so a UI
 * can hide the parts a failed model attempt streamed (`data-agentry.model-error` names them).
 *
 * @example
 * ```ts
 * import type { AgentryProviderMetadata } from '@agentry/realtime';
 *
 * const metadata: AgentryProviderMetadata = { agentry: { messageId: 'run-1:2.1:0' } };
 * console.log(metadata.agentry.messageId);
 * ```
 */
export interface AgentryProviderMetadata {
  /** Agentry's keys. */
  agentry: {
    /** The AG-UI message the part streams. */
    messageId: string;
  };
}

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
  /** The chunks for one event, without SSE framing (what `encode` frames). */
  chunks(event: AgUiEvent, offset: string): UiMessageChunk[];
  /** Whether the run has ended (`finish` or `abort` was written): the stream can be closed. */
  readonly done: boolean;
  /** The stream's last line, `data: [DONE]`. */
  end(): string;
}

const sse = (chunk: UiMessageChunk, id: string | undefined): string =>
  `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(chunk)}\n\n`;

const parseJson = (text: string): unknown => {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

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
 * holds them).
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
 * import type { RealtimeLog } from '@agentry/core';
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
  // What the client's message holds so far. `text` and `reasoning`: open parts, AG-UI message id →
  // the part id the client knows (the message id, or a new id for a part continued after a
  // resume). `calls`: tool calls seen, id → name and arguments so far, dropped at their result.
  const text = new Map<string, string>();
  const reasoning = new Map<string, string>();
  const calls = new Map<string, { name: string; args: string }>();
  const errors = new Set<string>();
  let started = false;
  let state: unknown;
  let done = false;
  let lastOffset: string | undefined;
  // Whether chunks are written yet: false until the resume point is passed.
  let live = resume === undefined;
  // Set when the resume point is passed: the parts open there are re-opened with the next event.
  let reopenPending = false;

  const translate = (event: AgUiEvent): UiMessageChunk[] => {
    switch (event.type) {
      case 'RUN_STARTED':
        done = false;
        if (started) return [];
        started = true;
        return [{ type: 'start', messageId: event.runId }];
      case 'STEP_STARTED':
        return [{ type: 'start-step' }];
      case 'STEP_FINISHED':
        return [{ type: 'finish-step' }];
      case 'TEXT_MESSAGE_START':
        if (event.role !== 'assistant') return [];
        text.set(event.messageId, event.messageId);
        return [
          {
            type: 'text-start',
            id: event.messageId,
            providerMetadata: { agentry: { messageId: event.messageId } },
          },
        ];
      case 'TEXT_MESSAGE_CONTENT': {
        const id = text.get(event.messageId);
        return id === undefined ? [] : [{ type: 'text-delta', id, delta: event.delta }];
      }
      case 'TEXT_MESSAGE_END': {
        const id = text.get(event.messageId);
        text.delete(event.messageId);
        return id === undefined ? [] : [{ type: 'text-end', id }];
      }
      case 'REASONING_MESSAGE_START':
        reasoning.set(event.messageId, event.messageId);
        return [
          {
            type: 'reasoning-start',
            id: event.messageId,
            providerMetadata: { agentry: { messageId: event.messageId } },
          },
        ];
      case 'REASONING_MESSAGE_CONTENT': {
        const id = reasoning.get(event.messageId);
        return id === undefined ? [] : [{ type: 'reasoning-delta', id, delta: event.delta }];
      }
      case 'REASONING_MESSAGE_END': {
        const id = reasoning.get(event.messageId);
        reasoning.delete(event.messageId);
        return id === undefined ? [] : [{ type: 'reasoning-end', id }];
      }
      case 'REASONING_START':
      case 'REASONING_END':
        return [];
      case 'TOOL_CALL_START':
        calls.set(event.toolCallId, { name: event.toolCallName, args: '' });
        return [
          { type: 'tool-input-start', toolCallId: event.toolCallId, toolName: event.toolCallName },
        ];
      case 'TOOL_CALL_ARGS': {
        const call = calls.get(event.toolCallId);
        if (call === undefined) return [];
        call.args += event.delta;
        return [
          { type: 'tool-input-delta', toolCallId: event.toolCallId, inputTextDelta: event.delta },
        ];
      }
      case 'TOOL_CALL_END': {
        const call = calls.get(event.toolCallId);
        if (call === undefined) return [];
        return [
          {
            type: 'tool-input-available',
            toolCallId: event.toolCallId,
            toolName: call.name,
            input: parseJson(call.args),
          },
        ];
      }
      case 'TOOL_CALL_RESULT': {
        if (!calls.delete(event.toolCallId)) return [];
        const agentry = event.metadata?.agentry as { isError?: unknown } | undefined;
        if (agentry?.isError === true) {
          return [
            { type: 'tool-output-error', toolCallId: event.toolCallId, errorText: event.content },
          ];
        }
        return [
          {
            type: 'tool-output-available',
            toolCallId: event.toolCallId,
            output: parseJson(event.content),
          },
        ];
      }
      case 'STATE_SNAPSHOT':
        state = structuredClone(event.snapshot);
        return [{ type: 'data-agentry.state', id: 'state', data: state }];
      case 'STATE_DELTA':
        try {
          state = applyJsonPatch(state, event.delta);
        } catch {
          // A delta that does not apply leaves the state as it was; the stream goes on.
          return [];
        }
        return [{ type: 'data-agentry.state', id: 'state', data: state }];
      case 'MESSAGES_SNAPSHOT':
        // A UI message stream tells one answer from its start; a snapshot is for AG-UI joiners.
        return [];
      case 'CUSTOM': {
        const transient = event.name === 'agentry.status' || event.name === 'agentry.metrics';
        if (event.name === 'agentry.model-error') {
          const ids = (event.value as { discardedMessageIds?: unknown } | null)
            ?.discardedMessageIds;
          if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') errors.add(id);
        }
        return [
          {
            type: `data-${event.name}`,
            data: event.value ?? null,
            ...(transient ? { transient } : {}),
          },
        ];
      }
      case 'RUN_FINISHED': {
        done = true;
        const outcome = event.outcome;
        if (outcome?.type === 'cancelled') {
          const reason = (event.metadata?.agentry as { reason?: unknown } | undefined)?.reason;
          return [{ type: 'abort', ...(typeof reason === 'string' ? { reason } : {}) }];
        }
        if (outcome?.type === 'interrupt') {
          return [
            {
              type: 'data-agentry.interrupt',
              id: event.runId,
              data: { interrupts: outcome.interrupts },
            },
            { type: 'finish', finishReason: 'other' },
          ];
        }
        return [{ type: 'finish', finishReason: 'stop' }];
      }
      case 'RUN_ERROR':
        done = true;
        return [
          { type: 'error', errorText: event.message },
          { type: 'finish', finishReason: 'error' },
        ];
    }
  };

  /** The parts the client still has open at the resume point continue under new ids. */
  const reopen = (offset: string): UiMessageChunk[] => {
    const out: UiMessageChunk[] = [];
    for (const [messageId] of text) {
      const id = `${messageId}@${offset}`;
      text.set(messageId, id);
      out.push({ type: 'text-start', id, providerMetadata: { agentry: { messageId } } });
    }
    for (const [messageId] of reasoning) {
      const id = `${messageId}@${offset}`;
      reasoning.set(messageId, id);
      out.push({ type: 'reasoning-start', id, providerMetadata: { agentry: { messageId } } });
    }
    return out;
  };

  /**
   * One event's chunks: `reopened` (parts continued after a resume, sent without an id) and the
   * event's own chunks from the `first` (0-based) on.
   */
  const step = (
    event: AgUiEvent,
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
      const reopened = reopenPending ? reopen(offset) : [];
      reopenPending = false;
      return { reopened, own: translate(event), first: 0 };
    }
    // Up to the resume point the state is kept and nothing is written.
    const all = translate(event);
    if (resume === undefined || offset < resume.offset) return { reopened: [], own: [], first: 0 };
    // The resume point's own event: the chunks the client did not get. (An event of several
    // chunks never opens or closes a part, so what is open now is what the client has open.)
    live = true;
    const first = resume.sent ?? all.length;
    if (first >= all.length) {
      reopenPending = true;
      return { reopened: [], own: [], first: 0 };
    }
    return { reopened: reopen(`${offset}#${first}`), own: all.slice(first), first };
  };

  return {
    chunks(event, offset) {
      const { reopened, own } = step(event, offset);
      return [...reopened, ...own];
    },
    encode(event, offset) {
      const { reopened, own, first } = step(event, offset);
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
    },
    get done() {
      return done;
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
