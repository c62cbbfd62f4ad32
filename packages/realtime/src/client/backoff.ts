/**
 * How long a client waits before reconnecting: exponential backoff with full jitter (a uniformly
 * random delay between 0 and `min(maxMs, initialMs * factor ** attempt)`), so that many clients
 * dropped at once do not come back at once.
 *
 * @example
 * ```ts
 * import { createRealtimeClient, type RealtimeBackoffOptions } from '@agentry/realtime/client';
 *
 * const backoff: RealtimeBackoffOptions = { initialMs: 200, maxMs: 10_000, factor: 2 };
 * const client = createRealtimeClient({ url: 'http://127.0.0.1:8080/realtime', backoff });
 * client.close();
 * ```
 */
export interface RealtimeBackoffOptions {
  /** The ceiling of the first delay, in milliseconds. Default 250. */
  readonly initialMs?: number;
  /** The largest ceiling, in milliseconds. Default 30 000. */
  readonly maxMs?: number;
  /** What the ceiling is multiplied by after each failed attempt. Default 2. */
  readonly factor?: number;
}

/** @internal */
export const defaultBackoff: Required<RealtimeBackoffOptions> = {
  initialMs: 250,
  maxMs: 30_000,
  factor: 2,
};

/**
 * The delay before reconnect attempt number `attempt` (from 0).
 *
 * @internal
 */
export function backoffDelay(
  attempt: number,
  options: Required<RealtimeBackoffOptions>,
  random: () => number,
): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  return Math.floor(random() * ceiling);
}
