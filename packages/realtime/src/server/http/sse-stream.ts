import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RealtimeChannelInfo, RealtimeEntry } from '@agentry/core';
import { REALTIME_SSE_OFFSETS_FIELD, realtimeHeaders } from '../../protocol.js';
import { acceptsGzip, securityHeaders, startBody } from './http-io.js';
import { entryBytes, entryText, sseDataLines, streamKind } from './stream-format.js';
import { readAfter, type StreamsContext } from './streams-handler.js';

/** @internal */
export interface SseRequest {
  readonly channel: string;
  readonly info: RealtimeChannelInfo;
  /** Read after this offset (`-1`, `now`, or an offset). */
  readonly from: string;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly cursor: () => string;
}

/**
 * Serves a channel as Server-Sent Events, Durable Streams style: each batch of entries is an
 * `event: data` (with `id:` = its last offset, so `Last-Event-ID` resumes) followed by an
 * `event: control` carrying `streamNextOffset`, `streamCursor`, `upToDate` and `streamClosed`;
 * on a JSON channel the control also lists each entry's offset (`agentryOffsets`, which Durable
 * Streams clients ignore), since Durable Streams pairs every data event with a control event and
 * one entry per data event would double the events of a token stream.
 * A comment line is sent every heartbeat; the response ends after `sseReconnectAfter` (the client
 * reconnects from its last offset), when the channel closes, or when the server closes.
 *
 * Order without a hole: the watcher is installed before the catch-up read; entries it delivers
 * while catching up are queued and those at or below the last offset sent are dropped.
 *
 * @internal
 */
export async function serveSse(context: StreamsContext, sse: SseRequest): Promise<void> {
  const { channel, info, request, response } = sse;
  const kind = streamKind(info.contentType);
  const gzip = context.compression('sse') && acceptsGzip(request);
  let lastOffset = '';
  let ended = false;
  let catchingUp = true;
  const queued: RealtimeEntry[] = [];

  const stopWatching = context.log.watch(channel, (entries) => {
    if (ended) return;
    if (entries.length === 0) {
      // Closed or deleted: read to learn which, once caught up.
      if (!catchingUp) pump().catch(fail);
      return;
    }
    if (catchingUp) queued.push(...entries);
    else
      send(
        entries.filter((entry) => entry.offset > lastOffset),
        false,
      );
  });

  let writer: ReturnType<typeof startBody> | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(reconnect);
    stopWatching();
    release();
    writer?.end();
  };
  const release = context.holdLive(end);
  // A read that fails once the stream is open (the channel deleted, the log closed) ends the
  // stream; the client reconnects and gets the error as an HTTP status.
  const fail = (error: unknown) => {
    context.logger?.debug(
      { channel, error: error instanceof Error ? error.message : String(error) },
      'SSE stream ended by a failed read',
    );
    end();
  };
  const heartbeat = setInterval(() => writer?.write(': keep-alive\n\n'), context.heartbeatInterval);
  const reconnect = setTimeout(end, context.sseReconnectAfter);
  request.once('close', end);

  const control = (
    nextOffset: string,
    upToDate: boolean,
    closed: boolean,
    entries?: readonly RealtimeEntry[],
  ) => {
    const offsets =
      kind === 'json' && entries !== undefined
        ? { [REALTIME_SSE_OFFSETS_FIELD]: entries.map((entry) => entry.offset) }
        : {};
    const body = closed
      ? { streamNextOffset: nextOffset, streamClosed: true, upToDate: true, ...offsets }
      : {
          streamNextOffset: nextOffset,
          streamCursor: sse.cursor(),
          ...(upToDate ? { upToDate: true } : {}),
          ...offsets,
        };
    return `event: control\n${sseDataLines(JSON.stringify(body))}\n`;
  };
  const dataEvent = (entries: readonly RealtimeEntry[]) => {
    const last = entries[entries.length - 1]!.offset;
    const payload =
      kind === 'json'
        ? `[${entries.map(entryText).join(',')}]`
        : kind === 'text'
          ? entries.map(entryText).join('')
          : Buffer.concat(entries.map((entry) => entryBytes(entry))).toString('base64');
    return `event: data\nid: ${last}\n${sseDataLines(payload)}\n`;
  };
  function send(entries: readonly RealtimeEntry[], closed: boolean): void {
    if (ended || entries.length === 0) return;
    lastOffset = entries[entries.length - 1]!.offset;
    writer?.write(dataEvent(entries) + control(lastOffset, true, closed, entries));
  }

  async function pump(): Promise<void> {
    // Reads to the tail, then says whether the channel is closed; ends the response if it is.
    for (;;) {
      const page = await readAfter(context, channel, lastOffset || sse.from);
      const fresh = page.entries.filter((entry) => entry.offset > lastOffset);
      if (fresh.length > 0) {
        lastOffset = fresh[fresh.length - 1]!.offset;
        writer?.write(dataEvent(fresh) + control(lastOffset, page.upToDate, page.closed, fresh));
      } else if (lastOffset === '') {
        lastOffset = page.nextOffset;
        writer?.write(control(page.nextOffset, page.upToDate, page.closed));
      } else if (page.closed) {
        writer?.write(control(page.nextOffset, true, true));
      }
      if (page.closed) {
        end();
        return;
      }
      if (page.upToDate) return;
    }
  }

  try {
    // The first read validates the offset before any header is sent, so a gone or bad offset is
    // a 410 or 400 with an AgentryError body, not a broken stream.
    const first = await readAfter(context, channel, sse.from);
    const headers: Record<string, string> = {
      ...securityHeaders,
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      [realtimeHeaders.epoch]: info.epoch,
    };
    if (kind === 'binary') headers['Stream-SSE-Data-Encoding'] = 'base64';
    writer = startBody(response, 200, headers, gzip);
    response.flushHeaders();
    if (first.entries.length > 0) {
      lastOffset = first.entries[first.entries.length - 1]!.offset;
      writer.write(
        dataEvent(first.entries) + control(lastOffset, first.upToDate, first.closed, first.entries),
      );
    } else {
      lastOffset = first.nextOffset;
      writer.write(control(first.nextOffset, first.upToDate, first.closed));
    }
    if (first.closed) {
      end();
      return;
    }
    if (!first.upToDate) await pump();
    catchingUp = false;
    send(
      queued.filter((entry) => entry.offset > lastOffset),
      false,
    );
    queued.length = 0;
    // A close that came while catching up shows on a last read.
    if (!ended) await pump();
  } catch (error) {
    end();
    throw error;
  }
}
