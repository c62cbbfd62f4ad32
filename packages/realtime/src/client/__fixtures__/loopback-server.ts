/**
 * A scripted loopback server for the client's tests: it speaks the realtime protocol (Durable
 * Streams reads over HTTP, SSE and long polling; the multiplexed WebSocket) over real sockets, on
 * an in-memory log, and lets a test drop connections, block transports, trim history and expire
 * credentials. A test fixture, not the product's server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatRealtimeOffset, parseRealtimeOffset } from '@agentry/core';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  REALTIME_SSE_OFFSETS_FIELD,
  REALTIME_SUBPROTOCOL,
  realtimeHeaders,
  type RealtimeClientMessage,
  type RealtimeServerMessage,
  type RealtimeTransport,
  type RealtimeWireEvent,
} from '../../protocol.js';

interface Channel {
  epoch: string;
  seq: number;
  entries: RealtimeWireEvent[];
  retainedAfter: string;
  closed: boolean;
  snapshot?: RealtimeWireEvent;
  watchers: Set<() => void>;
}

export interface LoopbackServerOptions {
  /** The transport advertised in `Agentry-Realtime-Transport`. */
  advertise?: RealtimeTransport;
  /** Credentials accepted (bearer header or `?ticket=`); all accepted when absent. */
  credentials?: Set<string>;
  /** Channels every request for is refused with 403 / an `error` message. */
  forbidden?: Set<string>;
  /** Most entries per HTTP response / WS `events` message. */
  batchSize?: number;
  /** Entries at or before the offset asked for that each read sends again (at-least-once delivery). */
  replayOverlap?: number;
  /** How long a long poll waits before 204. */
  longPollMs?: number;
  /** How far apart consecutive offsets are (default 1); past 1, offsets are not consecutive. */
  offsetStep?: number;
  /** Whether SSE control events list each entry's offset (`agentryOffsets`), as Agentry's server does. */
  sseOffsets?: boolean;
}

export interface LoopbackServer {
  readonly url: string;
  readonly epoch: string;
  append(channel: string, ...data: unknown[]): string[];
  closeChannel(channel: string): void;
  /** Drops entries up to `seq`, keeping a snapshot as of it. */
  trim(channel: string, seq: number, snapshot?: unknown): void;
  entries(channel: string): readonly RealtimeWireEvent[];
  /** Destroys every open socket (WebSocket and HTTP): a network drop. */
  dropAll(): void;
  /** Closes every WebSocket with a close code. */
  closeWebSockets(code: number, reason?: string): void;
  block: { websocket: boolean; sse: boolean; long_polling: boolean };
  readonly cancels: { channel: string; reason?: string; via: 'websocket' | 'http' }[];
  /** Requests or upgrades seen per transport. */
  readonly connections: Record<RealtimeTransport, number>;
  readonly options: LoopbackServerOptions;
  close(): Promise<void>;
}

const base = '/realtime';

