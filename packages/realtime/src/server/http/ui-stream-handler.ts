import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentryError, assertChannelName, REALTIME_START, type RealtimeEntry } from '@agentry/core';
import type { AgUiEvent } from '../../payloads/index.js';
import { createUiMessageStreamEncoder, UI_MESSAGE_STREAM_HEADERS } from '../../payloads/index.js';
import { acceptsGzip, securityHeaders, sendError, startBody } from './http-io.js';
import { usableSnapshot } from './gap-snapshot.js';
import { entryText, streamKind } from './stream-format.js';
import { readAfter, type StreamsContext } from './streams-handler.js';

/**
 * Serves `GET {base}/ui-stream/{channel}`: a run's channel (AG-UI events) as the AI SDK UI message
 * stream (SSE, `x-vercel-ai-ui-message-stream: v1`), so `useChat` reads an Agentry run with no
 * custom code. The whole run is encoded from its first entry; a client that resumes with
 * `Last-Event-ID` gets only what follows that id (the encoder skips what it already had). The
 * response ends with `data: [DONE]` once the run has finished, or when the channel closes.
 *
 * A channel whose first entries retention already dropped is encoded from its snapshot (the run
 * plug-in stores one as a JSON array of AG-UI events): the answer so far, then the entries after
 * the snapshot's offset; a client resuming with `Last-Event-ID` at or after the snapshot's offset
 * gets only what follows. Without a snapshot that reaches the retained entries, or for a resume from
 * before the snapshot (the client would get text twice), it is answered `410` (`offset_gone`),
 * never a message with a silent hole.
 *
 * @internal
 */
