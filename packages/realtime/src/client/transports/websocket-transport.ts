import { AgentryError, type ErrorCode } from '@agentry/core/browser';
import {
  REALTIME_SUBPROTOCOL,
  realtimeCloseCodes,
  type RealtimeClientMessage,
  type RealtimeServerMessage,
} from '../../protocol.js';
import type { TransportContext, TransportSession } from './transport.js';

const open = 1;

/** Close codes after which reconnecting cannot help: the client sent something the server refuses. */
const fatalCloseCodes: ReadonlySet<number> = new Set([
  realtimeCloseCodes.invalidPayload,
  realtimeCloseCodes.policyViolation,
  realtimeCloseCodes.messageTooBig,
]);

/** @internal */
export function webSocketUrl(context: Pick<TransportContext, 'baseUrl' | 'ticket'>): string {
  const url = new URL(`${context.baseUrl}/ws`);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  if (context.ticket !== undefined) url.searchParams.set('ticket', context.ticket);
  return url.toString();
}

/**
 * A session over one WebSocket multiplexing every channel (`subscribe` / `unsubscribe` / `cancel`
 * messages of {@link REALTIME_SUBPROTOCOL}). A ticket travels as `?ticket=` (browsers cannot set
 * headers on a WebSocket); a token as an `Authorization` header where the implementation accepts
 * headers (`ws` in Node).
 *
 * @internal
 */
export function openWebSocketSession(context: TransportContext): TransportSession {
  const { handlers } = context;
  const pending: string[] = [];
  const cancels = new Map<
    string,
    { resolve: () => void; reject: (error: AgentryError) => void }[]
  >();
  let opened = false;
  let done = false;

  const rejectCancels = (): void => {
    for (const waiters of cancels.values()) {
      for (const waiter of waiters) {
        waiter.reject(
          new AgentryError({
            code: 'network',
            message: 'The WebSocket closed before the server confirmed the cancel.',
            suggestions: ['Call cancel again once the client has reconnected.'],
          }),
        );
      }
    }
    cancels.clear();
  };

  const finish = (info: Parameters<typeof handlers.down>[0]): void => {
    if (done) return;
    done = true;
    rejectCancels();
    handlers.down(info);
  };

  const WebSocketImplementation = context.WebSocket;
  let socket: ReturnType<typeof createSocket>;
  function createSocket() {
    if (WebSocketImplementation === undefined) throw new Error('No WebSocket implementation.');
    const headers =
      context.ticket === undefined && context.token !== undefined
        ? { headers: { authorization: `Bearer ${context.token}` } }
        : undefined;
    return headers === undefined
      ? new WebSocketImplementation(webSocketUrl(context), REALTIME_SUBPROTOCOL)
      : new WebSocketImplementation(webSocketUrl(context), REALTIME_SUBPROTOCOL, headers);
  }
  try {
    socket = createSocket();
  } catch (error) {
    queueMicrotask(() => {
      finish({ opened: false, blocked: true, reason: `WebSocket refused: ${String(error)}` });
    });
    return {
      subscribe() {},
      unsubscribe() {},
      cancel: () =>
        Promise.reject(
          new AgentryError({ code: 'network', message: 'The WebSocket could not be created.' }),
        ),
      close() {
        done = true;
      },
    };
  }

  const send = (message: RealtimeClientMessage): void => {
    const text = JSON.stringify(message);
    if (opened && socket.readyState === open) socket.send(text);
    else pending.push(text);
  };

  socket.onopen = () => {
    if (done) return;
    if (socket.protocol !== REALTIME_SUBPROTOCOL) {
      socket.close(1000);
      finish({
        opened: false,
        blocked: true,
        reason: `The server chose subprotocol ${JSON.stringify(socket.protocol)}, not ${REALTIME_SUBPROTOCOL}.`,
      });
      return;
    }
    opened = true;
    handlers.open();
    for (const text of pending.splice(0)) socket.send(text);
  };

  socket.onmessage = (event) => {
    if (done || typeof event.data !== 'string') return;
    let message: RealtimeServerMessage;
    try {
      message = JSON.parse(event.data) as RealtimeServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'subscribed':
        handlers.subscribed(message.channel, message.offset);
        return;
      case 'events':
        handlers.events(message.channel, message.events);
        return;
      case 'gap':
        handlers.gap(message.channel, message.reason, message.retainedAfter, message.snapshot);
        return;
      case 'closed':
        handlers.closed(message.channel, message.offset);
        return;
      case 'cancelled': {
        const waiters = cancels.get(message.channel) ?? [];
        cancels.delete(message.channel);
        for (const waiter of waiters) waiter.resolve();
        return;
      }
      case 'error': {
        const error = new AgentryError({
          code: message.error.code as ErrorCode,
          message: message.error.message,
          details: message.channel === undefined ? {} : { channel: message.channel },
        });
        if (message.channel === undefined) return;
        const waiters = cancels.get(message.channel);
        if (waiters !== undefined) {
          cancels.delete(message.channel);
          for (const waiter of waiters) waiter.reject(error);
          return;
        }
        if (message.error.code === 'unauthenticated') {
          socket.close(1000);
          finish({ opened, credentialExpired: true, reason: message.error.message });
          return;
        }
        handlers.channelError(message.channel, error);
        return;
      }
      default:
        return;
    }
  };

  socket.onerror = () => {};

  socket.onclose = (event) => {
    const reason = `WebSocket closed with ${String(event.code)}${event.reason === '' ? '' : ` (${event.reason})`}`;
    if (event.code === realtimeCloseCodes.credentialExpired) {
      finish({ opened, credentialExpired: true, reason });
    } else if (opened && fatalCloseCodes.has(event.code)) {
      finish({
        opened,
        reason,
        fatal: new AgentryError({
          code: 'invalid_request',
          message: `The server refused this client's messages: ${reason}.`,
          details: { code: event.code },
          suggestions: [
            'Follow fewer channels per client, or update the client to the server version.',
          ],
        }),
      });
    } else {
      finish({ opened, reason });
    }
  };

  return {
    subscribe(channel) {
      send({ type: 'subscribe', channel, offset: handlers.position(channel) });
    },
    unsubscribe(channel) {
      send({ type: 'unsubscribe', channel });
    },
    cancel(channel, reason) {
      return new Promise<void>((resolve, reject) => {
        const waiters = cancels.get(channel) ?? [];
        waiters.push({ resolve, reject });
        cancels.set(channel, waiters);
        send({ type: 'cancel', channel, ...(reason === undefined ? {} : { reason }) });
      });
    },
    close() {
      if (done) return;
      done = true;
      rejectCancels();
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close(1000);
    },
  };
}
