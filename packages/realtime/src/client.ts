/**
 * `@agentry/realtime/client`: follows channels of an Agentry realtime server from a browser or
 * Node, over WebSocket with fallback to SSE and long polling. Browser-safe: no Node built-ins.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_REALTIME_BASE_PATH,
  REALTIME_SUBPROTOCOL,
  realtimeCloseCodes,
  realtimeHeaders,
  type RealtimeClientMessage,
  type RealtimeServerMessage,
  type RealtimeTransport,
  type RealtimeWireEvent,
} from './protocol.js';
export { encodeChannelSegment, realtimeChannels } from './plugin/channel-names.js';
export {
  createRealtimeClient,
  type RealtimeBackoffOptions,
  type RealtimeChannel,
  type RealtimeChannelEvent,
  type RealtimeChannelOptions,
  type RealtimeClient,
  type RealtimeClientLogger,
  type RealtimeClientOptions,
  type RealtimeCredential,
  type RealtimeObservable,
  type RealtimeObserver,
  type RealtimeSubscription,
  type RealtimeWebSocketConstructor,
  type RealtimeWebSocketLike,
} from './client/index.js';
