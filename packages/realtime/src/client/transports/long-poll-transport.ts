import { realtimeHeaders } from '../../protocol.js';
import { entriesOf, offsetsForBatch, readJsonBody, streamUrl } from './http-common.js';
import { openHttpSession } from './http-session.js';
import type { TransportContext, TransportSession } from './transport.js';

/**
 * A session over Durable Streams long polling (`?offset=X&live=long-poll`): each response carries
 * the entries after the offset (a JSON array) and `Stream-Next-Offset`; `204` means up to date, so
 * poll again; `Stream-Closed: true` ends the channel. `Stream-Cursor` is echoed back as `cursor`
 * so caches can collapse polls.
 *
 * @internal
 */
export function openLongPollSession(context: TransportContext): TransportSession {
  return openHttpSession(context, async (channel, tools) => {
    const { handlers } = context;
    let cursor: string | undefined;
    while (!tools.signal.aborted) {
      const offset = handlers.position(channel);
      let url = streamUrl(context.baseUrl, channel, offset, 'long-poll');
      if (cursor !== undefined) url += `&cursor=${encodeURIComponent(cursor)}`;
      let response: Response;
      let body: unknown;
      try {
        response = await tools.get(url, 'application/json');
        if (!response.ok) {
          if (await tools.handleFailure(response, channel)) continue;
          return;
        }
        body = response.status === 204 ? undefined : await readJsonBody(response);
      } catch (error) {
        if (!tools.signal.aborted) tools.down({ reason: `Long poll failed: ${String(error)}` });
        return;
      }
      if (tools.signal.aborted) return;
      tools.markOpen();
      cursor = response.headers.get('Stream-Cursor') ?? cursor;
      const next = response.headers.get(realtimeHeaders.nextOffset) ?? undefined;
      if (next !== undefined && offset === 'now') handlers.subscribed(channel, next);
      const items = entriesOf(body);
      if (items.length > 0 && next !== undefined) {
        handlers.events(channel, offsetsForBatch(items, next), next);
      }
      if (response.headers.get(realtimeHeaders.closed) === 'true') {
        handlers.closed(channel, next ?? handlers.position(channel));
        return;
      }
    }
  });
}
