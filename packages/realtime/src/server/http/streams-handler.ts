import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AgentryError,
  assertChannelName,
  parseRealtimeOffset,
  REALTIME_NOW,
  REALTIME_START,
  type Logger,
  type RealtimeAppendOptions,
  type RealtimeChannelInfo,
  type RealtimeLog,
  type RealtimeReadResult,
} from '@agentry/core';
import { realtimeHeaders } from '../../protocol.js';
import type { RealtimeAuth } from '../auth/realtime-auth.js';
import type { RealtimePrincipal } from '../auth/realtime-ticket.js';
import { acceptsGzip, readBody, securityHeaders, sendError, startBody } from './http-io.js';
import { decodeAppendBody, encodeEntries, mediaType, streamKind } from './stream-format.js';
import { withGapSnapshot } from './gap-snapshot.js';
import { serveSse } from './sse-stream.js';

/** Durable Streams' headers this handler reads or writes, beyond {@link realtimeHeaders}. */
const headers = {
  ttl: 'stream-ttl',
  expiresAt: 'stream-expires-at',
  seq: 'stream-seq',
  cursor: 'Stream-Cursor',
  producerId: 'producer-id',
  producerEpoch: 'producer-epoch',
  producerSeq: 'producer-seq',
} as const;

/** Labels under which a channel created over HTTP keeps its Durable Streams TTL. */
const ttlLabel = 'stream.ttl';
/** Durable Streams' cursor interval: long-poll and SSE cursors are 20-second buckets. */
const cursorIntervalMs = 20_000;
/** Entries per catch-up response; the client reads on from `Stream-Next-Offset`. */
const pageSize = 1_000;
const integerPattern = /^(0|[1-9]\d*)$/;

/**
 * What the streams routes need from the server.
 *
 * @internal
 */
export interface StreamsContext {
  readonly log: RealtimeLog;
  readonly auth: RealtimeAuth;
  readonly logger?: Logger;
  readonly heartbeatInterval: number;
  readonly longPollTimeout: number;
  readonly sseReconnectAfter: number;
  readonly maxBodyBytes: number;
  readonly compression: (transport: 'http' | 'sse' | 'long_polling') => boolean;
  readonly now: () => number;
  /** Registers a live response (SSE, long-poll) so `close()` can end it; returns its removal. */
  readonly holdLive: (end: () => void) => () => void;
  /** Registers an append so `close()` waits for it. */
  readonly holdWrite: <T>(work: Promise<T>) => Promise<T>;
}

function badRequest(
  message: string,
  details: Record<string, unknown>,
  suggestion: string,
): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message,
    details,
    suggestions: [suggestion],
  });
}

function notFound(channel: string): AgentryError {
  return new AgentryError({
    code: 'not_found',
    message: `No realtime channel ${JSON.stringify(channel)}.`,
    details: { channel },
    suggestions: ['Create it first (PUT), or check the channel name.'],
  });
}

/** The channel's info, or `undefined` when it is missing or past its expiry (then deleted). */
async function liveInfo(
  context: StreamsContext,
  channel: string,
): Promise<RealtimeChannelInfo | undefined> {
  const info = await context.log.info(channel);
  if (info?.options.expiresAt !== undefined && info.options.expiresAt <= context.now()) {
    await context.log.delete(channel);
    return undefined;
  }
  return info;
}

function metadataHeaders(
  info: RealtimeChannelInfo,
  nextOffset: string,
  closed: boolean,
): Record<string, string> {
  const result: Record<string, string> = {
    ...securityHeaders,
    'content-type': info.contentType,
    [realtimeHeaders.nextOffset]: nextOffset,
    [realtimeHeaders.epoch]: info.epoch,
  };
  if (closed) result[realtimeHeaders.closed] = 'true';
  const ttl = info.options.labels[ttlLabel];
  if (ttl !== undefined) result['Stream-TTL'] = ttl;
  else if (info.options.expiresAt !== undefined)
    result['Stream-Expires-At'] = new Date(info.options.expiresAt).toISOString();
  return result;
}

/** A Durable Streams cursor: the current 20-second bucket, moved past the client's own so a CDN never serves a stale long-poll twice. */
function nextCursor(now: number, clientCursor: string | null): string {
  const bucket = Math.floor(now / cursorIntervalMs);
  const client =
    clientCursor !== null && integerPattern.test(clientCursor) ? Number(clientCursor) : -1;
  return String(client >= bucket ? client + 1 + Math.floor(Math.random() * 3) : bucket);
}

function singleHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses `Stream-TTL` / `Stream-Expires-At` as Durable Streams defines them (both: 400). */
function parseExpiry(request: IncomingMessage, now: number): { expiresAt?: number; ttl?: string } {
  const ttl = singleHeader(request, headers.ttl);
  const expires = singleHeader(request, headers.expiresAt);
  if (ttl !== undefined && expires !== undefined) {
    throw badRequest(
      'Stream-TTL and Stream-Expires-At were both given; use one.',
      { ttl, expiresAt: expires },
      'Send Stream-TTL (seconds) or Stream-Expires-At (an ISO 8601 time), not both.',
    );
  }
  if (ttl !== undefined) {
    if (!integerPattern.test(ttl) || !Number.isSafeInteger(Number(ttl))) {
      throw badRequest(
        `Stream-TTL ${JSON.stringify(ttl)} is not a whole number of seconds.`,
        { ttl },
        'Send Stream-TTL as digits without sign, leading zeros or exponent, such as 3600.',
      );
    }
    return { ttl, expiresAt: now + Number(ttl) * 1000 };
  }
  if (expires !== undefined) {
    const at = /^\d{4}-\d{2}-\d{2}T/.test(expires) ? Date.parse(expires) : Number.NaN;
    if (Number.isNaN(at)) {
      throw badRequest(
        `Stream-Expires-At ${JSON.stringify(expires)} is not an ISO 8601 time.`,
        { expiresAt: expires },
        'Send a time such as 2030-01-01T00:00:00Z.',
      );
    }
    return { expiresAt: at };
  }
  return {};
}

function isTrue(request: IncomingMessage, name: string): boolean {
  return singleHeader(request, name)?.toLowerCase() === 'true';
}

async function handleCreate(
  context: StreamsContext,
  principal: RealtimePrincipal,
  channel: string,
  request: IncomingMessage,
  response: ServerResponse,
  location: string,
): Promise<void> {
  await context.auth.authorize(principal, 'channel.create', channel);
  const contentType = singleHeader(request, 'content-type') ?? 'application/octet-stream';
  const expiry = parseExpiry(request, context.now());
  const close = isTrue(request, realtimeHeaders.closed.toLowerCase());
  const body = await readBody(request, context.maxBodyBytes);
  const entries = decodeAppendBody(contentType, body, true);
  const existing = await liveInfo(context, channel);
  if (existing !== undefined) {
    const same =
      mediaType(existing.contentType) === mediaType(contentType) &&
      existing.options.labels[ttlLabel] === expiry.ttl &&
      (expiry.ttl !== undefined || existing.options.expiresAt === expiry.expiresAt) &&
      existing.closed === close;
    if (!same) {
      throw new AgentryError({
        code: 'conflict',
        message: `Channel ${JSON.stringify(channel)} exists with another configuration (content type, expiry or closed state).`,
        details: { channel, contentType: existing.contentType },
        suggestions: ['Create it with the same configuration, or delete it first.'],
      });
    }
    response.writeHead(200, metadataHeaders(existing, existing.tailOffset, existing.closed));
    response.end();
    return;
  }
  const info = await context.holdWrite(
    (async () => {
      const created = await context.log.create(channel, {
        contentType,
        ...(expiry.expiresAt !== undefined ? { expiresAt: expiry.expiresAt } : {}),
        ...(expiry.ttl !== undefined ? { labels: { [ttlLabel]: expiry.ttl } } : {}),
      });
      if (entries.length === 0 && !close) return created;
      await context.log.append(channel, entries, { close });
      return (await context.log.info(channel)) ?? created;
    })(),
  );
  response.writeHead(201, { ...metadataHeaders(info, info.tailOffset, info.closed), location });
  response.end();
}

function producerOf(request: IncomingMessage): RealtimeAppendOptions['producer'] {
  const id = singleHeader(request, headers.producerId);
  const epoch = singleHeader(request, headers.producerEpoch);
  const seq = singleHeader(request, headers.producerSeq);
  if (id === undefined && epoch === undefined && seq === undefined) return undefined;
  if (id === undefined || epoch === undefined || seq === undefined || id.length === 0) {
    throw badRequest(
      'Producer-Id, Producer-Epoch and Producer-Seq go together, and Producer-Id is not empty.',
      { producerId: id, producerEpoch: epoch, producerSeq: seq },
      'Send all three producer headers, or none.',
    );
  }
  if (
    !integerPattern.test(epoch) ||
    !integerPattern.test(seq) ||
    !Number.isSafeInteger(Number(epoch)) ||
    !Number.isSafeInteger(Number(seq))
  ) {
    throw badRequest(
      `Producer-Epoch ${JSON.stringify(epoch)} and Producer-Seq ${JSON.stringify(seq)} must be non-negative integers.`,
      { producerEpoch: epoch, producerSeq: seq },
      'Send decimal digits without sign or leading zeros.',
    );
  }
  return { id, epoch: Number(epoch), seq: Number(seq) };
}

