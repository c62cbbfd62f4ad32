/**
 * The wire protocol between `@agentry/realtime/server` and `@agentry/realtime/client`: routes,
 * headers, WebSocket messages and close codes. Types and constants only, safe in a browser.
 *
 * HTTP routes, under the server's base path (default `/realtime`):
 * - `{base}/streams/{channel}`: the Durable Streams protocol (`PUT` create, `POST` append, `HEAD`,
 *   `DELETE`, `GET ?offset=` catch-up, `&live=long-poll`, `&live=sse`).
 * - `{base}/ui-stream/{channel}`: a run's channel as the AI SDK UI message stream (SSE).
 * - `{base}/cancel/{channel}`: `POST` cancels the run the channel follows (a command, never a
 *   disconnect).
 * - `{base}/ws`: the WebSocket endpoint, subprotocol {@link REALTIME_SUBPROTOCOL}.
 *
 * Credentials: `Authorization: Bearer <token or ticket>`, or `?ticket=` for browsers that cannot
 * set headers on WebSocket and EventSource.
 *
 * @packageDocumentation
 */

/**
 * The WebSocket subprotocol a client asks for, and the version of these messages.
 *
 * @example
 * ```ts
 * import { REALTIME_SUBPROTOCOL } from '@agentry/realtime/client';
 *
 * const socket = new WebSocket('wss://example.com/realtime/ws', REALTIME_SUBPROTOCOL);
 * socket.close();
 * ```
 */
export const REALTIME_SUBPROTOCOL = 'agentry.realtime.v1';

/**
 * The default base path the server's routes live under.
 *
 * @example
 * ```ts
 * import { DEFAULT_REALTIME_BASE_PATH } from '@agentry/realtime/client';
 *
 * console.log(`${DEFAULT_REALTIME_BASE_PATH}/streams/run/r-1`);
 * ```
 */
export const DEFAULT_REALTIME_BASE_PATH = '/realtime';

/**
 * Durable Streams' HTTP headers, and Agentry's own.
 *
 * @example
 * ```ts
 * import { realtimeHeaders } from '@agentry/realtime/client';
 *
 * const response = await fetch('http://127.0.0.1:8080/realtime/streams/run/r-1?offset=-1');
 * console.log(response.headers.get(realtimeHeaders.nextOffset));
 * ```
 */
export const realtimeHeaders = {
  /** The offset to read from next. */
  nextOffset: 'Stream-Next-Offset',
  /** `true` when the response reaches the channel's tail. */
  upToDate: 'Stream-Up-To-Date',
  /** `true` when the channel is closed: nothing more, ever. */
  closed: 'Stream-Closed',
  /** The channel's epoch (Agentry's own). */
  epoch: 'Agentry-Stream-Epoch',
  /** The transport the server tells clients to prefer (Agentry's own). */
  transport: 'Agentry-Realtime-Transport',
} as const;

/**
 * The field of an SSE `event: control` (Agentry's own, next to Durable Streams' `streamNextOffset`)
 * that lists the offset of every entry of the `event: data` before it, in order, on JSON
 * channels. Durable Streams clients ignore it; Agentry's client uses it instead of deriving the
 * earlier entries' offsets from the last one.
 *
 * @internal
 */
export const REALTIME_SSE_OFFSETS_FIELD = 'agentryOffsets';

/**
 * A transport a client can use.
 *
 * @example
 * ```ts
 * import type { RealtimeTransport } from '@agentry/realtime/client';
 *
 * const order: RealtimeTransport[] = ['websocket', 'sse', 'long_polling'];
 * console.log(order[0]);
 * ```
 */
export type RealtimeTransport = 'websocket' | 'sse' | 'long_polling';

/**
 * A message a client sends over the WebSocket (a JSON text frame).
 *
 * - `subscribe`: follow a channel from just after `offset` (the last offset the client applied;
 *   `-1` for the start, `now` for only what comes next). Answered with `subscribed`, then `events`
 *   batches; or `gap` when the offset is gone; or `error`.
 * - `unsubscribe`: stop following it.
 * - `cancel`: cancel the run a channel follows (authorized like a write).
 *
 * @example
 * ```ts
 * import type { RealtimeClientMessage } from '@agentry/realtime/client';
 *
 * const message: RealtimeClientMessage = { type: 'subscribe', channel: 'run/r-1', offset: '-1' };
 * console.log(JSON.stringify(message));
 * ```
 */
export type RealtimeClientMessage =
  | {
      /** Follow a channel. */
      readonly type: 'subscribe';
      /** The channel to follow. */
      readonly channel: string;
      /** The last offset the client applied (`-1`: the start; `now`: only what comes next). */
      readonly offset?: string;
    }
  | {
      /** Stop following a channel. */
      readonly type: 'unsubscribe';
      /** The channel to stop following. */
      readonly channel: string;
    }
  | {
      /** Cancel the run a channel follows. */
      readonly type: 'cancel';
      /** The run's channel. */
      readonly channel: string;
      /** Why the run is cancelled. */
      readonly reason?: string;
    };

