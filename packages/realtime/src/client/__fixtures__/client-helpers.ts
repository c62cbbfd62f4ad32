import WebSocket from 'ws';
import type { RealtimeChannelEvent } from '../channel-event.js';
import {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeClientOptions,
} from '../realtime-client.js';
import type { RealtimeWebSocketConstructor } from '../transports/transport.js';

/** `ws`'s WebSocket, as the client takes it (Node 20 has no global WebSocket). */
export const NodeWebSocket = WebSocket as unknown as RealtimeWebSocketConstructor;

/** A client with `ws`, quick backoff, and cleanup registered by the caller. */
export function testClient(options: RealtimeClientOptions): RealtimeClient {
  return createRealtimeClient({
    WebSocket: NodeWebSocket,
    backoff: { initialMs: 5, maxMs: 40, factor: 2 },
    ...options,
  });
}

/** Reads a channel until `count` events (or `closed`) arrived. */
export async function collect(
  iterable: AsyncIterable<RealtimeChannelEvent>,
  until: (events: RealtimeChannelEvent[]) => boolean,
): Promise<RealtimeChannelEvent[]> {
  const events: RealtimeChannelEvent[] = [];
  for await (const event of iterable) {
    events.push(event);
    if (until(events)) break;
  }
  return events;
}

/** How many `event` entries a list holds. */
export const countEvents = (events: readonly RealtimeChannelEvent[]): number =>
  events.filter((event) => event.type === 'event').length;

/** Waits until a condition holds, polling on the event loop (no wall-clock assertion). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
