import type { Emulator } from './emulator.js';
import type { EmulatorRequest, EmulatorTurn } from './emulator-types.js';

/**
 * The statuses of a redirect that {@link redirectTurn} can answer with.
 *
 * @example
 * ```ts
 * import { redirectTurn, startEmulator, type EmulatorRedirectStatus } from '@agentry/testing';
 *
 * const target = await startEmulator({ defaultTurn: { text: 'moved' } });
 * const origin = await startEmulator();
 * // A permanent redirect that keeps the method and body.
 * const status: EmulatorRedirectStatus = 308;
 * origin.enqueue(redirectTurn(target, status));
 * await Promise.all([origin.close(), target.close()]);
 * ```
 */
export type EmulatorRedirectStatus = 301 | 302 | 303 | 307 | 308;

/**
 * A turn that answers with a redirect to the same path and query on another server: another
 * emulator (a second one on loopback is another origin, as its port differs) or any base URL.
 * Tests use it to check what a client sends to another origin when a server redirects it, such as
 * whether the key goes along. The request is logged by this emulator as any other; the target
 * serves (and logs) the redirected request with its own script.
 *
 * @param target - the emulator or base URL (`http://127.0.0.1:4000`) the redirect leads to
 * @param status - the redirect's status; default 307, which keeps the method and the body
 * @example
 * ```ts
 * const first = await startEmulator();
 * const second = await startEmulator({ defaultTurn: { text: 'moved' } });
 * first.enqueue(redirectTurn(second));
 * // … a call to first is answered by second
 * second.requests[0]?.headers['x-api-key']; // what the client sent to the other origin
 * ```
 */
export function redirectTurn(
  target: Emulator | string,
  status: EmulatorRedirectStatus = 307,
): EmulatorTurn {
  const base = typeof target === 'string' ? target.replace(/\/+$/, '') : target.url;
  return (request: EmulatorRequest) => {
    const query = new URLSearchParams(request.query).toString();
    return {
      kind: 'error',
      status,
      headers: { location: `${base}${request.path}${query === '' ? '' : `?${query}`}` },
      body: '',
    };
  };
}
