import { defaultCommunicationConfig } from '../config/index.js';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AgentryError, type Authorizer, type Logger, type RealtimeLog } from '@agentry/core';
import type { CommunicationConfig } from '../config/communication-config.js';
import { DEFAULT_REALTIME_BASE_PATH, realtimeHeaders } from '../protocol.js';
import { createRealtimeAuth, isLoopbackAddress, type RealtimeAuth } from './auth/realtime-auth.js';
import type { RealtimePrincipal, RealtimeTicketRequest } from './auth/realtime-ticket.js';
import { handleCancel } from './http/cancel-handler.js';
import { securityHeaders, sendError } from './http/http-io.js';
import { handleStreams, type StreamsContext } from './http/streams-handler.js';
import { handleUiStream } from './http/ui-stream-handler.js';
import { createWebSocketGateway, type WebSocketGatewayLimits } from './ws/index.js';

/**
 * What serves WebSocket upgrades for the realtime server (see `createWebSocketGateway`).
 *
 * @example
 * ```ts
 * import type { RealtimeWebSocketGateway } from '@agentry/realtime/server';
 *
 * declare const gateway: RealtimeWebSocketGateway;
 * console.log(gateway.connections);
 * ```
 */
export interface RealtimeWebSocketGateway {
  /** Completes (or refuses) one upgrade. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Closes every connection (close code 1001) and stops accepting. */
  close(): Promise<void>;
}

/**
 * What the server hands its WebSocket gateway: the same log, auth, config and connection budget.
 *
 * @example
 * ```ts
 * import type { RealtimeGatewayDependencies } from '@agentry/realtime/server';
 *
 * declare const dependencies: RealtimeGatewayDependencies;
 * const release = dependencies.admit();
 * if (release === undefined) console.log('full: refuse with 503');
 * else release();
 * ```
 */
export interface RealtimeGatewayDependencies {
  /** The log. */
  readonly log: RealtimeLog;
  /** Authentication and authorization. */
  readonly auth: RealtimeAuth;
  /** The communication configuration, defaults filled in. */
  readonly config: CommunicationConfig;
  /** Where to log. */
  readonly logger?: Logger;
  /** Cancels the run a channel follows (already authorized as `run.cancel`). */
  readonly onCancel?: (
    channel: string,
    principal: RealtimePrincipal,
    reason: string | undefined,
  ) => Promise<void>;
  /** Takes one place of `connectionPool.maxConnections`: a release function, or `undefined` when full. */
  readonly admit: () => (() => void) | undefined;
}

/**
 * Options of {@link createRealtimeServer}.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createMemoryRealtimeLog } from '@agentry/realtime';
 * import { createRealtimeServer, type RealtimeServerOptions } from '@agentry/realtime/server';
 *
 * const options: RealtimeServerOptions = {
 *   log: createMemoryRealtimeLog(),
 *   ticketSecret: randomBytes(32),
 *   basePath: '/realtime',
 * };
 * const server = createRealtimeServer(options);
 * void server.close();
 * ```
 */
export interface RealtimeServerOptions {
  /** The log every transport serves. */
  readonly log: RealtimeLog;
  /** The `communication` configuration; missing parts take {@link defaultCommunicationConfig}'s. */
  readonly config?: Partial<CommunicationConfig>;
  /** Where the routes live (default `/realtime`). */
  readonly basePath?: string;
  /**
   * `'required'` (default): every request needs a bearer token or a ticket. `'none'`: no
   * credential and no checks, refused unless the listening address is loopback (for local
   * development and tests only).
   */
  readonly auth?: 'required' | 'none';
  /** The key tickets are signed with (at least 32 bytes); generated when absent (tickets then work on this process only). */
  readonly ticketSecret?: Uint8Array;
  /** Checks a bearer token that is not a ticket: its principal, or `undefined` to refuse it. */
  readonly verifyToken?: (token: string) => Promise<RealtimePrincipal | undefined>;
  /** The installed `Authorizer`, asked on every decision when it returns one. */
  readonly authorizer?: () => Authorizer | undefined;
  /** Cancels the run a channel follows; `POST {base}/cancel/{channel}` calls it after authorizing `run.cancel`. */
  readonly onCancel?: (
    channel: string,
    principal: RealtimePrincipal,
    reason: string | undefined,
  ) => Promise<void>;
  /** Where to log. */
  readonly logger?: Logger;
  /** Serve plain HTTP on a non-loopback address even when `encryption` is required (behind a TLS-terminating proxy). */
  readonly allowInsecure?: boolean;
  /** How long a long-poll waits for data before answering 204 (default 30 s, capped by `idleTimeout`). */
  readonly longPollTimeout?: number;
  /** How long an SSE response lasts before the client is made to reconnect from its offset (default 60 s). */
  readonly sseReconnectAfter?: number;
  /** The largest append body accepted (default 4 MiB); larger gets 413. */
  readonly maxBodyBytes?: number;
  /** Per-connection WebSocket bounds (message size, subscriptions, send buffer, compression threshold). */
  readonly webSocketLimits?: WebSocketGatewayLimits;
  /** Makes the WebSocket gateway instead of `createWebSocketGateway` (to wrap or replace it). */
  readonly webSocketGateway?: (
    dependencies: RealtimeGatewayDependencies,
  ) => RealtimeWebSocketGateway;
  /**
   * Origins whose pages may call the routes from a browser (CORS), or `'*'` for any. Credentials
   * travel as bearer tokens or tickets, never cookies, so no `Allow-Credentials` is sent. Default:
   * none (same-origin pages only).
   */
  readonly corsOrigins?: readonly string[] | '*';
  /** The clock (milliseconds since the epoch). */
  readonly now?: () => number;
}

