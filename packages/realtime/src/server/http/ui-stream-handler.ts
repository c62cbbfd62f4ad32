import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentryError, assertChannelName, REALTIME_START, type RealtimeEntry } from '@agentry/core';
import type { AgUiEvent } from '../../payloads/index.js';
import { createUiMessageStreamEncoder, UI_MESSAGE_STREAM_HEADERS } from '../../payloads/index.js';
import { acceptsGzip, securityHeaders, sendError, startBody } from './http-io.js';
import { entryText, streamKind } from './stream-format.js';
import { readAfter, type StreamsContext } from './streams-handler.js';

/**
 * Serves `GET {base}/ui-stream/{channel}`: a run's channel (AG-UI events) as the AI SDK UI message
 * stream (SSE, `x-vercel-ai-ui-message-stream: v1`), so `useChat` reads an Agentry run with no
 * custom code. The whole run is encoded from its first entry; a client that resumes with
 * `Last-Event-ID` gets only what follows that id (the encoder skips what it already had). The
 * response ends with `data: [DONE]` once the run has finished, or when the channel closes.
 *
 * A channel whose first entries retention already dropped cannot be encoded from its start: it is
 * answered `410` (`offset_gone`), never a message with a silent hole.
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

    const first = await readAfter(context, channel, REALTIME_START);
    if (first.truncated) {
      throw new AgentryError({
        code: 'offset_gone',
        message: `The start of run channel ${JSON.stringify(channel)} is no longer kept, so it cannot be served as one UI message.`,
        details: { channel, retainedAfter: info.retainedAfter, epoch: info.epoch },
        suggestions: [
          'Load the finished conversation from the application store, or read the channel from its snapshot over the streams route.',
        ],
      });
    }
    out.writer = startBody(
      response,
      200,
      { ...securityHeaders, ...UI_MESSAGE_STREAM_HEADERS },
      context.compression('sse') && acceptsGzip(request),
    );
    response.flushHeaders();
    encode(first.entries);
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
