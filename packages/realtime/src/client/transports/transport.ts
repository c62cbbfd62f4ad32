import type { AgentryError } from '@agentry/core/browser';
import type { RealtimeTransport, RealtimeWireEvent } from '../../protocol.js';

/**
 * Why a transport session went down, and what the connection should do about it.
 *
 * @internal
 */
export interface TransportDown {
  /** Whether the session had connected (a failure before that counts towards falling back). */
  readonly opened: boolean;
  /** Nothing can connect over this transport here (constructor refused, wrong protocol, proxy). */
  readonly blocked?: boolean;
  /** The credential was refused or expired: get a fresh one before reconnecting. */
  readonly credentialExpired?: boolean;
  /** Reconnecting cannot help: every channel fails with this error. */
  readonly fatal?: AgentryError;
  /** What happened, for the logger. */
  readonly reason: string;
}

/**
 * What a transport session reports to the connection that owns the channels' state.
 *
 * @internal
 */
export interface TransportHandlers {
  /** The session connected. */
  open(): void;
  /**
   * Events for a channel, in order. With `batchOffset`, the events are one unit ending at that
   * offset (HTTP reads), applied whole or dropped whole.
   */
  events(channel: string, events: readonly RealtimeWireEvent[], batchOffset?: string): void;
  /** The offset asked for is gone; continue after `retainedAfter` (or the snapshot's offset). */
  gap(
    channel: string,
    reason: 'retention' | 'epoch',
    retainedAfter: string,
    snapshot?: RealtimeWireEvent,
  ): void;
  /** The subscription starts after `offset` (the server resolved `now`). */
  subscribed(channel: string, offset: string): void;
  /** The channel ended. */
  closed(channel: string, offset: string): void;
  /** This channel cannot be followed (permission, not found, bad offset); others go on. */
  channelError(channel: string, error: AgentryError): void;
  /** The server advertised the transport it prefers. */
  advertised(transport: RealtimeTransport): void;
  /** The last offset the client applied for a channel (HTTP transports read from it). */
  position(channel: string): string;
  /** The session is gone; nothing more comes from it. */
  down(info: TransportDown): void;
}

/**
 * One connection attempt over one transport, carrying every followed channel.
 *
 * @internal
 */
export interface TransportSession {
  subscribe(channel: string): void;
  unsubscribe(channel: string): void;
  cancel(channel: string, reason?: string): Promise<void>;
  close(): void;
}

/**
 * What a transport needs to open a session.
 *
 * @internal
 */
export interface TransportContext {
  /** The realtime base URL, without a trailing slash (`https://host/realtime`). */
  readonly baseUrl: string;
  readonly token?: string;
  readonly ticket?: string;
  readonly fetch: typeof globalThis.fetch;
  readonly WebSocket?: RealtimeWebSocketConstructor;
  readonly handlers: TransportHandlers;
}

/**
 * The part of the WebSocket API the client uses: the browser's, Node's global, or `ws`'s.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * import { createRealtimeClient, type RealtimeWebSocketConstructor } from '@agentry/realtime/client';
 *
 * const WebSocketImplementation = WebSocket as unknown as RealtimeWebSocketConstructor;
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime', WebSocket: WebSocketImplementation });
 * client.close();
 * ```
 */
export type RealtimeWebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => RealtimeWebSocketLike;

/**
 * The members of a WebSocket the client uses.
 *
 * @example
 * ```ts
 * import type { RealtimeWebSocketLike } from '@agentry/realtime/client';
 *
 * declare const socket: RealtimeWebSocketLike;
 * socket.onmessage = (message) => console.log(message.data);
 * ```
 */
export interface RealtimeWebSocketLike {
  /** The subprotocol the server chose. */
  readonly protocol: string;
  /** 1 when open. */
  readonly readyState: number;
  /** Sends a text frame. */
  send(data: string): void;
  /** Closes the socket. */
  close(code?: number, reason?: string): void;
  /** Called when the socket opened. */
  onopen: ((event: unknown) => void) | null;
  /** Called with each message. */
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Called when the socket closed, with the close code. */
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Called on an error (a close follows). */
  onerror: ((event: unknown) => void) | null;
}
