import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { AgentryError, errorCodes, toAgentryError, type Logger } from '@agentry/core';
import { WebSocketServer } from 'ws';

import type { BatcherOptions } from '../../batching/batcher.js';
import { REALTIME_SUBPROTOCOL, realtimeCloseCodes } from '../../protocol.js';
import { ChannelFanout } from './channel-fanout.js';
import {
  GatewaySocket,
  WebSocketConnection,
  type ConnectionContext,
} from './websocket-connection.js';
import type {
  RealtimeGatewayPrincipal,
  WebSocketGatewayOptions,
} from './websocket-gateway-options.js';

/**
 * The WebSocket side of the realtime server; see {@link createWebSocketGateway}.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import type { WebSocketGateway } from '@agentry/realtime/server';
 *
 * declare const gateway: WebSocketGateway;
 * const server = createServer();
 * server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
 * console.log(gateway.connections);
 * ```
 */
export interface WebSocketGateway {
  /**
   * Takes an HTTP upgrade request: refuses it with 503 when the connection budget is spent, 400
   * without the `agentry.realtime.v1` subprotocol, 401 when authentication fails (each with an
   * `AgentryError` JSON body, and the socket destroyed), else completes the upgrade.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** Refuses new upgrades, closes every connection with 1001 and stops every timer and watch. */
  close(): Promise<void>;
}

const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

function refuseUpgrade(
  socket: Duplex,
  error: AgentryError,
  status = errorCodes[error.code].httpStatus,
): void {
  const body = JSON.stringify({ error: error.toJSON() });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 503 ? 'Retry-After: 5\r\n' : '') +
      `\r\n${body}`,
  );
}

function offersSubprotocol(request: IncomingMessage): boolean {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((name) => name.trim() === REALTIME_SUBPROTOCOL);
}

