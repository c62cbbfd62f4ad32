export { createWebSocketGateway, type WebSocketGateway } from './websocket-gateway.js';
export type {
  RealtimeGatewayAuth,
  RealtimeGatewayPrincipal,
  WebSocketGatewayLimits,
  WebSocketGatewayOptions,
} from './websocket-gateway-options.js';