/**
 * The realtime server: a request listener (and middleware), an upgrade handler, and ticket issuing.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import type { RealtimeServer } from '@agentry/realtime/server';
 *
 * declare const realtime: RealtimeServer;
 * const server = createServer((request, response) => realtime.middleware(request, response, () => {
 *   response.writeHead(404).end();
 * }));
 * server.on('upgrade', (request, socket, head) => realtime.handleUpgrade(request, socket, head));
 * ```
 */
export interface RealtimeServer {
  /** A `node:http` request listener: answers under the base path, 404 elsewhere. */
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  /** Connect/Express middleware: answers under the base path, calls `next()` elsewhere. */
  readonly middleware: (
    request: IncomingMessage,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ) => void;
  /** Handles an `upgrade` under `{base}/ws`; returns false (socket untouched) for other paths. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Adds `request` and `upgrade` listeners to a server. Requests outside the base path are left to
   * the app's own listeners.
   *
   * @throws AgentryError `config_invalid` when TLS is required (`encryption`) and the server is
   *   plain HTTP on a non-loopback address, or `auth: 'none'` on a non-loopback address
   */
  attach(server: Server): void;
  /** Signs a ticket for browsers (WebSocket, EventSource cannot set headers). */
  issueTicket(request: RealtimeTicketRequest): string;
  /** Authentication and authorization, shared by every transport. */
  readonly auth: RealtimeAuth;
  /** Connections held now, over every transport. */
  readonly connections: number;
  /** Ends SSE streams and long-polls, closes WebSockets, waits for appends in flight. */
  close(): Promise<void>;
}

/** What a browser may send and read across origins (CORS). */
const allowedHeaders =
  'authorization, content-type, if-none-match, last-event-id, producer-id, producer-epoch, producer-seq, stream-seq, stream-closed, stream-ttl, stream-expires-at';
const exposedHeaders =
  'stream-next-offset, stream-up-to-date, stream-closed, stream-cursor, stream-ttl, stream-expires-at, agentry-stream-epoch, agentry-realtime-transport, producer-epoch, producer-seq, producer-expected-seq, producer-received-seq, etag, location, retry-after';

function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (!trimmed.startsWith('/') || /[?#]/.test(trimmed)) {
    throw new AgentryError({
      code: 'config_invalid',
      message: `basePath ${JSON.stringify(basePath)} must be a path starting with /, without ? or #.`,
      details: { path: 'basePath', value: basePath },
      suggestions: ["Use '/realtime' (the default) or another path."],
    });
  }
  return trimmed;
}

function isTls(server: Server): boolean {
  return 'setSecureContext' in server;
}

