import {
  AgentryError,
  formatRealtimeOffset,
  parseRealtimeOffset,
  type ErrorCode,
} from '@agentry/core/browser';
import { realtimeHeaders, type RealtimeTransport, type RealtimeWireEvent } from '../../protocol.js';
import type { TransportContext } from './transport.js';

/** @internal */
export function channelPath(channel: string): string {
  return channel.split('/').map(encodeURIComponent).join('/');
}

/** @internal */
export function streamUrl(baseUrl: string, channel: string, offset: string, live?: string): string {
  const query = new URLSearchParams({ offset });
  if (live !== undefined) query.set('live', live);
  return `${baseUrl}/streams/${channelPath(channel)}?${query.toString()}`;
}

/** @internal */
export function authorizationHeaders(
  context: Pick<TransportContext, 'token' | 'ticket'>,
): Record<string, string> {
  const credential = context.ticket ?? context.token;
  return credential === undefined ? {} : { authorization: `Bearer ${credential}` };
}

/** @internal */
export function readAdvertisedTransport(headers: Headers): RealtimeTransport | undefined {
  const value = headers.get(realtimeHeaders.transport)?.trim().toLowerCase().replace('-', '_');
  return value === 'websocket' || value === 'sse' || value === 'long_polling' ? value : undefined;
}

const statusCodes: Readonly<Record<number, ErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  410: 'offset_gone',
  429: 'limit_exceeded',
};

/**
 * An AgentryError from an HTTP error response: the body's own code and message when it is an
 * AgentryError JSON, else one derived from the status.
 *
 * @internal
 */
export async function errorFromResponse(response: Response, what: string): Promise<AgentryError> {
  const body = await readJsonBody(response);
  const error = pick(body, 'error') ?? body;
  const code =
    typeof pick(error, 'code') === 'string' ? (pick(error, 'code') as ErrorCode) : undefined;
  const message = pick(error, 'message');
  return new AgentryError({
    code:
      code ??
      statusCodes[response.status] ??
      (response.status >= 500 ? 'internal' : 'invalid_request'),
    message:
      typeof message === 'string'
        ? `${what} failed with HTTP ${String(response.status)}: ${message}`
        : `${what} failed with HTTP ${String(response.status)}.`,
    details: { status: response.status, url: response.url },
    suggestions: ['Check the channel name, the credential and the server logs.'],
  });
}

/** @internal */
export async function readJsonBody(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** @internal */
export function pick(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * What a `410 Gone` body says about the gap: the reason, where retained history starts, and the
 * snapshot, looked for at the top level, under `details` and under `error.details`. The
 * snapshot's `data` is taken as the server sends it, as in a WebSocket `gap` frame: the JSON value
 * on a JSON channel, the text on a text channel (a string is never parsed again, so a JSON
 * channel's snapshot that is a string stays one).
 *
 * @internal
 */
export function readGap(body: unknown): {
  reason: 'retention' | 'epoch';
  retainedAfter: string;
  snapshot?: RealtimeWireEvent;
} {
  const places = [
    body,
    pick(body, 'details'),
    pick(body, 'error'),
    pick(pick(body, 'error'), 'details'),
  ];
  const find = (key: string): unknown =>
    places.map((place) => pick(place, key)).find((value) => value !== undefined);
  // Agentry's server says `epoch` in `details` (the channel's epoch now) next to the offset asked
  // for; another epoch than the offset's means the history was reset, not trimmed.
  const asked = find('offset');
  const askedEpoch = typeof asked === 'string' ? parseRealtimeOffset(asked)?.epoch : undefined;
  const epoch = find('epoch');
  const reason =
    find('reason') === 'epoch' ||
    (askedEpoch !== undefined && typeof epoch === 'string' && askedEpoch !== epoch)
      ? 'epoch'
      : 'retention';
  const retainedAfter = find('retainedAfter');
  const snapshot = find('snapshot');
  const snapshotOffset = pick(snapshot, 'offset');
  return {
    reason,
    retainedAfter: typeof retainedAfter === 'string' ? retainedAfter : '-1',
    ...(typeof snapshotOffset === 'string'
      ? { snapshot: { offset: snapshotOffset, data: pick(snapshot, 'data') } }
      : {}),
  };
}

/**
 * The entries of one HTTP read, each with an offset. The response names only the last offset
 * (`Stream-Next-Offset`, or the SSE `id`); Agentry offsets number entries consecutively within an
 * epoch, so the earlier ones are derived from it. For offsets of another shape, every entry carries
 * the batch's offset (the batch is still applied or dropped as a whole).
 *
 * @internal
 */
export function offsetsForBatch(
  items: readonly unknown[],
  lastOffset: string,
): RealtimeWireEvent[] {
  const parsed = parseRealtimeOffset(lastOffset);
  return items.map((data, index) => {
    const back = items.length - 1 - index;
    const offset =
      parsed !== undefined && parsed.seq - back >= 1
        ? formatRealtimeOffset(parsed.epoch, parsed.seq - back)
        : lastOffset;
    return { offset, data };
  });
}

/** The body of a JSON stream read: an array of entries (a lone value is one entry). @internal */
export function entriesOf(body: unknown): unknown[] {
  if (body === undefined) return [];
  return Array.isArray(body) ? body : [body];
}
