/**
 * The `communication` section of the Agentry configuration, as the spec's `CommunicationConfig`
 * defines it and once validated: what the realtime server, its transports and its batching run by.
 *
 * @example
 * ```ts
 * import type { CommunicationConfig } from '@agentry/realtime';
 *
 * const communication: CommunicationConfig = {
 *   realtime: { protocol: 'websocket', maxLatency: 100, bufferSize: 10_000, heartbeatInterval: 30_000 },
 *   batching: { enabled: true, maxBatchSize: 64, maxWaitTime: 20, flushInterval: 50 },
 *   connectionPool: { maxConnections: 10_000, idleTimeout: 300_000, maxReuseCount: 1_000 },
 *   protocols: [{ name: 'websocket', version: '13', encryption: true, compression: true }],
 * };
 * console.log(communication.realtime.protocol);
 * ```
 */
export interface CommunicationConfig {
  /** Delivery: the transport clients are told to prefer, and the bounds every transport keeps. */
  readonly realtime: {
    /** The transport clients are told to use first; all three are served. */
    readonly protocol: 'websocket' | 'sse' | 'long_polling';
    /** The longest an event is held by batching before it is appended or sent (milliseconds). */
    readonly maxLatency: number;
    /** How many events each channel's log keeps. */
    readonly bufferSize: number;
    /** How often a WebSocket is pinged, and SSE sends a keep-alive comment (milliseconds). */
    readonly heartbeatInterval: number;
  };
  /** How events are coalesced before they reach the log and before they are sent. */
  readonly batching: {
    /** Whether events are coalesced at all. */
    readonly enabled: boolean;
    /** A batch is written or sent as soon as it holds this many events. */
    readonly maxBatchSize: number;
    /** The longest the first event of a batch waits for others (milliseconds). */
    readonly maxWaitTime: number;
    /** While events are held, they are written or sent at least this often (milliseconds). */
    readonly flushInterval: number;
  };
  /** Connection limits, counted over every transport. */
  readonly connectionPool: {
    /** Connections held at once; the next is refused (HTTP 503, WebSocket close 1013). */
    readonly maxConnections: number;
    /** A connection with no traffic for this long is closed (milliseconds). */
    readonly idleTimeout: number;
    /** Requests one kept-alive HTTP connection serves, and subscriptions one WebSocket makes. */
    readonly maxReuseCount: number;
  };
  /** Per transport: whether TLS is required and whether payloads are compressed. */
  readonly protocols: readonly {
    /** The transport: `websocket`, `sse`, `long_polling`, or `http` for all HTTP routes. */
    readonly name: string;
    /** The protocol version, informational. */
    readonly version: string;
    /** Require TLS: refuse to start on plain HTTP except on loopback. */
    readonly encryption: boolean;
    /** Compress: permessage-deflate on WebSocket, gzip on SSE and long polling. */
    readonly compression: boolean;
  }[];
}