/**
 * Creates the WebSocket gateway of the realtime server, on the `ws` package in `noServer` mode.
 * One connection multiplexes subscriptions to many channels, each resumed from its own offset:
 * `subscribe` is authorized, then answered with `subscribed`, the entries after the offset from the
 * log (`events` batches), `upToDate`, and live `events` as they are appended, a `gap` with the
 * channel's snapshot when the offset is gone, and `closed` at the channel's end.
 *
 * - Live delivery: one `log.watch` and one send-side batcher per channel (batching options and the
 *   `maxLatency` bound); each batch is serialized once into a frame shared by every connection
 *   that follows the channel. Frames a connection gets in one tick are written corked.
 * - Heartbeats: a ping every `realtime.heartbeatInterval`; a connection whose pong has not come
 *   back by the next ping is terminated. A credential past its `expiresAt` closes with 4001.
 * - Idleness: a connection that follows no channel and has sent nothing for
 *   `connectionPool.idleTimeout` is closed with 4002.
 * - Reuse: the subscribe after `connectionPool.maxReuseCount` of them closes the connection with
 *   4003 (the client reconnects and resumes every channel from its offset).
 * - Backpressure: more than `limits.sendBufferBytes` queued for a connection closes it with 4000;
 *   the log is the buffer, and other connections are not slowed.
 * - Bad input: invalid UTF-8 or non-JSON closes with 1007, binary frames with 1003, unknown types
 *   and too many subscriptions with 1008, an oversize message with 1009; a subscribe without
 *   permission or with a malformed offset gets an `error` message and the connection goes on.
 * - Cancel: `cancel` is authorized as `run.cancel` and calls `onCancel`; a disconnect cancels
 *   nothing.
 *
 * @throws AgentryError `validation_failed` when a batching option or limit is not a positive number
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { AgentryError, type RealtimeLog } from '@agentry/core';
 * import type { CommunicationConfig } from '@agentry/realtime';
 * import { createWebSocketGateway } from '@agentry/realtime/server';
 *
 * declare const log: RealtimeLog;
 * declare const config: CommunicationConfig;
 *
 * const gateway = createWebSocketGateway({
 *   log,
 *   config,
 *   auth: {
 *     async authenticate(request) {
 *       if (request.headers.authorization !== 'Bearer demo') {
 *         throw new AgentryError({ code: 'unauthenticated', message: 'Bad credential.' });
 *       }
 *       return { id: 'demo-user' };
 *     },
 *     async authorize() {},
 *   },
 * });
 * const server = createServer();
 * server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createWebSocketGateway<TPrincipal extends RealtimeGatewayPrincipal>(
  options: WebSocketGatewayOptions<TPrincipal>,
): WebSocketGateway {
  const { log, auth, config, onCancel } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const limits = options.limits ?? {};
  const maxMessageBytes = limits.maxMessageBytes ?? 64 * 1024;
  const sendBufferBytes = limits.sendBufferBytes ?? 4 * 1024 * 1024;
  const batching: BatcherOptions = { ...config.batching, maxLatency: config.realtime.maxLatency };
  const numbers = {
    'limits.maxMessageBytes': maxMessageBytes,
    'limits.maxSubscriptions': limits.maxSubscriptions ?? 100,
    'limits.sendBufferBytes': sendBufferBytes,
    'limits.compressionThreshold': limits.compressionThreshold ?? 1024,
    'limits.catchUpPageSize': limits.catchUpPageSize ?? Math.max(config.batching.maxBatchSize, 100),
    'limits.closeGraceMs': limits.closeGraceMs ?? 1000,
    'realtime.heartbeatInterval': config.realtime.heartbeatInterval,
    'connectionPool.idleTimeout': config.connectionPool.idleTimeout,
    'connectionPool.maxReuseCount': config.connectionPool.maxReuseCount,
    'batching.maxBatchSize': batching.maxBatchSize,
    'batching.maxWaitTime': batching.maxWaitTime,
    'batching.flushInterval': batching.flushInterval,
    'realtime.maxLatency': batching.maxLatency,
  };
  for (const [path, value] of Object.entries(numbers)) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new AgentryError({
        code: 'validation_failed',
        message: `WebSocket gateway option ${path} is ${String(value)}; it must be a positive number.`,
        details: { path, value },
        suggestions: [`Set ${path} to a positive number.`],
      });
    }
  }
  const compression =
    config.protocols.find((protocol) => protocol.name === 'websocket')?.compression === true;

  const server = new WebSocketServer({
    noServer: true,
    WebSocket: GatewaySocket,
    clientTracking: false,
    maxPayload: maxMessageBytes,
    handleProtocols: (protocols) =>
      protocols.has(REALTIME_SUBPROTOCOL) ? REALTIME_SUBPROTOCOL : false,
    perMessageDeflate: compression
      ? {
          threshold: numbers['limits.compressionThreshold'],
          // No context kept between messages: a deflate context costs hundreds of KiB per connection.
          serverNoContextTakeover: true,
          clientNoContextTakeover: true,
          concurrencyLimit: 10,
        }
      : false,
  });

  const connections = new Set<WebSocketConnection>();
  const fanouts = new Map<string, ChannelFanout>();
  const idPrefix = randomBytes(4).toString('hex');
  let nextId = 0;
  let closed = false;

  const context: ConnectionContext = {
    log,
    auth,
    logger,
    // Every principal a connection holds came from this auth's authenticate: it is a TPrincipal.
    onCancel:
      onCancel === undefined
        ? undefined
        : (channel, principal, reason) => onCancel(channel, principal as TPrincipal, reason),
    maxSubscriptions: numbers['limits.maxSubscriptions'],
    maxReuseCount: numbers['connectionPool.maxReuseCount'],
    sendBufferBytes,
    catchUpPageSize: numbers['limits.catchUpPageSize'],
    closeGraceMs: numbers['limits.closeGraceMs'],
    now,
    fanout(channel, quoted, json) {
      let fanout = fanouts.get(channel);
      if (fanout === undefined) {
        fanout = new ChannelFanout(channel, quoted, json, log, batching, logger, (stopped) => {
          if (fanouts.get(channel) === stopped) fanouts.delete(channel);
        });
        fanouts.set(channel, fanout);
      }
      return fanout;
    },
    forget(connection) {
      connections.delete(connection);
    },
  };

  // One sweep for every connection: a timer per connection would cost heap on each idle one.
  const heartbeat = setInterval(() => {
    const at = now();
    for (const connection of connections) {
      if (connection.closing) continue;
      if (!connection.alive) {
        logger.info(
          { connectionId: connection.id },
          'realtime WebSocket missed a pong: terminated',
        );
        connection.terminate();
        continue;
      }
      const expiresAt = connection.principal.expiresAt;
      if (expiresAt !== undefined && expiresAt <= at) {
        logger.info({ connectionId: connection.id }, 'realtime WebSocket credential expired');
        connection.close(
          realtimeCloseCodes.credentialExpired,
          'unauthenticated: credential expired; reconnect with a new one',
        );
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }, config.realtime.heartbeatInterval);
  heartbeat.unref();
  const idleTimeout = config.connectionPool.idleTimeout;
  const idleSweep = setInterval(
    () => {
      const at = now();
      for (const connection of connections) {
        if (connection.closing || (connection.subscriptions?.size ?? 0) > 0) continue;
        if (at - connection.lastMessageAt >= idleTimeout) {
          logger.info({ connectionId: connection.id }, 'realtime WebSocket idle: closed');
          connection.close(realtimeCloseCodes.idleTimeout, 'idle timeout: reconnect when needed');
        }
      }
    },
    Math.max(Math.floor(idleTimeout / 4), 1),
  );
  idleSweep.unref();

  const accept = (
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    principal: TPrincipal,
    release: (() => void) | undefined,
    ignore: () => void,
  ) => {
    server.handleUpgrade(request, socket, head, (ws: GatewaySocket) => {
      // From here ws handles the socket's errors, and the connection gives the budget back.
      socket.off('error', ignore);
      if (release !== undefined) socket.off('close', release);
      const id = `ws-${idPrefix}-${(nextId++).toString(36)}`;
      if (closed) {
        release?.();
        ws.close(realtimeCloseCodes.goingAway, 'server shutting down');
        return;
      }
      const connection = new WebSocketConnection(id, ws, socket, principal, context, release);
      connections.add(connection);
      logger.debug({ connectionId: id, principal: principal.id }, 'realtime WebSocket connected');
    });
  };

  return {
    handleUpgrade(request, socket, head) {
      if (closed) {
        refuseUpgrade(
          socket,
          new AgentryError({
            code: 'limit_exceeded',
            message: 'The realtime server is shutting down.',
            suggestions: ['Reconnect, to another instance, with backoff.'],
          }),
        );
        return;
      }
      const release = options.admit?.();
      if (options.admit !== undefined && release === undefined) {
        logger.warn({ url: request.url }, 'realtime WebSocket refused: connection limit reached');
        const error = new AgentryError({
          code: 'limit_exceeded',
          message:
            'The realtime server holds as many connections as it may (connectionPool.maxConnections).',
          suggestions: ['Reconnect later, with backoff.'],
        });
        // limit_exceeded is 429 in the table; a full connection pool is the server's state: 503.
        refuseUpgrade(socket, error, 503);
        return;
      }
      // Whatever happens from here (refused, upgraded then closed), the budget is given back once.
      if (release !== undefined) socket.once('close', release);
      const ignore = () => {};
      socket.on('error', ignore);
      if (!offersSubprotocol(request)) {
        refuseUpgrade(
          socket,
          new AgentryError({
            code: 'invalid_request',
            message: `The WebSocket upgrade did not offer the ${REALTIME_SUBPROTOCOL} subprotocol.`,
            details: { offered: request.headers['sec-websocket-protocol'] ?? null },
            suggestions: [`Open the socket with new WebSocket(url, '${REALTIME_SUBPROTOCOL}').`],
          }),
        );
        return;
      }
      auth.authenticate(request).then(
        (principal) => {
          if (socket.destroyed) return;
          accept(request, socket, head, principal, release, ignore);
        },
        (error: unknown) => {
          const agentryError = toAgentryError(error);
          if (agentryError.code === 'internal') {
            logger.error(
              { url: request.url, error: agentryError.message },
              'realtime WebSocket authentication failed',
            );
          } else {
            logger.info(
              { code: agentryError.code, error: agentryError.message },
              'realtime WebSocket upgrade refused',
            );
          }
          refuseUpgrade(socket, agentryError);
        },
      );
    },
    get connections() {
      return connections.size;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearInterval(idleSweep);
      const open = [...connections];
      await Promise.all(
        open.map(
          (connection) =>
            new Promise<void>((resolve) => {
              if (connection.ws.readyState === connection.ws.CLOSED) return resolve();
              connection.ws.once('close', () => resolve());
              connection.close(
                realtimeCloseCodes.goingAway,
                'server shutting down: reconnect and resume',
              );
            }),
        ),
      );
      for (const fanout of [...fanouts.values()]) fanout.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
