/**
 * A credential, or an async function that returns a fresh one (called for each new connection and
 * after the server says the previous one expired).
 *
 * @example
 * ```ts
 * import { createRealtimeClient, type RealtimeCredential } from '@agentry/realtime/client';
 *
 * const ticket: RealtimeCredential = async () => {
 *   const response = await fetch('https://example.com/api/realtime-ticket', { method: 'POST' });
 *   return ((await response.json()) as { ticket: string }).ticket;
 * };
 * const client = createRealtimeClient({ url: 'https://example.com/realtime', ticket });
 * client.close();
 * ```
 */
export type RealtimeCredential = string | (() => Promise<string>);

/**
 * The credentials of a client: fixed strings, or functions called for a fresh one on each new
 * connection (and after `invalidate`, when the server refused the previous one).
 *
 * @internal
 */
export function createCredentialSource(
  token: RealtimeCredential | undefined,
  ticket: RealtimeCredential | undefined,
): {
  readonly refreshable: boolean;
  fresh(): Promise<{ token?: string; ticket?: string }>;
  invalidate(): void;
} {
  const refreshable = typeof token === 'function' || typeof ticket === 'function';
  let current: { token?: string; ticket?: string } | undefined;
  const resolve = async (
    credential: RealtimeCredential | undefined,
  ): Promise<string | undefined> =>
    typeof credential === 'function' ? await credential() : credential;
  return {
    refreshable,
    async fresh() {
      if (current === undefined || refreshable) {
        const [tokenValue, ticketValue] = await Promise.all([resolve(token), resolve(ticket)]);
        current = {
          ...(tokenValue === undefined ? {} : { token: tokenValue }),
          ...(ticketValue === undefined ? {} : { ticket: ticketValue }),
        };
      }
      return current;
    },
    invalidate() {
      current = undefined;
    },
  };
}
