import { REALTIME_SSE_OFFSETS_FIELD } from '../../protocol.js';
import { createServerSentEventParser, type ServerSentEvent } from '../sse-parser.js';
import { entriesOf, offsetsForBatch, pick, streamUrl } from './http-common.js';
import { openHttpSession, type HttpLoopTools } from './http-session.js';
import type { TransportContext, TransportSession } from './transport.js';

/**
 * A session over Durable Streams SSE reads (`?offset=X&live=sse`), read with `fetch` and a stream
 * parser so that it runs in browsers and in Node alike, and can send the credential as a header.
 * Each `data` event is a JSON array of entries, handed over with the `control` event after it:
 * each entry's offset is the one the control lists (`agentryOffsets`, Agentry's own field), else
 * derived back from the last one, which the data event's `id` (or the control's
 * `streamNextOffset`) names. A server that ends the response (it rotates SSE connections) is
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
  // The entries of the data events not yet matched by a control event, and the last one's id.
  let pending: unknown[] = [];
  let pendingId: string | undefined;
  let closed = false;
  let broken = false;
  /** Hands the pending entries over: with the server's offsets when it listed them, else derived. */
  const flush = (last: string | undefined, listed?: unknown): void => {
    if (pending.length === 0 || last === undefined) return;
    const offsets =
      Array.isArray(listed) &&
      listed.length === pending.length &&
      listed.every((offset) => typeof offset === 'string' && offset !== '')
        ? (listed as string[])
        : undefined;
    const events =
      offsets === undefined
        ? offsetsForBatch(pending, last)
        : pending.map((data, index) => ({ offset: offsets[index]!, data }));
    const position = offsets?.at(-1) ?? last;
    pending = [];
    pendingId = undefined;
    handlers.events(channel, events, position);
  };
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
      flush(
        pendingId ?? (typeof next === 'string' ? next : undefined),
        pick(control, REALTIME_SSE_OFFSETS_FIELD),
      );
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
    // A data event with an id that no control event followed: its offsets are derived.
    if (pendingId !== undefined) flush(pendingId);
    pending.push(...items);
    if (event.id !== undefined && event.id !== '') pendingId = event.id;
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
  // The stream ended between a data event and its control: the id still names the last offset.
  if (!closed && !tools.signal.aborted) flush(pendingId);
  if (closed) return 'closed';
  return broken ? 'failed' : 'ended';
}