async function handleAppend(
  context: StreamsContext,
  principal: RealtimePrincipal,
  channel: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  await context.auth.authorize(principal, 'channel.append', channel);
  const producer = producerOf(request);
  const close = isTrue(request, realtimeHeaders.closed.toLowerCase());
  const writerSeq = singleHeader(request, headers.seq);
  const contentType = singleHeader(request, 'content-type');
  const body = await readBody(request, context.maxBodyBytes);
  const info = await liveInfo(context, channel);
  if (info === undefined) throw notFound(channel);
  const closeOnly = close && body.length === 0;
  if (!closeOnly) {
    if (body.length === 0) {
      throw badRequest(
        'An append needs a body (or Stream-Closed: true with none, to close).',
        { channel },
        'Send the data to append.',
      );
    }
    if (contentType === undefined) {
      throw badRequest(
        'An append needs a Content-Type.',
        { channel },
        `Send Content-Type: ${info.contentType}.`,
      );
    }
    if (mediaType(contentType) !== mediaType(info.contentType)) {
      throw new AgentryError({
        code: 'conflict',
        message: `Channel ${JSON.stringify(channel)} holds ${info.contentType}; the append is ${contentType}.`,
        details: { channel, expected: info.contentType, received: contentType },
        suggestions: [`Send Content-Type: ${info.contentType}.`],
      });
    }
  }
  const entries = closeOnly ? [] : decodeAppendBody(info.contentType, body, false);
  if (closeOnly && info.closed && producer === undefined) {
    response.writeHead(204, metadataHeaders(info, info.tailOffset, true));
    response.end();
    return;
  }
  if (info.closed && producer === undefined) {
    throw new AgentryError({
      code: 'conflict',
      message: `Channel ${JSON.stringify(channel)} is closed: nothing more can be appended.`,
      details: { channel, closed: true, tailOffset: info.tailOffset },
      suggestions: ['Create a new channel for more data.'],
    });
  }
  const result = await context
    .holdWrite(
      context.log.append(channel, entries, {
        ...(close ? { close } : {}),
        ...(producer ? { producer } : {}),
        ...(writerSeq !== undefined ? { writerSeq } : {}),
      }),
    )
    .catch((error: unknown) => {
      // A new producer or a new epoch must start at sequence 0: Durable Streams calls any other
      // start a bad request (400), not a gap to fill (409).
      if (
        producer &&
        producer.seq !== 0 &&
        AgentryError.isInstance(error) &&
        error.code === 'conflict' &&
        error.details.expected === 0
      ) {
        throw new AgentryError({
          code: 'validation_failed',
          message: `Producer ${JSON.stringify(producer.id)} starts epoch ${producer.epoch} at sequence ${producer.seq}; a new producer or epoch starts at 0.`,
          details: {
            channel,
            producer: producer.id,
            epoch: producer.epoch,
            received: producer.seq,
          },
          suggestions: ['Send Producer-Seq: 0 with the first append of a new epoch.'],
          cause: error,
        });
      }
      throw error;
    });
  const responseHeaders: Record<string, string> = metadataHeaders(
    info,
    result.tailOffset,
    result.closed,
  );
  if (producer) {
    // A duplicate answers with the highest sequence accepted, which may be past the retried one.
    responseHeaders['Producer-Epoch'] = String(producer.epoch);
    responseHeaders['Producer-Seq'] = String(result.producerSeq ?? producer.seq);
  }
  response.writeHead(
    producer && !result.duplicate && entries.length > 0 ? 200 : 204,
    responseHeaders,
  );
  response.end();
}

