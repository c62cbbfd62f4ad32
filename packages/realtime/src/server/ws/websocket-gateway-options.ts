import type { IncomingMessage } from 'node:http';

import type { Logger, RealtimeLog } from '@agentry/core';

import type { CommunicationConfig } from '../../config/communication-config.js';

/**
 * Who a connection acts for, as the gateway's {@link RealtimeGatewayAuth} established it.
 *
 * @example
 * ```ts
 * import type { RealtimeGatewayPrincipal } from '@agentry/realtime/server';
 *
 * const principal: RealtimeGatewayPrincipal = { id: 'user-1', expiresAt: Date.now() + 60_000 };
 * console.log(principal.id);
 * ```
 */
export interface RealtimeGatewayPrincipal {
  /** The principal's id (a user id). */
  readonly id: string;
  /**
   * When its credential expires (milliseconds since the epoch): the connection is closed with
   * 4001 then, at the next heartbeat.
   */
  readonly expiresAt?: number;
}

/**
 * How the WebSocket gateway authenticates an upgrade and authorizes each request. The realtime
 * server's auth module (`createRealtimeAuth`) is one; any object with these two methods works.
 *
 * Actions: a subscribe is authorized as `channel.read`, a cancel as `run.cancel`.
 *
 * @example
 * ```ts
 * import { AgentryError } from '@agentry/core';
 * import type { RealtimeGatewayAuth } from '@agentry/realtime/server';
 *
 * // Everyone who says who they are may read their own channels, and nobody may cancel.
 * const auth: RealtimeGatewayAuth = {
 *   async authenticate(request) {
 *     const user = request.headers['x-user'];
 *     if (typeof user !== 'string') {
 *       throw new AgentryError({ code: 'unauthenticated', message: 'No x-user header.' });
 *     }
 *     return { id: user };
 *   },
 *   async authorize(principal, action, channel) {
 *     if (action !== 'channel.read' || !channel.startsWith(`user/${principal.id}/`)) {
 *       throw new AgentryError({ code: 'permission_denied', message: `No ${action} on ${channel}.` });
 *     }
 *   },
 * };
 * console.log(typeof auth.authorize);
 * ```
 */
export interface RealtimeGatewayAuth<
  TPrincipal extends RealtimeGatewayPrincipal = RealtimeGatewayPrincipal,
> {
  /**
   * Establishes who an upgrade request acts for (a bearer token in `Authorization`, or a ticket in
   * `?ticket=`).
   *
   * @throws AgentryError `unauthenticated` for a missing, expired or forged credential
   */
  authenticate(request: IncomingMessage): Promise<TPrincipal>;
  /**
   * Allows an action on a channel, or throws.
   *
   * @throws AgentryError `permission_denied` when the principal may not
   */
  authorize(principal: TPrincipal, action: string, channel: string): Promise<void>;
}

/**
 * Per-connection bounds of the WebSocket gateway.
 *
 * @example
 * ```ts
 * import type { WebSocketGatewayLimits } from '@agentry/realtime/server';
 *
 * const limits: WebSocketGatewayLimits = { maxMessageBytes: 16_384, maxSubscriptions: 20, sendBufferBytes: 1_048_576 };
 * console.log(limits.maxSubscriptions);
 * ```
 */
export interface WebSocketGatewayLimits {
  /** The largest client frame or message accepted; a larger one closes with 1009. Default 64 KiB. */
  readonly maxMessageBytes?: number;
  /** Channels one connection follows at once; one more closes with 1008. Default 100. */
  readonly maxSubscriptions?: number;
  /**
   * Bytes queued for a connection (in `ws` and the socket) beyond which it is a slow consumer and
   * closed with 4000, to resume from its offsets. Default 4 MiB.
   */
  readonly sendBufferBytes?: number;
  /** Frames smaller than this are not compressed (permessage-deflate). Default 1 KiB. */
  readonly compressionThreshold?: number;
  /** Entries per catch-up frame. Default `batching.maxBatchSize` (at least 100). */
  readonly catchUpPageSize?: number;
  /** How long a closed connection's peer has to answer the close before it is terminated. Default 1 s. */
  readonly closeGraceMs?: number;
}

/**
 * Options of {@link createWebSocketGateway}.
 *
 * @example
 * ```ts
 * import type { RealtimeLog } from '@agentry/core';
 * import type { CommunicationConfig, } from '@agentry/realtime';
 * import type { RealtimeGatewayAuth, WebSocketGatewayOptions } from '@agentry/realtime/server';
 *
 * declare const log: RealtimeLog;
 * declare const auth: RealtimeGatewayAuth;
 * declare const config: CommunicationConfig;
 * const options: WebSocketGatewayOptions = { log, auth, config, limits: { maxSubscriptions: 10 } };
 * console.log(options.limits?.maxSubscriptions);
 * ```
 */
export interface WebSocketGatewayOptions<
  TPrincipal extends RealtimeGatewayPrincipal = RealtimeGatewayPrincipal,
> {
  /** The log the channels are read from. */
  readonly log: RealtimeLog;
  /** Authentication of upgrades and authorization of subscribes and cancels. */
  readonly auth: RealtimeGatewayAuth<TPrincipal>;
  /**
   * The communication section: batching and `realtime.maxLatency` for send-side batching,
   * `heartbeatInterval`, `connectionPool.idleTimeout` and `maxReuseCount`, and permessage-deflate
   * when the `websocket` entry of `protocols` has `compression`.
   */
  readonly config: CommunicationConfig;
  /** Where protocol violations, refusals and slow consumers are logged, with the connection id. */
  readonly logger?: Logger;
  /** Cancels the run a channel follows; called for an authorized `cancel`, never on a disconnect. */
  readonly onCancel?: (
    channel: string,
    principal: TPrincipal,
    reason: string | undefined,
  ) => Promise<void>;
  /**
   * The shared connection budget: returns a release function for an admitted connection, or
   * `undefined` to refuse it with HTTP 503 before the upgrade. Default: no limit here.
   */
  readonly admit?: () => (() => void) | undefined;
  /** Per-connection bounds. */
  readonly limits?: WebSocketGatewayLimits;
  /** The clock (milliseconds since the epoch), for idle timeouts and credential expiry. */
  readonly now?: () => number;
}
