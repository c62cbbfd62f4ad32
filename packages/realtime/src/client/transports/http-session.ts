import {
  authorizationHeaders,
  channelPath,
  errorFromResponse,
  readAdvertisedTransport,
  readGap,
  readJsonBody,
} from './http-common.js';
import type { TransportContext, TransportDown, TransportSession } from './transport.js';

/**
 * What one channel's read loop gets from its HTTP session.
 *
 * @internal
 */
export interface HttpLoopTools {
  readonly context: TransportContext;
  readonly signal: AbortSignal;
  /** Whether any request of this session succeeded. */
  readonly opened: boolean;
  /** A request succeeded: the transport works. */
  markOpen(): void;
  /** The session is down (every channel reconnects through the connection). */
  down(info: Omit<TransportDown, 'opened'> & { opened?: boolean }): void;
  /** GET with the credential and the abort signal. */
  get(url: string, accept?: string): Promise<Response>;
  /**
   * Handles a response that is not a success: a gap (then read on), an error for this channel or
   * the whole session. Returns whether the loop goes on.
   */
  handleFailure(response: Response, channel: string): Promise<boolean>;
}

/**
 * A session over HTTP: one read loop per channel (SSE or long polling), all sharing the
 * credential, the abort signal per channel and the session's fate.
 *
 * @internal
 */
export function openHttpSession(
  context: TransportContext,
  loop: (channel: string, tools: HttpLoopTools) => Promise<void>,
): TransportSession {
  const { handlers } = context;
  const loops = new Map<string, AbortController>();
  let opened = false;
  let done = false;

  const down = (info: Omit<TransportDown, 'opened'> & { opened?: boolean }): void => {
    if (done) return;
    done = true;
    for (const controller of loops.values()) controller.abort();
    loops.clear();
    handlers.down({ ...info, opened: info.opened ?? opened });
  };

  const tools = (signal: AbortSignal): HttpLoopTools => ({
    context,
    signal,
    get opened() {
      return opened;
    },
    markOpen() {
      if (opened || done) return;
      opened = true;
      handlers.open();
    },
    down,
    async get(url, accept) {
      const response = await context.fetch(url, {
        headers: { ...authorizationHeaders(context), ...(accept === undefined ? {} : { accept }) },
        signal,
      });
      const advertised = readAdvertisedTransport(response.headers);
      if (advertised !== undefined) handlers.advertised(advertised);
      return response;
    },
    async handleFailure(response, channel) {
      if (response.status === 410) {
        const gap = readGap(await readJsonBody(response));
        if (signal.aborted) return false;
        handlers.gap(channel, gap.reason, gap.retainedAfter, gap.snapshot);
        return true;
      }
      if (response.status === 401) {
        await response.body?.cancel().catch(() => undefined);
        down({ credentialExpired: true, reason: `HTTP 401 reading ${channel}` });
        return false;
      }
      if (response.status === 400 || response.status === 403 || response.status === 404) {
        const error = await errorFromResponse(response, `Reading channel ${channel}`);
        if (!signal.aborted) handlers.channelError(channel, error);
        return false;
      }
      await response.body?.cancel().catch(() => undefined);
      const reason = `HTTP ${String(response.status)} reading ${channel}`;
      if (response.status === 429 || response.status === 503) {
        // The server is busy: the transport works; back off without falling back.
        down({ opened: true, reason });
      } else {
        // Anything else (a proxy's 502, a 500) counts as a failure to connect over this transport.
        down({ reason });
      }
      return false;
    },
  });

  return {
    subscribe(channel) {
      if (done || loops.has(channel)) return;
      const controller = new AbortController();
      loops.set(channel, controller);
      loop(channel, tools(controller.signal)).then(
        () => {
          if (loops.get(channel) === controller) loops.delete(channel);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          down({ reason: `Reading ${channel} failed: ${String(error)}` });
        },
      );
    },
    unsubscribe(channel) {
      loops.get(channel)?.abort();
      loops.delete(channel);
    },
    async cancel(channel, reason) {
      const response = await context.fetch(`${context.baseUrl}/cancel/${channelPath(channel)}`, {
        method: 'POST',
        headers: { ...authorizationHeaders(context), 'content-type': 'application/json' },
        body: JSON.stringify(reason === undefined ? {} : { reason }),
      });
      if (!response.ok) throw await errorFromResponse(response, `Cancelling ${channel}`);
      await response.body?.cancel().catch(() => undefined);
    },
    close() {
      done = true;
      for (const controller of loops.values()) controller.abort();
      loops.clear();
    },
  };
}