/** Headers for the errors Durable Streams gives extra headers to (fencing, sequence gaps, closed streams). */
async function errorHeaders(
  context: StreamsContext,
  channel: string,
  error: unknown,
  request: IncomingMessage,
): Promise<Record<string, string>> {
  if (!AgentryError.isInstance(error)) return {};
  const details = error.details;
  const result: Record<string, string> = {};
  if (error.code === 'lease_lost') {
    const epoch = details.currentEpoch ?? details.epoch;
    if (typeof epoch === 'number') result['Producer-Epoch'] = String(epoch);
  }
  if (error.code === 'conflict') {
    const expected = details.expected ?? details.expectedSeq;
    const received = singleHeader(request, headers.producerSeq);
    if (typeof expected === 'number' && received !== undefined) {
      result['Producer-Expected-Seq'] = String(expected);
      result['Producer-Received-Seq'] = received;
    }
    const info = await context.log.info(channel).catch(() => undefined);
    if (info?.closed) {
      result[realtimeHeaders.closed] = 'true';
      result[realtimeHeaders.nextOffset] = info.tailOffset;
    }
  }
  return result;
}

function parseOffsetQuery(query: URLSearchParams): string | undefined {
  const offsets = query.getAll('offset');
  if (offsets.length === 0) return undefined;
  const offset = offsets[0]!;
  if (
    offsets.length > 1 ||
    (offset !== REALTIME_START &&
      offset !== REALTIME_NOW &&
      parseRealtimeOffset(offset) === undefined)
  ) {
    throw badRequest(
      `offset ${JSON.stringify(offsets.length > 1 ? offsets : offset).slice(0, 120)} is not an offset: use -1, now, or a Stream-Next-Offset this server returned.`,
      { offset: offsets.slice(0, 3).map((value) => value.slice(0, 64)) },
      'Resume from the last Stream-Next-Offset (or SSE id) you received, or -1 to start over.',
    );
  }
  return offset;
}

/**
 * Reads a page. When nothing follows a sentinel (`-1`, `now`), the next offset is the tail seen
 * just before the read: never past an entry the reader has not had (at worst one it gets again).
 */
export async function readAfter(
  context: Pick<StreamsContext, 'log'>,
  channel: string,
  offset: string,
): Promise<RealtimeReadResult> {
  const before =
    offset === REALTIME_START || offset === REALTIME_NOW
      ? await context.log.info(channel)
      : undefined;
  const page = await context.log.read(channel, offset, { limit: pageSize });
  if (
    before !== undefined &&
    page.entries.length === 0 &&
    parseRealtimeOffset(page.nextOffset) === undefined
  ) {
    return { ...page, nextOffset: before.tailOffset };
  }
  return page;
}

async function handleRead(
  context: StreamsContext,
  principal: RealtimePrincipal,
  channel: string,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
  head: boolean,
): Promise<void> {
  await context.auth.authorize(principal, 'channel.read', channel);
  const info = await liveInfo(context, channel);
  if (info === undefined) throw notFound(channel);
  if (head) {
    response.writeHead(200, {
      ...metadataHeaders(info, info.tailOffset, info.closed),
      'cache-control': 'no-store',
    });
    response.end();
    return;
  }
  const live = query.get('live');
  let offset = parseOffsetQuery(query);
  const lastEventId = singleHeader(request, 'last-event-id');
  if (live === 'sse' && lastEventId !== undefined && parseRealtimeOffset(lastEventId) !== undefined)
    offset = lastEventId;
  if (live !== null && live !== 'long-poll' && live !== 'sse') {
    throw badRequest(
      `live=${JSON.stringify(live)} is not a live mode.`,
      { live },
      'Use live=long-poll or live=sse, or leave live out to catch up.',
    );
  }
  if (live !== null && offset === undefined) {
    throw badRequest(
      `live=${live} needs an offset.`,
      { live },
      'Pass offset=-1 to start, now for new data only, or the last offset you read.',
    );
  }
  const from = offset ?? REALTIME_START;
  if (live === 'sse') {
    await serveSse(context, {
      channel,
      info,
      from,
      request,
      response,
      cursor: () => nextCursor(context.now(), query.get('cursor')),
    });
    return;
  }
  let page = await readAfter(context, channel, from);
  if (live === 'long-poll' && page.entries.length === 0 && !page.closed) {
    page = await waitForEntries(context, channel, page, request);
  }
  const headersOut: Record<string, string> = metadataHeaders(info, page.nextOffset, page.closed);
  if (page.upToDate) headersOut[realtimeHeaders.upToDate] = 'true';
  if (live === 'long-poll')
    headersOut[headers.cursor] = nextCursor(context.now(), query.get('cursor'));
  if (live === 'long-poll' && page.entries.length === 0) {
    response.writeHead(204, { ...headersOut, 'cache-control': 'no-store' });
    response.end();
    return;
  }
  const body = encodeEntries(info, page.entries);
  const etag = `"${page.entries[0]?.offset ?? from}:${page.nextOffset}${page.closed ? ':c' : ''}"`;
  headersOut.etag = etag;
  headersOut['cache-control'] = page.upToDate
    ? 'no-store'
    : `${context.auth.mode === 'none' ? 'public' : 'private'}, max-age=60, stale-while-revalidate=300`;
  if (singleHeader(request, 'if-none-match') === etag) {
    response.writeHead(304, headersOut);
    response.end();
    return;
  }
  const transport = live === 'long-poll' ? 'long_polling' : 'http';
  const gzip = context.compression(transport) && acceptsGzip(request) && body.length > 0;
  const writer = startBody(
    response,
    200,
    gzip ? headersOut : { ...headersOut, 'content-length': String(body.length) },
    gzip,
  );
  writer.end(body);
}