export async function startLoopbackServer(
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const channels = new Map<string, Channel>();
  const sockets = new Set<Socket>();
  const webSockets = new Set<WebSocket>();
  const cancels: LoopbackServer['cancels'] = [];
  const connections: Record<RealtimeTransport, number> = { websocket: 0, sse: 0, long_polling: 0 };
  const block = { websocket: false, sse: false, long_polling: false };
  const epoch = '0000000000a1';
  const batchSize = options.batchSize ?? 50;

  const channelOf = (name: string): Channel => {
    let channel = channels.get(name);
    if (channel === undefined) {
      channel = {
        epoch,
        seq: 0,
        entries: [],
        retainedAfter: formatRealtimeOffset(epoch, 0),
        closed: false,
        watchers: new Set(),
      };
      channels.set(name, channel);
    }
    return channel;
  };
  const notify = (channel: Channel): void => {
    for (const watcher of [...channel.watchers]) watcher();
  };
  const tail = (channel: Channel): string => formatRealtimeOffset(channel.epoch, channel.seq);

  /** The entries after `offset`, or a gap. */
  const read = (
    channel: Channel,
    offset: string,
  ): { entries: RealtimeWireEvent[] } | { gone: RealtimeServerMessage & { type: 'gap' } } => {
    if (offset === 'now') return { entries: [] };
    if (offset !== '-1') {
      const parsed = parseRealtimeOffset(offset);
      if (
        parsed === undefined ||
        parsed.epoch !== channel.epoch ||
        offset < channel.retainedAfter
      ) {
        return {
          gone: {
            type: 'gap',
            channel: '',
            reason: parsed !== undefined && parsed.epoch !== channel.epoch ? 'epoch' : 'retention',
            retainedAfter: channel.retainedAfter,
            ...(channel.snapshot === undefined ? {} : { snapshot: channel.snapshot }),
          },
        };
      }
    }
    const first = channel.entries.findIndex((entry) => offset === '-1' || entry.offset > offset);
    if (first === -1) return { entries: [] };
    // At-least-once delivery, as a server may do it: resend a few entries the client has seen.
    return { entries: channel.entries.slice(Math.max(0, first - (options.replayOverlap ?? 0))) };
  };

  const authorized = (request: IncomingMessage, url: URL): boolean => {
    if (options.credentials === undefined) return true;
    const header = request.headers.authorization;
    const credential = header?.startsWith('Bearer ')
      ? header.slice(7)
      : url.searchParams.get('ticket');
    return credential !== null && credential !== undefined && options.credentials.has(credential);
  };

  const json = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const common = (): Record<string, string> =>
    options.advertise === undefined ? {} : { [realtimeHeaders.transport]: options.advertise };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    for (const [key, value] of Object.entries(common())) response.setHeader(key, value);
    if (!authorized(request, url)) {
      json(response, 401, { error: { code: 'unauthenticated', message: 'Bad credential.' } });
      return;
    }
    if (url.pathname.startsWith(`${base}/cancel/`)) {
      const channel = decodeURIComponent(url.pathname.slice(`${base}/cancel/`.length));
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const body = (text === '' ? {} : JSON.parse(text)) as { reason?: string };
        cancels.push({
          channel,
          ...(body.reason === undefined ? {} : { reason: body.reason }),
          via: 'http',
        });
        response.writeHead(204).end();
      });
      return;
    }
    if (!url.pathname.startsWith(`${base}/streams/`)) {
      json(response, 404, { error: { code: 'not_found', message: 'No such route.' } });
      return;
    }
    const name = url.pathname
      .slice(`${base}/streams/`.length)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
    if (options.forbidden?.has(name)) {
      json(response, 403, {
        error: { code: 'permission_denied', message: `Not allowed to read ${name}.` },
      });
      return;
    }
    const channel = channelOf(name);
    if (request.method === 'HEAD') {
      response.writeHead(200, { [realtimeHeaders.nextOffset]: tail(channel) }).end();
      return;
    }
    const live = url.searchParams.get('live');
    const transport: RealtimeTransport = live === 'sse' ? 'sse' : 'long_polling';
    connections[transport]++;
    if (block[transport]) {
      // What a proxy that does not pass the transport looks like.
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
      return;
    }
    let offset = url.searchParams.get('offset') ?? '-1';
    if (offset === 'now') offset = tail(channel);
    const result = read(channel, offset);
    if ('gone' in result) {
      json(response, 410, {
        error: { code: 'offset_gone', message: 'Gone.' },
        reason: result.gone.reason,
        retainedAfter: result.gone.retainedAfter,
        snapshot: result.gone.snapshot,
      });
      return;
    }
    if (live === 'sse') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.flushHeaders();
      let position = offset;
      const flush = (): void => {
        const pending = read(channel, position);
        if ('gone' in pending) {
          response.destroy();
          return;
        }
        for (let start = 0; start < pending.entries.length; start += batchSize) {
          const batch = pending.entries.slice(start, start + batchSize);
          position = batch.at(-1)!.offset;
          response.write(
            `event: data\ndata: ${JSON.stringify(batch.map((entry) => entry.data))}\n\n`,
          );
          response.write(
            `event: control\ndata: ${JSON.stringify({ streamNextOffset: position, upToDate: start + batchSize >= pending.entries.length, streamClosed: channel.closed && position === tail(channel), ...(options.sseOffsets === true ? { [REALTIME_SSE_OFFSETS_FIELD]: batch.map((entry) => entry.offset) } : {}) })}\n\n`,
          );
        }
        if (channel.closed && pending.entries.length === 0) {
          response.write(
            `event: control\ndata: ${JSON.stringify({ streamNextOffset: tail(channel), upToDate: true, streamClosed: true })}\n\n`,
          );
        }
        if (channel.closed) response.end();
      };
      channel.watchers.add(flush);
      response.on('close', () => channel.watchers.delete(flush));
      flush();
      return;
    }
    const answer = (entries: RealtimeWireEvent[]): void => {
      const batch = entries.slice(0, batchSize);
      const next = batch.at(-1)?.offset ?? offset;
      const closed = channel.closed && next === tail(channel);
      const headers = {
        [realtimeHeaders.nextOffset]: next,
        [realtimeHeaders.upToDate]: String(next === tail(channel)),
        ...(closed ? { [realtimeHeaders.closed]: 'true' } : {}),
      };
      if (batch.length === 0) response.writeHead(204, headers).end();
      else
        json(
          response,
          200,
          batch.map((entry) => entry.data),
          headers,
        );
    };
    if (result.entries.length > 0 || channel.closed || live !== 'long-poll') {
      answer(result.entries);
      return;
    }
    const wake = (): void => {
      clearTimeout(timer);
      channel.watchers.delete(wake);
      const again = read(channel, offset);
      answer('gone' in again ? [] : again.entries);
    };
    const timer = setTimeout(wake, options.longPollMs ?? 300);
    channel.watchers.add(wake);
    response.on('close', () => {
      clearTimeout(timer);
      channel.watchers.delete(wake);
    });
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const webSocketServer = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) =>
      protocols.has(REALTIME_SUBPROTOCOL) ? REALTIME_SUBPROTOCOL : false,
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    connections.websocket++;
    if (block.websocket || url.pathname !== `${base}/ws`) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    if (!authorized(request, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
      return;
    }
    webSocketServer.handleUpgrade(request, socket, head, (webSocket) => serve(webSocket));
  });

  const serve = (webSocket: WebSocket): void => {
    webSockets.add(webSocket);
    const subscriptions = new Map<string, () => void>();
    const send = (message: RealtimeServerMessage): void => {
      if (webSocket.readyState === webSocket.OPEN) webSocket.send(JSON.stringify(message));
    };
    webSocket.on('close', () => {
      webSockets.delete(webSocket);
      for (const stop of subscriptions.values()) stop();
    });
    webSocket.on('message', (raw) => {
      const message = JSON.parse((raw as Buffer).toString('utf8')) as RealtimeClientMessage;
      if (message.type === 'cancel') {
        cancels.push({
          channel: message.channel,
          ...(message.reason === undefined ? {} : { reason: message.reason }),
          via: 'websocket',
        });
        send({ type: 'cancelled', channel: message.channel });
        return;
      }
      if (message.type === 'unsubscribe') {
        subscriptions.get(message.channel)?.();
        subscriptions.delete(message.channel);
        return;
      }
      const name = message.channel;
      if (options.forbidden?.has(name)) {
        send({
          type: 'error',
          channel: name,
          error: { code: 'permission_denied', message: `Not allowed to read ${name}.` },
        });
        return;
      }
      const channel = channelOf(name);
      let position = message.offset ?? '-1';
      if (position === 'now') position = tail(channel);
      const first = read(channel, position);
      if ('gone' in first) {
        send({ ...first.gone, channel: name });
        position = first.gone.snapshot?.offset ?? first.gone.retainedAfter;
      }
      send({ type: 'subscribed', channel: name, offset: position, epoch: channel.epoch });
      let done = false;
      const flush = (): void => {
        if (done) return;
        const pending = read(channel, position);
        if ('gone' in pending) return;
        for (let start = 0; start < pending.entries.length; start += batchSize) {
          const batch = pending.entries.slice(start, start + batchSize);
          position = batch.at(-1)!.offset;
          send({
            type: 'events',
            channel: name,
            events: batch,
            upToDate: position === tail(channel),
          });
        }
        if (channel.closed && position === tail(channel)) {
          done = true;
          send({ type: 'closed', channel: name, offset: position });
        }
      };
      channel.watchers.add(flush);
      subscriptions.set(name, () => {
        done = true;
        channel.watchers.delete(flush);
      });
      flush();
    });
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${String(port)}${base}`,
    epoch,
    options,
    block,
    cancels,
    connections,
    append(name, ...data) {
      const channel = channelOf(name);
      const offsets = data.map((item) => {
        channel.seq += options.offsetStep ?? 1;
        const offset = formatRealtimeOffset(channel.epoch, channel.seq);
        channel.entries.push({ offset, data: item });
        return offset;
      });
      notify(channel);
      return offsets;
    },
    closeChannel(name) {
      const channel = channelOf(name);
      channel.closed = true;
      notify(channel);
    },
    trim(name, seq, snapshot) {
      const channel = channelOf(name);
      const offset = formatRealtimeOffset(channel.epoch, seq);
      channel.entries = channel.entries.filter((entry) => entry.offset > offset);
      channel.retainedAfter = offset;
      if (snapshot !== undefined) channel.snapshot = { offset, data: snapshot };
    },
    entries: (name) => channelOf(name).entries,
    dropAll() {
      for (const webSocket of webSockets) webSocket.terminate();
      for (const socket of sockets) socket.destroy();
    },
    closeWebSockets(code, reason) {
      for (const webSocket of webSockets) webSocket.close(code, reason);
    },
    async close() {
      for (const webSocket of webSockets) webSocket.terminate();
      for (const socket of sockets) socket.destroy();
      webSocketServer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
