import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RealtimeLog } from '@agentry/core';
import { createMemoryRealtimeLog } from '../../log/index.js';
import {
  createRealtimeServer,
  type RealtimeServer,
  type RealtimeServerOptions,
} from '../realtime-server.js';

/** A realtime server attached to a real node:http server on 127.0.0.1, and how to stop it. */
export interface TestServer {
  readonly url: string;
  readonly log: RealtimeLog;
  readonly realtime: RealtimeServer;
  readonly server: Server;
  stop(): Promise<void>;
}

export async function startTestServer(
  options: Partial<RealtimeServerOptions> = {},
): Promise<TestServer> {
  const log = options.log ?? createMemoryRealtimeLog();
  const realtime = createRealtimeServer({ ...options, log });
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('app route');
  });
  realtime.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    realtime,
    server,
    async stop() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await log.close();
    },
  };
}

/** A raw GET (no automatic decompression), for checking bytes on the wire. */
export function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Reads SSE events from a response until `stop` says so (or the stream ends). */
export async function readSse(
  response: Response,
  stop: (events: readonly { event: string; id?: string; data: string }[]) => boolean,
): Promise<{ event: string; id?: string; data: string }[]> {
  const events: { event: string; id?: string; data: string }[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0)
        events.push({ event, ...(id !== undefined ? { id } : {}), data: data.join('\n') });
    }
    if (stop(events)) {
      await reader.cancel();
      break;
    }
  }
  return events;
}
