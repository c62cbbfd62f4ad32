/**
 * The real realtime server (HTTP routes and the WebSocket gateway over the memory log) on a
 * loopback port, behind a tiny pass-through that can play a hostile proxy: refuse WebSocket
 * upgrades, answer SSE or long polls with 502, or cut every connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RealtimeLog } from '@agentry/core';
import { createMemoryRealtimeLog } from '../../log/index.js';
import {
  createRealtimeServer,
  type RealtimeServer,
  type RealtimeServerOptions,
} from '../../server/realtime-server.js';
import { createWebSocketGateway } from '../../server/ws/index.js';

export interface RealServer {
  readonly url: string;
  readonly log: RealtimeLog;
  readonly realtime: RealtimeServer;
  readonly block: { websocket: boolean; sse: boolean; long_polling: boolean };
  readonly cancels: string[];
  dropAll(): void;
  close(): Promise<void>;
}

export interface RealServerExtras {
  /** Serves a request before the realtime routes (a page, a script); true when it answered. */
  readonly serve?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

export async function startRealServer(
  options: Partial<RealtimeServerOptions> = {},
  extras: RealServerExtras = {},
): Promise<RealServer> {
  const log = options.log ?? createMemoryRealtimeLog();
  const cancels: string[] = [];
  const realtime = createRealtimeServer({
    log,
    auth: 'none',
    longPollTimeout: 200,
    webSocketGateway: (dependencies) => createWebSocketGateway(dependencies),
    onCancel: (channel) => {
      cancels.push(channel);
      return Promise.resolve();
    },
    ...options,
  });
  const block = { websocket: false, sse: false, long_polling: false };
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    if (extras.serve?.(request, response) === true) return;
    const live = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('live');
    if ((live === 'sse' && block.sse) || (live === 'long-poll' && block.long_polling)) {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
      return;
    }
    void realtime.handler(request, response);
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    if (block.websocket) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    realtime.handleUpgrade(request, socket, head);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/realtime`,
    log,
    realtime,
    block,
    cancels,
    dropAll() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await realtime.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