export async function handleUiStream(
  context: StreamsContext,
  channel: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let stop: (() => void) | undefined;
  try {
    assertChannelName(channel);
    const principal = await context.auth.authenticate(request);
    if (request.method !== 'GET') {
      response.writeHead(405, { ...securityHeaders, allow: 'GET' });
      response.end();
      return;
    }
    await context.auth.authorize(principal, 'channel.read', channel);
    const info = await context.log.info(channel);
    if (info === undefined) {
      throw new AgentryError({
        code: 'not_found',
        message: `No realtime channel ${JSON.stringify(channel)}.`,
        details: { channel },
        suggestions: ['Check the run id; a run that never started has no channel.'],
      });
    }
    if (streamKind(info.contentType) !== 'json') {
      throw new AgentryError({
        code: 'validation_failed',
        message: `Channel ${JSON.stringify(channel)} holds ${info.contentType}, not AG-UI events (JSON); it has no UI message stream.`,
        details: { channel, contentType: info.contentType },
        suggestions: [`Read it from the streams route instead.`],
      });
    }
    const lastEventId = request.headers['last-event-id'];
    const encoder = createUiMessageStreamEncoder(
      typeof lastEventId === 'string' && lastEventId.length > 0 ? { lastEventId } : {},
    );

    let lastOffset = REALTIME_START;
    let ended = false;
    let catchingUp = true;
    const queued: RealtimeEntry[] = [];
    // Set once the headers are sent; the closures above may run before that.
    const out: { writer?: ReturnType<typeof startBody> } = {};
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      stopWatching();
      release();
      out.writer?.end(encoder.done ? encoder.end() : undefined);
    };
    stop = end;
    const encode = (entries: readonly RealtimeEntry[]) => {
      let text = '';
      for (const entry of entries) {
        if (entry.offset <= lastOffset && lastOffset !== REALTIME_START) continue;
        lastOffset = entry.offset;
        text += encoder.encode(JSON.parse(entryText(entry)) as AgUiEvent, entry.offset);
      }
      if (text.length > 0) out.writer?.write(text);
      if (encoder.done) end();
    };
    const drain = async (): Promise<void> => {
      for (;;) {
        const page = await readAfter(context, channel, lastOffset);
        encode(page.entries);
        if (ended) return;
        if (page.closed) return end();
        if (page.upToDate) return;
      }
    };
    const stopWatching = context.log.watch(channel, (entries) => {
      if (ended) return;
      if (catchingUp) queued.push(...entries);
      else if (entries.length > 0) encode(entries);
      else drain().catch(() => end());
    });
    const release = context.holdLive(end);
    const heartbeat = setInterval(
      () => out.writer?.write(': keep-alive\n\n'),
      context.heartbeatInterval,
    );
    request.once('close', end);

    let first = await readAfter(context, channel, REALTIME_START);
    let start: { events: AgUiEvent[]; offset: string } | undefined;
    if (first.truncated) {
      // The run's start is gone: begin from the snapshot, then the entries after it.
      const retainedAfter = (await context.log.info(channel))?.retainedAfter ?? info.retainedAfter;
      start = await runSnapshot(context, channel, retainedAfter);
      if (start === undefined) {
        throw new AgentryError({
          code: 'offset_gone',
          message: `The start of run channel ${JSON.stringify(channel)} is no longer kept and it has no snapshot that reaches the kept entries, so it cannot be served as one UI message.`,
          details: { channel, retainedAfter, epoch: info.epoch },
          suggestions: [
            'Load the finished conversation from the application store.',
            'Keep more of each run (a larger retention) or snapshot more often (the plug-in’s snapshot interval).',
          ],
        });
      }
      // A client that resumes from before the snapshot lacks what lies between its last event
      // and the snapshot; the snapshot holds whole messages, so it would get text twice.
      const resumedAt =
        typeof lastEventId === 'string' && lastEventId.length > 0
          ? lastEventId.split('#', 1)[0]!
          : undefined;
      if (resumedAt !== undefined && resumedAt < start.offset) {
        throw new AgentryError({
          code: 'offset_gone',
          message: `Run channel ${JSON.stringify(channel)} no longer keeps what follows Last-Event-ID ${JSON.stringify(lastEventId)}: its snapshot is as of ${start.offset}, later than that.`,
          details: {
            channel,
            lastEventId,
            snapshot: start.offset,
            retainedAfter,
            epoch: info.epoch,
          },
          suggestions: [
            'Read the run again without Last-Event-ID (a new message from its snapshot), or load the finished conversation from the application store.',
          ],
        });
      }
      first = await readAfter(context, channel, start.offset);
    }
    out.writer = startBody(
      response,
      200,
      { ...securityHeaders, ...UI_MESSAGE_STREAM_HEADERS },
      context.compression('sse') && acceptsGzip(request),
    );
    response.flushHeaders();
    if (start !== undefined) {
      lastOffset = start.offset;
      const text = encoder.encodeSnapshot(start.events, start.offset);
      if (text.length > 0) out.writer.write(text);
      if (encoder.done) end();
    }
    if (!ended) encode(first.entries);
    if (!ended && first.closed) end();
    if (!ended && !first.upToDate) await drain();
    catchingUp = false;
    if (!ended) encode(queued.splice(0));
    if (!ended) await drain();
  } catch (error) {
    stop?.();
    sendError(response, error, context.logger);
  }
}

/**
 * The run's snapshot as AG-UI events, when it reaches the entries kept (`retainedAfter`) and is
 * what the run plug-in stores (a JSON array of events); else `undefined`.
 */
async function runSnapshot(
  context: StreamsContext,
  channel: string,
  retainedAfter: string,
): Promise<{ events: AgUiEvent[]; offset: string } | undefined> {
  const snapshot = await usableSnapshot(context.log, channel, retainedAfter);
  if (snapshot === undefined) return undefined;
  let events: unknown;
  try {
    events = JSON.parse(entryText(snapshot)) as unknown;
  } catch {
    events = undefined;
  }
  const valid =
    Array.isArray(events) &&
    events.every(
      (event) =>
        typeof event === 'object' &&
        event !== null &&
        typeof (event as { type?: unknown }).type === 'string',
    );
  if (!valid) {
    context.logger?.warn(
      { channel, offset: snapshot.offset },
      'realtime snapshot is not a JSON array of AG-UI events; the UI stream cannot start from it',
    );
    return undefined;
  }
  return { events: events as AgUiEvent[], offset: snapshot.offset };
}
