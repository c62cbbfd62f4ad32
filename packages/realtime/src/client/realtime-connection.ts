/**
 * The one owner of a client's mutable state. What it holds:
 * - `followers`: channel name → the follower of that channel (its last applied offset and its
 *   sink). `follow` adds one; `stop`, a `closed` channel, a channel error and `close` remove it.
 *   At most one follower per channel per client.
 * - `session` / `sessionId`: the transport session in use (none while waiting to reconnect or
 *   idle). Every session's callbacks carry its id; those of an older session are ignored, so a
 *   late message from a dropped socket can never apply an event twice.
 * - `index` / `failures`: which transport of `order` is in use and how many consecutive attempts
 *   on it failed before connecting; `attempt`: reconnects since a session last opened (backoff).
 * - `probe`: while on a fallback transport, when to try the preferred one again.
 * Invariants: a follower's `lastApplied` only moves forward, except to the offset a gap names;
 * an event reaches a sink only when its offset is after `lastApplied`, which is updated first.
 */
import { AgentryError } from '@agentry/core/browser';
import type { RealtimeTransport, RealtimeWireEvent } from '../protocol.js';
import { backoffDelay, type RealtimeBackoffOptions } from './backoff.js';
import type { RealtimeClientLogger } from './realtime-client-logger.js';
import { createCredentialSource, type RealtimeCredential } from './realtime-credential.js';
import type { ChannelSink } from './channel-sink.js';
import {
  authorizationHeaders,
  channelPath,
  readAdvertisedTransport,
} from './transports/http-common.js';
import { openLongPollSession } from './transports/long-poll-transport.js';
import { openSseSession } from './transports/sse-transport.js';
import type {
  RealtimeWebSocketConstructor,
  TransportContext,
  TransportDown,
  TransportHandlers,
  TransportSession,
} from './transports/transport.js';
import { openWebSocketSession } from './transports/websocket-transport.js';

/** @internal */
export interface RealtimeConnectionOptions {
  readonly baseUrl: string;
  readonly token?: RealtimeCredential;
  readonly ticket?: RealtimeCredential;
  readonly transports?: readonly RealtimeTransport[];
  readonly WebSocket?: RealtimeWebSocketConstructor;
  readonly fetch: typeof globalThis.fetch;
  readonly backoff: Required<RealtimeBackoffOptions>;
  readonly logger?: RealtimeClientLogger;
  readonly random: () => number;
  readonly maxConnectFailures: number;
  readonly upgradeAfterMs: number;
}

interface Follower {
  lastApplied: string;
  readonly sink: ChannelSink;
}

const defaultOrder: readonly RealtimeTransport[] = ['websocket', 'sse', 'long_polling'];
const maxProbeIntervalMs = 10 * 60_000;

const openers: Record<RealtimeTransport, (context: TransportContext) => TransportSession> = {
  websocket: openWebSocketSession,
  sse: openSseSession,
  long_polling: openLongPollSession,
};

/** Whether `offset` comes after `last` (the sentinels `-1` and `now` precede every offset). */
function isAfter(offset: string, last: string): boolean {
  return last === '-1' || last === 'now' || offset > last;
}

/** @internal */
export interface RealtimeConnection {
  follow(channel: string, offset: string, sink: ChannelSink): () => void;
  cancel(channel: string, reason?: string): Promise<void>;
  close(): void;
  readonly transport: RealtimeTransport | undefined;
}