/**
 * One event as it travels: its offset and its data (an AG-UI event on run channels).
 *
 * @example
 * ```ts
 * import type { RealtimeWireEvent } from '@agentry/realtime/client';
 *
 * const event: RealtimeWireEvent = { offset: '0193a1b2c3d4_0000000000000001', data: { type: 'RUN_STARTED' } };
 * console.log(event.offset);
 * ```
 */
export interface RealtimeWireEvent {
  /** The event's offset in its channel. */
  readonly offset: string;
  /** The event. */
  readonly data: unknown;
}

/**
 * A message the server sends over the WebSocket (a JSON text frame). `events` carry offsets in
 * increasing order; a client drops any at or below the last it applied.
 *
 * - `subscribed`: the subscription starts after `offset`, in `epoch`.
 * - `events`: a batch; `upToDate` when it reaches the channel's tail.
 * - `gap`: the offset asked for is gone (`retention`: dropped; `epoch`: the channel's history was
 *   reset). Carries the snapshot to rebuild from, when there is one; events after the snapshot's
 *   offset follow.
 * - `closed`: the channel ended: nothing more, ever.
 * - `error`: a request failed (`permission_denied`, `not_found`, `validation_failed`...); the
 *   connection and its other subscriptions go on.
 * - `cancelled`: a cancel was accepted.
 *
 * @example
 * ```ts
 * import type { RealtimeServerMessage } from '@agentry/realtime/client';
 *
 * declare const message: RealtimeServerMessage;
 * if (message.type === 'events') for (const event of message.events) console.log(event.offset);
 * ```
 */
export type RealtimeServerMessage =
  | {
      /** A subscription started. */
      readonly type: 'subscribed';
      /** The channel followed. */
      readonly channel: string;
      /** The offset the subscription starts after. */
      readonly offset: string;
      /** The channel's epoch. */
      readonly epoch: string;
    }
  | {
      /** A batch of events. */
      readonly type: 'events';
      /** The channel they belong to. */
      readonly channel: string;
      /** The events, in increasing offset order. */
      readonly events: readonly RealtimeWireEvent[];
      /** `true` when the batch reaches the channel's tail. */
      readonly upToDate: boolean;
    }
  | {
      /** The offset asked for is gone. */
      readonly type: 'gap';
      /** The channel followed. */
      readonly channel: string;
      /** `retention`: the events were dropped; `epoch`: the channel's history was reset. */
      readonly reason: 'retention' | 'epoch';
      /** The offset the oldest kept events follow. */
      readonly retainedAfter: string;
      /** The snapshot to rebuild from, when there is one; events after its offset follow. */
      readonly snapshot?: RealtimeWireEvent;
    }
  | {
      /** The channel ended: nothing more, ever. */
      readonly type: 'closed';
      /** The channel that ended. */
      readonly channel: string;
      /** The channel's final offset. */
      readonly offset: string;
    }
  | {
      /** A request failed; the connection and its other subscriptions go on. */
      readonly type: 'error';
      /** The channel the failed request named, if any. */
      readonly channel?: string;
      /** What went wrong. */
      readonly error: {
        /** The error code (`permission_denied`, `not_found`, `validation_failed`...). */
        readonly code: string;
        /** A readable description. */
        readonly message: string;
      };
    }
  | {
      /** A cancel was accepted. */
      readonly type: 'cancelled';
      /** The channel whose run is being cancelled. */
      readonly channel: string;
    };

/**
 * The WebSocket close codes the server uses, and what a client does on each.
 *
 * @example
 * ```ts
 * import { realtimeCloseCodes } from '@agentry/realtime/client';
 *
 * declare const event: { code: number };
 * if (event.code === realtimeCloseCodes.slowConsumer) console.log('resume from the last offset');
 * ```
 */
export const realtimeCloseCodes = {
  /** The server is shutting down: reconnect (to another instance) and resume. */
  goingAway: 1001,
  /** A frame was not valid UTF-8 or not JSON: fix the client. */
  invalidPayload: 1007,
  /** A binary frame: the protocol takes JSON text frames only; fix the client. */
  unsupportedData: 1003,
  /** An unknown message type, or too many subscriptions: fix the client. */
  policyViolation: 1008,
  /** A frame or message larger than the server accepts. */
  messageTooBig: 1009,
  /** The server failed; reconnect with backoff. */
  internalError: 1011,
  /** The server holds as many connections as it may: reconnect later, with backoff. */
  tryAgainLater: 1013,
  /** The client read too slowly and its send buffer filled: reconnect and resume from its offsets. */
  slowConsumer: 4000,
  /** The credential expired or was revoked: get a new one, then reconnect. */
  credentialExpired: 4001,
  /** No traffic for `connectionPool.idleTimeout`: reconnect when needed. */
  idleTimeout: 4002,
  /** The connection served `connectionPool.maxReuseCount` subscriptions: reconnect and resume. */
  reuseLimit: 4003,
  /** A pong did not come back within the heartbeat: reconnect and resume. */
  heartbeatTimeout: 4004,
} as const;
