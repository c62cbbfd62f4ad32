/**
 * `@agentry/realtime/server`: serves realtime logs over HTTP (Durable Streams compatible), SSE,
 * long polling and WebSocket, attached to an existing `node:http` or `node:https` server.
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
export {
  createRealtimeAuth,
  type RealtimeAction,
  type RealtimeAuth,
  type RealtimeAuthOptions,
} from './server/auth/realtime-auth.js';
export type { RealtimePrincipal, RealtimeTicketRequest } from './server/auth/realtime-ticket.js';
export {
  createRealtimeServer,
  type RealtimeGatewayDependencies,
  type RealtimeServer,
  type RealtimeServerOptions,
  type RealtimeWebSocketGateway,
} from './server/realtime-server.js';
export {
  createWebSocketGateway,
  type RealtimeGatewayAuth,
  type RealtimeGatewayPrincipal,
  type WebSocketGateway,
  type WebSocketGatewayLimits,
  type WebSocketGatewayOptions,
} from './server/ws/index.js';
export { defaultCommunicationConfig } from './config/index.js';