/** @internal */
export function createRealtimeConnection(options: RealtimeConnectionOptions): RealtimeConnection {
  const followers = new Map<string, Follower>();
  let order: readonly RealtimeTransport[] = options.transports ?? defaultOrder;
  let discovered = options.transports !== undefined;
  let session: TransportSession | undefined;
  let sessionTransport: RealtimeTransport | undefined;
  let sessionOpen = false;
  let sessionId = 0;
  let connecting = false;
  let closed = false;
  let index = 0;
  let failures = 0;
  let attempt = 0;
  let credentialFailures = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let probeFailures = 0;
  let probeReturnIndex: number | undefined;
  const { logger } = options;

  const credentialSource = createCredentialSource(options.token, options.ticket);

  const failAll = (error: AgentryError): void => {
    const sinks = [...followers.values()].map((follower) => follower.sink);
    followers.clear();
    dropSession();
    for (const sink of sinks) sink.fail(error);
  };

  const dropSession = (): void => {
    sessionId++;
    session?.close();
    session = undefined;
    sessionTransport = undefined;
    sessionOpen = false;
    connecting = false;
    if (probeTimer !== undefined) clearTimeout(probeTimer);
    probeTimer = undefined;
  };

  const goIdleWhenUnused = (): void => {
    if (followers.size > 0) return;
    dropSession();
    if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
  };

  const schedule = (delay: number): void => {
    if (closed || followers.size === 0 || reconnectTimer !== undefined) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delay);
  };

  const scheduleProbe = (): void => {
    if (index === 0 || probeTimer !== undefined) return;
    const delay = Math.min(maxProbeIntervalMs, options.upgradeAfterMs * 2 ** probeFailures);
    probeTimer = setTimeout(() => {
      probeTimer = undefined;
      if (closed || !sessionOpen || index === 0 || followers.size === 0) return;
      logger?.debug?.('realtime: trying the preferred transport again', { transport: order[0] });
      probeReturnIndex = index;
      index = 0;
      failures = 0;
      dropSession();
      void connect();
    }, delay);
  };

  const discover = async (
    firstChannel: string,
    current: { token?: string; ticket?: string },
  ): Promise<void> => {
    discovered = true;
    try {
      const response = await options.fetch(
        `${options.baseUrl}/streams/${channelPath(firstChannel)}`,
        { method: 'HEAD', headers: authorizationHeaders(current) },
      );
      const advertised = readAdvertisedTransport(response.headers);
      if (advertised !== undefined) adopt(advertised);
    } catch (error) {
      logger?.debug?.('realtime: no transport preference from the server', {
        error: String(error),
      });
    }
  };

  const adopt = (preferred: RealtimeTransport): void => {
    order = [preferred, ...defaultOrder.filter((transport) => transport !== preferred)];
    index = 0;
  };

  const handlersFor = (id: number, transport: RealtimeTransport): TransportHandlers => {
    const current = (): boolean => id === sessionId && !closed;
    return {
      open() {
        if (!current()) return;
        sessionOpen = true;
        failures = 0;
        attempt = 0;
        credentialFailures = 0;
        if (probeReturnIndex !== undefined) {
          probeReturnIndex = undefined;
          probeFailures = 0;
        }
        logger?.debug?.('realtime: connected', { transport });
        scheduleProbe();
      },
      events(channel, events, batchOffset) {
        if (!current()) return;
        const follower = followers.get(channel);
        if (follower === undefined) return;
        if (batchOffset !== undefined) {
          if (!isAfter(batchOffset, follower.lastApplied)) return;
          const previous = follower.lastApplied;
          follower.lastApplied = batchOffset;
          deliver(
            channel,
            follower,
            events,
            (event) => event.offset === batchOffset || isAfter(event.offset, previous),
          );
          return;
        }
        for (const event of events) {
          if (followers.get(channel) !== follower || !current()) return;
          if (!isAfter(event.offset, follower.lastApplied)) continue;
          follower.lastApplied = event.offset;
          follower.sink.event({ type: 'event', offset: event.offset, data: event.data });
        }
      },
      gap(channel, reason, retainedAfter, snapshot) {
        if (!current()) return;
        const follower = followers.get(channel);
        if (follower === undefined) return;
        follower.lastApplied = snapshot?.offset ?? retainedAfter;
        logger?.warn?.('realtime: gap', { channel, reason, resumeAfter: follower.lastApplied });
        follower.sink.event({
          type: 'gap',
          reason,
          ...(snapshot === undefined ? {} : { snapshot }),
        });
      },
      subscribed(channel, offset) {
        if (!current()) return;
        const follower = followers.get(channel);
        if (follower?.lastApplied === 'now') follower.lastApplied = offset;
      },
      closed(channel, offset) {
        if (!current()) return;
        const follower = followers.get(channel);
        if (follower === undefined) return;
        if (isAfter(offset, follower.lastApplied)) follower.lastApplied = offset;
        followers.delete(channel);
        follower.sink.event({ type: 'closed', offset: follower.lastApplied });
        follower.sink.end();
        goIdleWhenUnused();
      },
      channelError(channel, error) {
        if (!current()) return;
        const follower = followers.get(channel);
        if (follower === undefined) return;
        followers.delete(channel);
        session?.unsubscribe(channel);
        follower.sink.fail(error);
        goIdleWhenUnused();
      },
      advertised(preferred) {
        if (!current() || discovered) return;
        discovered = true;
        if (preferred !== order[index]) adopt(preferred);
      },
      position(channel) {
        return followers.get(channel)?.lastApplied ?? '-1';
      },
      down(info) {
        if (!current()) return;
        onDown(transport, info);
      },
    };
  };

  const deliver = (
    channel: string,
    follower: Follower,
    events: readonly RealtimeWireEvent[],
    keep: (event: RealtimeWireEvent) => boolean,
  ): void => {
    for (const event of events) {
      if (followers.get(channel) !== follower || closed) return;
      if (keep(event))
        follower.sink.event({ type: 'event', offset: event.offset, data: event.data });
    }
  };

  const onDown = (transport: RealtimeTransport, info: TransportDown): void => {
    dropSession();
    if (info.fatal !== undefined) {
      logger?.warn?.('realtime: connection refused for good', { transport, reason: info.reason });
      failAll(info.fatal);
      return;
    }
    logger?.warn?.('realtime: connection lost', {
      transport,
      reason: info.reason,
      opened: info.opened,
    });
    if (info.credentialExpired === true) {
      credentialFailures++;
      if (!credentialSource.refreshable || credentialFailures > 2) {
        failAll(
          new AgentryError({
            code: 'unauthenticated',
            message: `The realtime server refused the client's credential (${info.reason}).`,
            details: { transport },
            suggestions: [
              'Pass token or ticket as an async function that returns a fresh credential.',
              'Check that the credential allows these channels.',
            ],
          }),
        );
        return;
      }
      credentialSource.invalidate();
      schedule(0);
      return;
    }
    if (!info.opened) {
      if (probeReturnIndex !== undefined) {
        index = probeReturnIndex;
        probeReturnIndex = undefined;
        probeFailures++;
        failures = 0;
        schedule(0);
        return;
      }
      failures++;
      if (
        (info.blocked === true || failures >= options.maxConnectFailures) &&
        index < order.length - 1
      ) {
        index++;
        failures = 0;
        logger?.warn?.('realtime: falling back', { from: transport, to: order[index] });
        schedule(0);
        return;
      }
    }
    schedule(backoffDelay(attempt++, options.backoff, options.random));
  };

  const connect = async (): Promise<void> => {
    if (closed || followers.size === 0 || connecting || session !== undefined) return;
    connecting = true;
    const id = ++sessionId;
    let current: { token?: string; ticket?: string };
    try {
      current = await credentialSource.fresh();
    } catch (error) {
      if (id !== sessionId) return;
      connecting = false;
      logger?.warn?.('realtime: getting a credential failed', { error: String(error) });
      schedule(backoffDelay(attempt++, options.backoff, options.random));
      return;
    }
    if (!discovered) {
      const first = followers.keys().next();
      if (!first.done) await discover(first.value, current);
    }
    if (id !== sessionId || closed || followers.size === 0) {
      if (id === sessionId) connecting = false;
      return;
    }
    connecting = false;
    const transport = order[index] ?? 'long_polling';
    sessionTransport = transport;
    session = openers[transport]({
      baseUrl: options.baseUrl,
      ...current,
      fetch: options.fetch,
      ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
      handlers: handlersFor(id, transport),
    });
    for (const channel of followers.keys()) {
      if (id !== sessionId) return;
      session.subscribe(channel);
    }
  };

  return {
    follow(channel, offset, sink) {
      if (closed) {
        sink.fail(
          new AgentryError({
            code: 'invalid_request',
            message: `Cannot follow channel ${channel}: the realtime client is closed.`,
            suggestions: ['Create a new client with createRealtimeClient.'],
          }),
        );
        return () => {};
      }
      if (followers.has(channel)) {
        sink.fail(
          new AgentryError({
            code: 'conflict',
            message: `Channel ${channel} is already followed by this client.`,
            details: { channel },
            suggestions: [
              'Share one iteration (for example with rxjs share()), or stop the first one before following again.',
            ],
          }),
        );
        return () => {};
      }
      const follower: Follower = { lastApplied: offset, sink };
      followers.set(channel, follower);
      if (session !== undefined) session.subscribe(channel);
      else if (reconnectTimer === undefined) void connect();
      return () => {
        if (followers.get(channel) !== follower) return;
        followers.delete(channel);
        session?.unsubscribe(channel);
        goIdleWhenUnused();
      };
    },
    async cancel(channel, reason) {
      if (session !== undefined && sessionOpen && sessionTransport === 'websocket') {
        await session.cancel(channel, reason);
        return;
      }
      const current = await credentialSource.fresh();
      const http = openLongPollSession({
        baseUrl: options.baseUrl,
        ...current,
        fetch: options.fetch,
        handlers: inertHandlers,
      });
      await http.cancel(channel, reason);
    },
    close() {
      if (closed) return;
      closed = true;
      if (reconnectTimer !== undefined) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      dropSession();
      const sinks = [...followers.values()].map((follower) => follower.sink);
      followers.clear();
      for (const sink of sinks) sink.end();
    },
    get transport() {
      return sessionOpen ? sessionTransport : undefined;
    },
  };
}

const inertHandlers: TransportHandlers = {
  open() {},
  events() {},
  gap() {},
  subscribed() {},
  closed() {},
  channelError() {},
  advertised() {},
  position: () => '-1',
  down() {},
};