/**
 * Creates the realtime server. Attach it to an existing `node:http`/`node:https` server with
 * `attach`, or mount `middleware` in Express or Connect (and call `handleUpgrade` from the
 * server's `upgrade` event).
 *
 * Routes under the base path: `streams/{channel}` (Durable Streams: `PUT`, `POST`, `HEAD`,
 * `DELETE`, `GET ?offset=` with `live=long-poll|sse`), `ui-stream/{channel}` (a run as the AI SDK
 * UI message stream, resumable by `Last-Event-ID`), `cancel/{channel}` (`POST`), `ws`.
 *
 * @throws AgentryError `config_invalid` for a bad `basePath`, `ticketSecret` or `auth`
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMemoryRealtimeLog } from '@agentry/realtime';
 * import { createRealtimeServer } from '@agentry/realtime/server';
 *
 * const log = createMemoryRealtimeLog();
 * const realtime = createRealtimeServer({ log, verifyToken: async (token) => (token === process.env.API_TOKEN ? { id: 'ops', channels: ['run/**'] } : undefined) });
 * const server = createServer((request, response) => {
 *   if (request.url === '/ticket') response.end(realtime.issueTicket({ userId: 'user-42', channels: ['run/*'], ttl: 60_000 }));
 * });
 * realtime.attach(server);
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createRealtimeServer(options: RealtimeServerOptions): RealtimeServer {
  const basePath = normalizeBasePath(options.basePath ?? DEFAULT_REALTIME_BASE_PATH);
  const config: CommunicationConfig = { ...defaultCommunicationConfig, ...options.config };
  const now = options.now ?? Date.now;
  const auth = createRealtimeAuth({
    log: options.log,
    mode: options.auth ?? 'required',
    ...(options.ticketSecret ? { ticketSecret: options.ticketSecret } : {}),
    ...(options.verifyToken ? { verifyToken: options.verifyToken } : {}),
    ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    now,
  });
  const logger = options.logger;
  const corsOrigins = options.corsOrigins;
  const { maxConnections, idleTimeout, maxReuseCount } = config.connectionPool;
  const encryptionRequired =
    config.protocols.some((protocol) => protocol.encryption) && options.allowInsecure !== true;
  const compressed = new Set(
    config.protocols.filter((protocol) => protocol.compression).map((protocol) => protocol.name),
  );

  // Connection budget over every transport: `held` counts HTTP requests in progress under the
  // base path and open WebSockets; each holder gets one release function that frees its place once.
  let held = 0;
  const admit = (): (() => void) | undefined => {
    if (held >= maxConnections) return undefined;
    held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      held -= 1;
    };
  };
  // Live responses (SSE, long-polls) to end on close, and appends to wait for.
  const live = new Set<() => void>();
  const writes = new Set<Promise<unknown>>();
  // Requests served per kept-alive socket, for `maxReuseCount`.
  const served = new WeakMap<Socket, number>();
  let closing = false;

  const context: StreamsContext = {
    log: options.log,
    auth,
    ...(logger ? { logger } : {}),
    heartbeatInterval: config.realtime.heartbeatInterval,
    longPollTimeout: Math.min(options.longPollTimeout ?? 30_000, idleTimeout),
    sseReconnectAfter: options.sseReconnectAfter ?? 60_000,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    compression: (transport) => compressed.has(transport) || compressed.has('http'),
    now,
    holdLive: (end) => {
      // Admitted just before close(): end at once rather than wait out a timeout.
      if (closing) queueMicrotask(end);
      live.add(end);
      return () => live.delete(end);
    },
    holdWrite: (work) => {
      writes.add(work);
      const forget = () => writes.delete(work);
      work.then(forget, forget);
      return work;
    },
  };

  const makeGateway =
    options.webSocketGateway ??
    ((dependencies: RealtimeGatewayDependencies) =>
      createWebSocketGateway({
        ...dependencies,
        now,
        ...(options.webSocketLimits ? { limits: options.webSocketLimits } : {}),
      }));
  const gateway: RealtimeWebSocketGateway = makeGateway({
    log: options.log,
    auth,
    config,
    ...(logger ? { logger } : {}),
    ...(options.onCancel ? { onCancel: options.onCancel } : {}),
    admit,
  });

  function refuseInsecure(request: IncomingMessage): AgentryError | undefined {
    if (!encryptionRequired) return undefined;
    const socket = request.socket as Socket & { encrypted?: boolean };
    if (socket.encrypted === true || isLoopbackAddress(socket.localAddress)) return undefined;
    return insecureError(socket.localAddress);
  }

  /** Serves a request under the base path; false when the path is not ours. */
  function serve(request: IncomingMessage, response: ServerResponse): boolean {
    // Express rewrites request.url under a mount path; originalUrl keeps the full one.
    const url =
      (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt >= 0 ? url.slice(0, queryAt) : url;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
    const rest = path.slice(basePath.length + 1);
    const query = new URLSearchParams(queryAt >= 0 ? url.slice(queryAt + 1) : '');

    const insecure = refuseInsecure(request);
    if (insecure) {
      sendError(response, insecure, logger);
      return true;
    }
    // Every answer says which transport clients should prefer (`realtime.protocol`).
    response.setHeader(realtimeHeaders.transport, config.realtime.protocol);
    const origin = request.headers.origin;
    if (
      origin !== undefined &&
      corsOrigins !== undefined &&
      (corsOrigins === '*' || corsOrigins.includes(origin))
    ) {
      response.setHeader('access-control-allow-origin', corsOrigins === '*' ? '*' : origin);
      response.setHeader('access-control-expose-headers', exposedHeaders);
      if (corsOrigins !== '*') response.setHeader('vary', 'origin');
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        ...securityHeaders,
        'access-control-allow-methods': 'GET, HEAD, PUT, POST, DELETE, OPTIONS',
        'access-control-allow-headers': allowedHeaders,
        'access-control-max-age': '600',
      });
      response.end();
      return true;
    }
    const count = (served.get(request.socket) ?? 0) + 1;
    served.set(request.socket, count);
    if (maxReuseCount > 0 && count >= maxReuseCount) response.setHeader('connection', 'close');
    const release = closing ? undefined : admit();
    if (release === undefined) {
      sendError(
        response,
        new AgentryError({
          code: 'limit_exceeded',
          recoverable: true,
          message: closing
            ? 'The realtime server is shutting down.'
            : `The realtime server holds its maximum of ${maxConnections} connections.`,
          details: { maxConnections },
          suggestions: ['Retry after the Retry-After delay, with backoff.'],
        }),
        logger,
        { 'retry-after': '1' },
        // A full server is unavailable for now (503), not rate limiting this client (429).
        503,
      );
      return true;
    }
    response.once('close', release);
    if (rest.startsWith('streams/')) {
      void handleStreams(context, rest.slice('streams/'.length), request, response, query);
    } else if (rest.startsWith('ui-stream/')) {
      void handleUiStream(context, rest.slice('ui-stream/'.length), request, response);
    } else if (rest.startsWith('cancel/')) {
      void handleCancel(context, options.onCancel, rest.slice('cancel/'.length), request, response);
    } else {
      sendError(
        response,
        new AgentryError({
          code: 'not_found',
          message: `No realtime route ${JSON.stringify(path.slice(0, 200))}.`,
          details: { path: path.slice(0, 200) },
          suggestions: [
            `Use ${basePath}/streams/{channel}, ${basePath}/cancel/{channel} or ${basePath}/ws.`,
          ],
        }),
        logger,
      );
    }
    return true;
  }

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    if (!serve(request, response)) {
      response.writeHead(404, { ...securityHeaders, 'content-type': 'text/plain' });
      response.end('Not found');
    }
  };
  const middleware = (
    request: IncomingMessage,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ) => {
    if (!serve(request, response)) next();
  };

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== `${basePath}/ws`) return false;
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (refuseInsecure(request)) refuse(403, 'Forbidden');
    else if (closing) refuse(503, 'Service Unavailable');
    else gateway.handleUpgrade(request, socket, head);
    return true;
  }

  return {
    handler,
    middleware,
    handleUpgrade,
    attach(server) {
      const check = () => {
        const address = server.address();
        const host = typeof address === 'object' && address !== null ? address.address : undefined;
        if (host === undefined || isLoopbackAddress(host)) return undefined;
        if (encryptionRequired && !isTls(server)) return insecureError(host);
        if (auth.mode === 'none') {
          return new AgentryError({
            code: 'config_invalid',
            message: `auth: 'none' serves loopback only, and this server listens on ${host}.`,
            details: { path: 'auth', address: host },
            suggestions: [
              "Remove auth: 'none' and configure verifyToken or tickets.",
              'Listen on 127.0.0.1 for local development.',
            ],
          });
        }
        return undefined;
      };
      if (server.listening) {
        const problem = check();
        if (problem) throw problem;
      } else {
        server.once('listening', () => {
          const problem = check();
          if (problem) {
            server.close();
            server.emit('error', problem);
          }
        });
      }
      if (
        maxReuseCount > 0 &&
        (server.maxRequestsPerSocket === null || server.maxRequestsPerSocket === 0)
      ) {
        server.maxRequestsPerSocket = maxReuseCount;
      }
      if (server.keepAliveTimeout > idleTimeout) server.keepAliveTimeout = idleTimeout;
      // The app's own request listeners keep every path outside the base path (as ws and socket.io
      // do): attach after adding them.
      const appListeners = server.listeners('request') as ((
        request: IncomingMessage,
        response: ServerResponse,
      ) => void)[];
      server.removeAllListeners('request');
      server.on('request', (request: IncomingMessage, response: ServerResponse) => {
        if (serve(request, response)) return;
        if (appListeners.length === 0) handler(request, response);
        for (const listener of appListeners) listener.call(server, request, response);
      });
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!handleUpgrade(request, socket, head) && server.listenerCount('upgrade') === 1)
          socket.destroy();
      });
    },
    issueTicket: (request) => auth.issueTicket(request),
    auth,
    get connections() {
      return held;
    },
    async close() {
      closing = true;
      for (const end of [...live]) end();
      await Promise.allSettled([...writes]);
      await gateway.close();
    },
  };
}

function insecureError(address: string | undefined): AgentryError {
  return new AgentryError({
    code: 'config_invalid',
    message: `communication.protocols requires encryption, and this server is plain HTTP on ${address ?? 'a non-loopback address'}.`,
    details: { path: 'communication.protocols[].encryption', address },
    suggestions: [
      'Serve over node:https (or terminate TLS in a proxy and pass allowInsecure: true).',
      'Listen on 127.0.0.1 for local development.',
    ],
  });
}
