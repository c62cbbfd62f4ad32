/**
 * Where the client reports what it does (connections, fallbacks, failures). Every method is
 * optional; `console` fits.
 *
 * @example
 * ```ts
 * import { createRealtimeClient, type RealtimeClientLogger } from '@agentry/realtime/client';
 *
 * const logger: RealtimeClientLogger = { warn: (message, fields) => console.warn(message, fields) };
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime', logger });
 * client.close();
 * ```
 */
export interface RealtimeClientLogger {
  /** Routine facts: connected, subscribed. */
  debug?(message: string, fields?: Record<string, unknown>): void;
  /** Worth knowing: a transport failed, a fallback, a reconnect. */
  warn?(message: string, fields?: Record<string, unknown>): void;
}