/** Waits for entries after `page.nextOffset`, the channel's close, the long-poll timeout, the client leaving or the server closing. */
function waitForEntries(
  context: StreamsContext,
  channel: string,
  page: RealtimeReadResult,
  request: IncomingMessage,
): Promise<RealtimeReadResult> {
  return new Promise<RealtimeReadResult>((resolve, reject) => {
    let settled = false;
    const finish = (read: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopWatching();
      release();
      request.off('close', onGone);
      if (!read) {
        resolve({ ...page, upToDate: true });
        return;
      }
      readAfter(context, channel, page.nextOffset).then(resolve, reject);
    };
    const onGone = () => finish(false);
    const stopWatching = context.log.watch(channel, () => finish(true));
    const release = context.holdLive(() => finish(false));
    const timer = setTimeout(() => finish(false), context.longPollTimeout);
    request.once('close', onGone);
    // An entry appended between the first read and the watch must not be missed.
    readAfter(context, channel, page.nextOffset).then(
      (again) => {
        if (!settled && (again.entries.length > 0 || again.closed)) {
          settled = true;
          clearTimeout(timer);
          stopWatching();
          release();
          request.off('close', onGone);
          resolve(again);
        }
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopWatching();
        release();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The request's URL without its query, absolute (for `Location`). */
function absoluteUrl(request: IncomingMessage): string {
  const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
  const host =
    request.headers.host ??
    `${request.socket.localAddress ?? 'localhost'}:${request.socket.localPort ?? ''}`;
  return `${encrypted ? 'https' : 'http'}://${host}${request.url?.split('?')[0] ?? '/'}`;
}

/**
 * Serves `{base}/streams/{channel}`: the Durable Streams protocol subset (`PUT`, `POST`, `HEAD`,
 * `DELETE`, `GET` catch-up, long-poll and SSE).
 *
 * @internal
 */
export async function handleStreams(
  context: StreamsContext,
  channel: string,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  try {
    assertChannelName(channel);
    const principal = await context.auth.authenticate(request);
    switch (request.method) {
      case 'PUT':
        await handleCreate(context, principal, channel, request, response, absoluteUrl(request));
        return;
      case 'POST':
        await handleAppend(context, principal, channel, request, response);
        return;
      case 'GET':
      case 'HEAD':
        await handleRead(
          context,
          principal,
          channel,
          request,
          response,
          query,
          request.method === 'HEAD',
        );
        return;
      case 'DELETE': {
        await context.auth.authorize(principal, 'channel.delete', channel);
        if ((await liveInfo(context, channel)) === undefined) throw notFound(channel);
        await context.holdWrite(context.log.delete(channel));
        response.writeHead(204, securityHeaders);
        response.end();
        return;
      }
      case undefined:
      default:
        response.writeHead(405, { ...securityHeaders, allow: 'GET, HEAD, PUT, POST, DELETE' });
        response.end();
    }
  } catch (caught) {
    if (!request.complete) request.resume();
    // A gone offset carries the channel's snapshot, as the WebSocket's gap frame does.
    const error =
      request.method === 'GET' ? await withGapSnapshot(context.log, channel, caught) : caught;
    // Durable Streams answers a fenced (stale-epoch) producer with 403.
    const status = AgentryError.isInstance(error) && error.code === 'lease_lost' ? 403 : undefined;
    sendError(
      response,
      error,
      context.logger,
      await errorHeaders(context, channel, error, request),
      status,
    );
  }
}

export { streamKind };
