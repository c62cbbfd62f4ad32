import type { ServerResponse } from 'node:http';
import { globalTimers, type MockTimers } from '../mock-model/mock-timers.js';
import { resolveFailure } from './emulator-errors.js';
import type {
  EmulatorFailure,
  EmulatorReply,
  EmulatorRequest,
  NormalizedReply,
  SseEvent,
  WireFormat,
} from './emulator-types.js';
import { normalizeReply, type NormalizeReplyContext } from './normalize-reply.js';
import { streamCut } from './stream-cut.js';

/** What answering one request needs. @internal */
export interface TurnWriter {
  /** The response to write. */
  readonly response: ServerResponse;
  /** Aborts when the client goes away or the server closes: writing stops and timers clear. */
  readonly signal: AbortSignal;
  /** The timers delays wait on. */
  readonly timers: MockTimers;
  /** Id and clock sources for replies. */
  readonly context: NormalizeReplyContext;
}

/**
 * Writes a scripted failure: after `delayMs`, the status, the headers and the vendor's error body
 * (or the raw `body`: an object as JSON, a string as is, as `text/plain` unless the headers say
 * otherwise).
 *
 * @internal
 */
export async function writeFailure(
  writer: TurnWriter,
  format: WireFormat,
  failure: EmulatorFailure,
): Promise<void> {
  const { response, signal } = writer;
  await pause(failure.delayMs, writer.timers, signal);
  if (signal.aborted) return;
  const resolved = resolveFailure(failure);
  let payload: string;
  let contentType = 'application/json';
  if (typeof failure.body === 'string') {
    payload = failure.body;
    contentType = 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(failure.body ?? format.errorBody(resolved));
  }
  response.statusCode = failure.status;
  response.setHeader('content-type', contentType);
  for (const [name, value] of Object.entries(failure.headers ?? {}))
    response.setHeader(name, value);
  response.end(payload);
}

/**
 * Writes a scripted reply: after `delayMs`, a JSON body, or for a stream the format's events as
 * server-sent events with `chunkDelayMs` between them (each preceded by the raw `sseFields`
 * lines, and with a `splice`d reply's events after `splice.afterChunks`), cut short by
 * `resetAfterChunks`, `malformedAfterChunks`, `stallAfterChunks` or `streamError` (the earliest
 * wins; a count past the last event applies after it).
 *
 * @internal
 */
export async function writeReply(
  writer: TurnWriter,
  format: WireFormat,
  reply: EmulatorReply,
  request: EmulatorRequest,
): Promise<void> {
  const { response, signal, timers } = writer;
  await pause(reply.delayMs, timers, signal);
  if (signal.aborted) return;
  const normalized = normalizeReply(reply, request, writer.context);
  if (!request.stream) {
    response.statusCode = 200;
    response.setHeader('content-type', 'application/json');
    for (const [name, value] of Object.entries(reply.headers ?? {}))
      response.setHeader(name, value);
    response.end(JSON.stringify(format.replyBody(normalized, request)));
    return;
  }

  const plan = planStream(format, reply, streamEvents(writer, format, reply, request, normalized));
  response.statusCode = 200;
  response.setHeader('content-type', 'text/event-stream');
  response.setHeader('cache-control', 'no-cache');
  response.setHeader('connection', 'keep-alive');
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  response.flushHeaders();

  const frames = plan.map((step, index): StreamFrame => {
    if (step.kind === 'event') {
      return {
        kind: 'write',
        text: fieldsBefore(reply.sseFields, index) + formatEvent(step.event),
      };
    }
    return step.kind === 'malformed' ? { kind: 'last', text: 'data: {not json\n\n' } : step;
  });
  await writeFrames(writer, frames, reply.chunkDelayMs);
}

/**
 * One step of a streamed body: a chunk to write, a last chunk after which the body ends, a reset
 * (the connection destroyed), or a stall (nothing more, the connection left open).
 *
 * @internal
 */
