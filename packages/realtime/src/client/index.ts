export type { RealtimeBackoffOptions } from './backoff.js';
export type { RealtimeChannelEvent } from './channel-event.js';
export {
  createRealtimeClient,
  type RealtimeChannel,
  type RealtimeChannelOptions,
  type RealtimeClient,
  type RealtimeClientOptions,
} from './realtime-client.js';
export type { RealtimeClientLogger } from './realtime-client-logger.js';
export type { RealtimeCredential } from './realtime-credential.js';
export type {
  RealtimeObservable,
  RealtimeObserver,
  RealtimeSubscription,
} from './realtime-observable.js';
export type {
  RealtimeWebSocketConstructor,
  RealtimeWebSocketLike,
} from './transports/transport.js';
