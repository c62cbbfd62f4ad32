import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AgentryError, type Logger, type RealtimeLog } from '@agentry/core';
import WebSocket from 'ws';

import type { CommunicationConfig } from '../../../config/communication-config.js';
import type { RealtimeServerMessage } from '../../../protocol.js';
import { REALTIME_SUBPROTOCOL } from '../../../protocol.js';
import { createWebSocketGateway, type WebSocketGateway } from '../websocket-gateway.js';
import type { RealtimeGatewayAuth, WebSocketGatewayOptions } from '../websocket-gateway-options.js';
import { createMemoryRealtimeLog } from '../../../log/index.js';

export function testConfig(
  overrides: {
    batching?: Partial<CommunicationConfig['batching']>;
    realtime?: Partial<CommunicationConfig['realtime']>;
    connectionPool?: Partial<CommunicationConfig['connectionPool']>;
    compression?: boolean;
  } = {},
): CommunicationConfig {
  return {
    realtime: {
      protocol: 'websocket',
      maxLatency: 20,
      bufferSize: 10_000,
      heartbeatInterval: 30_000,
      ...overrides.realtime,
    },
    batching: {
      enabled: true,
      maxBatchSize: 64,
      maxWaitTime: 5,
      flushInterval: 10,
      ...overrides.batching,
    },
    connectionPool: {
      maxConnections: 10_000,
      idleTimeout: 300_000,
      maxReuseCount: 1_000,
      ...overrides.connectionPool,
    },
    protocols: [
      {
        name: 'websocket',
        version: '13',
        encryption: false,
        compression: overrides.compression ?? false,
      },
    ],
  };
}

/** Bearer `user:<id>` authenticates `<id>`; it reads `user/<id>/…` and `public/…`, and cancels its own. */
export const testAuth: RealtimeGatewayAuth = {
  authenticate(request) {
    const header = request.headers.authorization;
    const ticket = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ticket');
    const token = header?.startsWith('Bearer ') === true ? header.slice(7) : ticket;
    if (token === null || !token.startsWith('user:')) {
      return Promise.reject(
        new AgentryError({
          code: 'unauthenticated',
          message: 'No valid credential on the upgrade request.',
          suggestions: ['Send Authorization: Bearer <token> or ?ticket=.'],
        }),
      );
    }
    return Promise.resolve({ id: token.slice(5) });
  },
  authorize(principal, action, channel) {
    const own = channel.startsWith(`user/${principal.id}/`);
    if (own || (action === 'channel.read' && channel.startsWith('public/')))
      return Promise.resolve();
    return Promise.reject(
      new AgentryError({
        code: 'permission_denied',
        message: `${principal.id} may not ${action} on ${channel}.`,
      }),
    );
  },
};

export interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

export function recordingLogger(lines: LogLine[]): Logger {
  const write = (level: string) => (fields: Record<string, unknown> | string, message?: string) => {
    lines.push(
      typeof fields === 'string'
        ? { level, fields: {}, message: fields }
        : { level, fields, message },
    );
  };
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: () => logger,
  };
  return logger;
}

export interface Harness {
  url: string;
  server: Server;
  gateway: WebSocketGateway;
  log: RealtimeLog;
  lines: LogLine[];
  clients: TestClient[];
  connect(options?: ConnectOptions): Promise<TestClient>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  user?: string;
  protocols?: string[];
  autoPong?: boolean;
  perMessageDeflate?: boolean;
}

export class TestClient {
  readonly messages: RealtimeServerMessage[] = [];
  readonly rawFrames: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.rawFrames.push(text);
      this.messages.push(JSON.parse(text) as RealtimeServerMessage);
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const waiter of this.waiters.splice(0)) waiter();
      });
    });
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Resolves when `predicate` holds over the messages received so far. */
  async until(
    predicate: (messages: RealtimeServerMessage[]) => boolean,
    what = 'a message',
  ): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!predicate(this.messages)) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before ${what}`);
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  /** Offsets received on a channel, in order, over events frames. */
  offsets(channel: string): string[] {
    return this.messages.flatMap((message) =>
      message.type === 'events' && message.channel === channel
        ? message.events.map((event) => event.offset)
        : [],
    );
  }

  data(channel: string): unknown[] {
    return this.messages.flatMap((message) =>
      message.type === 'events' && message.channel === channel
        ? message.events.map((event) => event.data)
        : [],
    );
  }
}

export async function startHarness(
  options: Partial<WebSocketGatewayOptions> & {
    configOverrides?: Parameters<typeof testConfig>[0];
  } = {},
): Promise<Harness> {
  const lines: LogLine[] = [];
  const log = options.log ?? createMemoryRealtimeLog();
  const gateway = createWebSocketGateway({
    log,
    auth: testAuth,
    config: testConfig(options.configOverrides),
    logger: recordingLogger(lines),
    ...options,
  });
  const server = createServer((_request, response) => response.end());
  server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}/realtime/ws`;
  const clients: TestClient[] = [];
  return {
    url,
    server,
    gateway,
    log,
    lines,
    clients,
    async connect(connectOptions = {}) {
      const ws = new WebSocket(url, connectOptions.protocols ?? [REALTIME_SUBPROTOCOL], {
        headers: { authorization: `Bearer user:${connectOptions.user ?? 'alice'}` },
        autoPong: connectOptions.autoPong ?? true,
        perMessageDeflate: connectOptions.perMessageDeflate ?? false,
      });
      const client = new TestClient(ws);
      clients.push(client);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return client;
    },
    async close() {
      for (const client of clients) client.ws.terminate();
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Appends `count` JSON events `{ "n": i }` one by one, from `start`. */
export async function appendNumbers(
  log: RealtimeLog,
  channel: string,
  start: number,
  count: number,
): Promise<string[]> {
  const offsets: string[] = [];
  for (let n = start; n < start + count; n++) {
    const result = await log.append(channel, [JSON.stringify({ n })]);
    offsets.push(...result.offsets);
  }
  return offsets;
}