export type StreamFrame =
  | { kind: 'write'; text: string }
  | { kind: 'last'; text: string }
  | { kind: 'reset' }
  | { kind: 'stall' };

/**
 * Writes a streamed body whose headers are sent: each frame after `chunkDelayMs`, each write
 * waited for, and the body ended after the last frame unless a reset or a stall came first.
 * Stops as soon as `writer.signal` aborts.
 *
 * @internal
 */
export async function writeFrames(
  writer: TurnWriter,
  frames: readonly StreamFrame[],
  chunkDelayMs: number | undefined,
): Promise<void> {
  const { response, signal, timers } = writer;
  for (const [index, step] of frames.entries()) {
    if (index > 0) await pause(chunkDelayMs, timers, signal);
    if (signal.aborted) return;
    if (step.kind === 'reset') {
      // A reset (RST) rather than a clean close, so the client sees ECONNRESET mid-body. A reset
      // right after a write can discard data the client has not read yet, so give it a moment.
      await pause(resetGraceMs, globalTimers, signal);
      if (!signal.aborted) response.socket?.resetAndDestroy();
      return;
    }
    if (step.kind === 'last') {
      response.end(step.text);
      return;
    }
    if (step.kind === 'stall') {
      // Not a byte more, and no end: the client's own timeout or abort must end the call.
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return;
    }
    // Waiting for each write to reach the socket keeps a later reset from discarding it.
    await write(response, step.text, signal);
  }
  if (!signal.aborted) response.end();
}

/** How long a reset waits after the last write, so the client reads what came before it. */
const resetGraceMs = 10;

type StreamStep =
  | { kind: 'event'; event: SseEvent }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'stall' };

/** The reply's events, with those of a spliced reply after `splice.afterChunks` of them. */
function streamEvents(
  writer: TurnWriter,
  format: WireFormat,
  reply: EmulatorReply,
  request: EmulatorRequest,
  normalized: NormalizedReply,
): SseEvent[] {
  const events = format.replyEvents(normalized, request);
  const splice = reply.splice;
  if (splice === undefined) return events;
  const other = format.replyEvents(normalizeReply(splice.reply, request, writer.context), request);
  const at = Math.min(Math.max(0, Math.floor(splice.afterChunks)), events.length);
  return [...events.slice(0, at), ...other];
}

/** The raw lines of `sseFields` before the event at `index`, with `{n}` its number from 1. */
function fieldsBefore(fields: readonly string[] | undefined, index: number): string {
  if (fields === undefined || fields.length === 0) return '';
  const number = String(index + 1);
  return fields.map((line) => `${line.replaceAll('{n}', number)}\n`).join('');
}

function planStream(format: WireFormat, reply: EmulatorReply, events: SseEvent[]): StreamStep[] {
  const steps: StreamStep[] = events.map((event) => ({ kind: 'event', event }));
  const cut = streamCut(reply, events.length);
  if (cut === undefined) return steps;
  const last: StreamStep =
    cut.kind === 'error'
      ? { kind: 'event', event: format.streamErrorEvent(resolveFailure(cut.failure)) }
      : { kind: cut.kind };
  return [...steps.slice(0, cut.afterEvents), last];
}

/**
 * One server-sent event: an `event:` line when the event is named, a `data:` line per line of the
 * data, and a blank line.
 *
 * @internal
 */
export function formatEvent(event: SseEvent): string {
  const name = event.event === undefined ? '' : `event: ${event.event}\n`;
  const data = event.data
    .split('\n')
    .map((line) => `data: ${line}\n`)
    .join('');
  return `${name}${data}\n`;
}

function write(response: ServerResponse, chunk: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    response.write(chunk, done);
  });
}

/** Waits `ms` milliseconds, or less if `signal` aborts; clears the timer either way. @internal */
export function pause(
  ms: number | undefined,
  timers: MockTimers,
  signal: AbortSignal,
): Promise<void> {
  if (ms === undefined || ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      timers.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
