import { AgentryError, assertChannelName } from '@agentry/core/browser';
import type { RealtimeTransport } from '../protocol.js';
import { defaultBackoff, type RealtimeBackoffOptions } from './backoff.js';
import type { RealtimeChannelEvent } from './channel-event.js';
import { createChannelIterator } from './channel-iterator.js';
import type { StartFollowing } from './channel-sink.js';
import type { RealtimeClientLogger } from './realtime-client-logger.js';
import { createRealtimeConnection } from './realtime-connection.js';
import type { RealtimeCredential } from './realtime-credential.js';
import { createRealtimeObservable, type RealtimeObservable } from './realtime-observable.js';
import type { RealtimeWebSocketConstructor } from './transports/transport.js';

/**
 * What {@link createRealtimeClient} takes.
 *
 * @example
 * ```ts
 * import { createRealtimeClient, type RealtimeClientOptions } from '@agentry/realtime/client';
 *
 * const options: RealtimeClientOptions = {
 *   url: 'https://example.com/realtime',
 *   ticket: async () => (await fetch('https://example.com/api/realtime-ticket')).text(),
 *   transports: ['websocket', 'sse', 'long_polling'],
 * };
 * const client = createRealtimeClient(options);
 * client.close();
 * ```
 */
export interface RealtimeClientOptions {
  /** The server's realtime base URL: `http(s)://host/realtime` (`ws(s)://` is accepted too). */
  readonly url: string;
  /** A bearer token, sent as `Authorization: Bearer`; on a WebSocket only where headers can be set (Node). */
  readonly token?: RealtimeCredential;
  /** A ticket from the server's `issueTicket`: `?ticket=` on the WebSocket, a bearer header over HTTP. Use it in browsers. */
  readonly ticket?: RealtimeCredential;
  /**
   * The transports to use, in order of preference. Default: the one the server advertises
   * (`Agentry-Realtime-Transport`, read with one `HEAD` of the first channel) first, then
   * `websocket`, `sse`, `long_polling`.
   */
  readonly transports?: readonly RealtimeTransport[];
  /** The WebSocket implementation. Default: `globalThis.WebSocket` (in Node 20, pass `ws`'s). */
  readonly WebSocket?: RealtimeWebSocketConstructor;
  /** The fetch implementation. Default: `globalThis.fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Reconnect delays (exponential, full jitter). */
  readonly backoff?: RealtimeBackoffOptions;
  /** Where the client reports connections, fallbacks and failures. */
  readonly logger?: RealtimeClientLogger;
  /** Consecutive failures to connect over a transport before falling back to the next. Default 2. */
  readonly maxConnectFailures?: number;
  /**
   * How long the client stays on a fallback transport before trying the preferred one again
   * (milliseconds; doubled after each failed try, at most 10 minutes). Default 60 000.
   */
  readonly upgradeAfterMs?: number;
  /** The random source for jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * One channel of a {@link RealtimeClient}: an async iterable of its events and an Observable.
 * Following starts when iteration (or a subscription) starts and stops when it ends.
 *
 * @example
 * ```ts
 * import { createRealtimeClient } from '@agentry/realtime/client';
 *
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime' });
 * for await (const event of client.channel('run/r-1')) {
 *   if (event.type === 'event') console.log(event.data);
 * }
 * client.close();
 * ```
 */
export interface RealtimeChannel extends AsyncIterable<RealtimeChannelEvent> {
  /** The channel's name. */
  readonly name: string;
  /** The channel's events as an Observable (rxjs-compatible through `Symbol.observable`). */
  observable(): RealtimeObservable<RealtimeChannelEvent>;
}

/**
 * Options of {@link RealtimeClient.channel}.
 *
 * @example
 * ```ts
 * import { createRealtimeClient, type RealtimeChannelOptions } from '@agentry/realtime/client';
 *
 * declare const savedOffset: string | undefined; // the last offset the app stored
 * const options: RealtimeChannelOptions = { offset: savedOffset ?? '-1' };
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime' });
 * const channel = client.channel('run/r-1', options);
 * console.log(channel.name);
 * client.close();
 * ```
 */
export interface RealtimeChannelOptions {
  /**
   * The last offset already applied: events after it come. `-1` (default) for the whole retained
   * history, `now` for only what comes next.
   */
  readonly offset?: string;
}

/**
 * A client of an Agentry realtime server.
 *
 * @example
 * ```ts
 * import { createRealtimeClient } from '@agentry/realtime/client';
 *
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime' });
 * await client.cancel('run/r-1', 'The user pressed stop.');
 * client.close();
 * ```
 */
export interface RealtimeClient {
  /**
   * A channel to follow. A client follows a channel once at a time; following it again while the
   * first iteration runs fails with `conflict`.
   *
   * @throws AgentryError `validation_failed` when the name is not a valid channel name.
   */
  channel(name: string, options?: RealtimeChannelOptions): RealtimeChannel;
  /**
   * Cancels the run a channel follows (a command; closing a client never cancels anything). Over
   * the open WebSocket when there is one, else `POST {url}/cancel/{channel}`.
   *
   * @throws AgentryError `permission_denied`, `not_found` or `unauthenticated` from the server.
   */
  cancel(channel: string, reason?: string): Promise<void>;
  /** Closes every connection; iterations end, subscriptions complete. */
  close(): void;
  /** The transport of the open connection, or `undefined` while none is open. */
  readonly transport: RealtimeTransport | undefined;
}

/**
 * Creates a client that follows channels of an Agentry realtime server, in a browser or in Node.
 *
 * It connects over WebSocket (or the transport the server advertises) and falls back to SSE, then
 * long polling, when a transport is blocked or fails to connect `maxConnectFailures` times in a
 * row; on a fallback it tries the preferred transport again after `upgradeAfterMs`. Each channel
 * resumes from the last offset it applied, after an exponential backoff with full jitter; any event
 * at or below that offset is dropped, so none is lost or repeated across reconnects and transport
 * switches. When the server no longer holds that history, the channel yields a `gap` with the
 * snapshot to rebuild from. A `4001` close or `401` gets a fresh credential from the `token` or
 * `ticket` function before reconnecting.
 *
 * @throws AgentryError `validation_failed` when `url` is not an http(s) or ws(s) URL, or an option
 * is out of range.
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * import { createRealtimeClient, type RealtimeWebSocketConstructor } from '@agentry/realtime/client';
 *
 * const client = createRealtimeClient({
 *   url: 'http://127.0.0.1:8080/realtime',
 *   ticket: async () => 'a-ticket-from-your-server',
 *   WebSocket: WebSocket as unknown as RealtimeWebSocketConstructor,
 * });
 * for await (const event of client.channel('run/r-1')) {
 *   if (event.type === 'event') console.log(event.offset, event.data);
 *   if (event.type === 'gap') console.log('rebuild from', event.snapshot);
 * }
 * client.close();
 * ```
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const baseUrl = normalizeUrl(options.url);
  const fetchImplementation = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImplementation !== 'function') {
    throw invalid('fetch', 'No fetch implementation is available.', 'Pass options.fetch.');
  }
  const backoff = { ...defaultBackoff, ...options.backoff };
  for (const key of ['initialMs', 'maxMs', 'factor'] as const) {
    if (!(Number.isFinite(backoff[key]) && backoff[key] > 0)) {
      throw invalid(
        `backoff.${key}`,
        `backoff.${key} must be a positive number. Received ${String(backoff[key])}.`,
        'Use a positive number of milliseconds (factor: 1 or more).',
      );
    }
  }
  const maxConnectFailures = options.maxConnectFailures ?? 2;
  if (!Number.isInteger(maxConnectFailures) || maxConnectFailures < 1) {
    throw invalid(
      'maxConnectFailures',
      `maxConnectFailures must be an integer of 1 or more. Received ${String(maxConnectFailures)}.`,
      'Use 1 or more.',
    );
  }
  const upgradeAfterMs = options.upgradeAfterMs ?? 60_000;
  if (!(Number.isFinite(upgradeAfterMs) && upgradeAfterMs > 0)) {
    throw invalid(
      'upgradeAfterMs',
      `upgradeAfterMs must be a positive number. Received ${String(upgradeAfterMs)}.`,
      'Use a number of milliseconds.',
    );
  }
  const known: readonly string[] = ['websocket', 'sse', 'long_polling'];
  if (options.transports !== undefined) {
    const unknown = options.transports.find((transport) => !known.includes(transport));
    if (options.transports.length === 0 || unknown !== undefined) {
      throw invalid(
        'transports',
        `transports must list websocket, sse or long_polling. Received ${JSON.stringify(options.transports)}.`,
        'Leave transports out to follow the server’s preference.',
      );
    }
  }
  const WebSocketImplementation =
    options.WebSocket ?? (globalThis as { WebSocket?: RealtimeWebSocketConstructor }).WebSocket;
  if (
    WebSocketImplementation === undefined &&
    options.transports !== undefined &&
    options.transports.every((transport) => transport === 'websocket')
  ) {
    throw invalid(
      'WebSocket',
      'transports allows only websocket, and this runtime has no global WebSocket.',
      "Pass options.WebSocket (in Node 20, the ws package's WebSocket), or allow sse and long_polling.",
    );
  }

  const connection = createRealtimeConnection({
    baseUrl,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.ticket === undefined ? {} : { ticket: options.ticket }),
    ...(options.transports === undefined ? {} : { transports: options.transports }),
    ...(WebSocketImplementation === undefined ? {} : { WebSocket: WebSocketImplementation }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    fetch: fetchImplementation,
    backoff,
    random: options.random ?? Math.random,
    maxConnectFailures,
    upgradeAfterMs,
  });

  return {
    channel(name, channelOptions = {}) {
      assertChannelName(name);
      const offset = channelOptions.offset ?? '-1';
      if (typeof offset !== 'string' || offset === '' || /[,&=?/\s]/.test(offset)) {
        throw invalid(
          'offset',
          `The offset ${JSON.stringify(offset)} for channel ${name} is not an offset.`,
          'Pass an offset the client yielded, -1 for the start or now for only new events.',
        );
      }
      const start: StartFollowing = (sink) => connection.follow(name, offset, sink);
      return {
        name,
        [Symbol.asyncIterator]: () => createChannelIterator(start),
        observable: () => createRealtimeObservable(start),
      };
    },
    cancel(channel, reason) {
      assertChannelName(channel);
      return connection.cancel(channel, reason);
    },
    close() {
      connection.close();
    },
    get transport() {
      return connection.transport;
    },
  };
}

function normalizeUrl(url: unknown): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw invalid(
      'url',
      `The realtime URL ${JSON.stringify(url)} is not a URL.`,
      'Pass the server’s realtime base URL, for example https://example.com/realtime.',
    );
  }
  const schemes: Record<string, string> = {
    'http:': 'http:',
    'https:': 'https:',
    'ws:': 'http:',
    'wss:': 'https:',
  };
  const scheme = schemes[parsed.protocol];
  if (scheme === undefined) {
    throw invalid(
      'url',
      `The realtime URL ${JSON.stringify(url)} must use http, https, ws or wss.`,
      'Pass the server’s realtime base URL, for example https://example.com/realtime.',
    );
  }
  parsed.protocol = scheme;
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().replace(/\/+$/, '');
}

function invalid(path: string, message: string, suggestion: string): AgentryError {
  return new AgentryError({
    code: 'validation_failed',
    message,
    details: { path },
    suggestions: [suggestion],
  });
}
