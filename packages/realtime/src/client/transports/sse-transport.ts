import { createServerSentEventParser, type ServerSentEvent } from '../sse-parser.js';
import { entriesOf, offsetsForBatch, pick, streamUrl } from './http-common.js';
import { openHttpSession, type HttpLoopTools } from './http-session.js';
import type { TransportContext, TransportSession } from './transport.js';

/**
 * A session over Durable Streams SSE reads (`?offset=X&live=sse`), read with `fetch` and a stream
 * parser so that it runs in browsers and in Node alike, and can send the credential as a header.
 * Each `data` event is a JSON array of entries; its `id` (or the `control` event after it) names
 * the offset of its last entry. A server that ends the response (it rotates SSE connections) is
 * read again from the last applied offset.
 *
 * @internal
 */
export function openSseSession(context: TransportContext): TransportSession {
  return openHttpSession(context, async (channel, tools) => {
    const { handlers } = context;
    while (!tools.signal.aborted) {
      let response: Response;
      try {
        response = await tools.get(
          streamUrl(context.baseUrl, channel, handlers.position(channel), 'sse'),
          'text/event-stream',
        );
      } catch (error) {
        if (!tools.signal.aborted) tools.down({ reason: `SSE request failed: ${String(error)}` });
        return;
      }
      if (!response.ok) {
        if (await tools.handleFailure(response, channel)) continue;
        return;
      }
      if (
        !(response.headers.get('content-type') ?? '').includes('text/event-stream') ||
        response.body === null
      ) {
        await response.body?.cancel().catch(() => undefined);
        tools.down({ blocked: true, reason: 'The SSE response was not text/event-stream.' });
        return;
      }
      tools.markOpen();
      const outcome = await readEvents(response, channel, tools);
      if (outcome === 'closed') return;
      if (outcome === 'failed') {
        if (!tools.signal.aborted) tools.down({ reason: `The SSE stream of ${channel} broke.` });
        return;
      }
    }
  });
}

async function readEvents(
  response: Response,
  channel: string,
  tools: HttpLoopTools,
): Promise<'closed' | 'ended' | 'failed'> {
  const { handlers } = tools.context;
  let pending: unknown[] = [];
  let closed = false;
  let broken = false;
  const onEvent = (event: ServerSentEvent): void => {
    if (closed || broken || tools.signal.aborted) return;
    if (event.event === 'control') {
      let control: unknown;
      try {
        control = JSON.parse(event.data) as unknown;
      } catch {
        broken = true;
        return;
      }
      const next = pick(control, 'streamNextOffset');
      if (typeof next === 'string' && handlers.position(channel) === 'now') {
        handlers.subscribed(channel, next);
      }
      if (pending.length > 0 && typeof next === 'string') {
        handlers.events(channel, offsetsForBatch(pending, next), next);
        pending = [];
      }
      if (pick(control, 'streamClosed') === true) {
        closed = true;
        handlers.closed(channel, typeof next === 'string' ? next : handlers.position(channel));
      }
      return;
    }
    if (event.event !== 'data' && event.event !== 'message') return;
    let items: unknown[];
    try {
      items = entriesOf(JSON.parse(event.data) as unknown);
    } catch {
      broken = true;
      return;
    }
    if (event.id !== undefined && event.id !== '') {
      handlers.events(channel, offsetsForBatch([...pending, ...items], event.id), event.id);
      pending = [];
    } else {
      pending.push(...items);
    }
  };
  const parser = createServerSentEventParser(onEvent);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
      if (closed || broken) break;
    }
  } catch {
    broken = true;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (closed) return 'closed';
  return broken ? 'failed' : 'ended';
}
