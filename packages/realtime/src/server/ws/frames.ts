import type { RealtimeEntry, RealtimeSnapshot } from '@agentry/core';

/**
 * Server frames built by string concatenation: a JSON channel's entries are stored as JSON text,
 * so each entry's data is spliced into the frame as is, never parsed and serialized again.
 * Offsets hold only `[0-9a-f_]` and need no escaping; channel names are escaped once per
 * subscription or fan-out (`quoted`), not per frame.
 *
 * @internal
 */

/** Whether a channel's entries are JSON text that can be spliced into a frame. */
export function isJsonContentType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/** An entry's data as a JSON value's text: spliced when JSON, else a string (bytes as base64). */
function dataText(data: string | Uint8Array, json: boolean): string {
  if (typeof data === 'string') return json ? data : JSON.stringify(data);
  return JSON.stringify(
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
  );
}

/** `{"type":"events","channel":…,"events":[{"offset":…,"data":…},…],"upToDate":…}`. */
export function eventsFrame(
  quotedChannel: string,
  entries: readonly RealtimeEntry[],
  from: number,
  json: boolean,
  upToDate: boolean,
): string {
  let frame = '{"type":"events","channel":' + quotedChannel + ',"events":[';
  for (let index = from; index < entries.length; index++) {
    const entry = entries[index]!;
    if (index > from) frame += ',';
    frame += '{"offset":"' + entry.offset + '","data":' + dataText(entry.data, json) + '}';
  }
  return frame + '],"upToDate":' + (upToDate ? 'true}' : 'false}');
}

/** `{"type":"subscribed",…}`. */
export function subscribedFrame(quotedChannel: string, offset: string, epoch: string): string {
  return (
    '{"type":"subscribed","channel":' +
    quotedChannel +
    ',"offset":' +
    JSON.stringify(offset) +
    ',"epoch":"' +
    epoch +
    '"}'
  );
}

/** `{"type":"gap",…}`, with the snapshot's data spliced like an entry's. */
export function gapFrame(
  quotedChannel: string,
  reason: 'retention' | 'epoch',
  retainedAfter: string,
  snapshot: RealtimeSnapshot | undefined,
  json: boolean,
): string {
  let frame =
    '{"type":"gap","channel":' +
    quotedChannel +
    ',"reason":"' +
    reason +
    '","retainedAfter":' +
    JSON.stringify(retainedAfter);
  if (snapshot !== undefined) {
    frame +=
      ',"snapshot":{"offset":"' +
      snapshot.offset +
      '","data":' +
      dataText(snapshot.data, json) +
      '}';
  }
  return frame + '}';
}

/** `{"type":"closed",…}`. */
export function closedFrame(quotedChannel: string, offset: string): string {
  return (
    '{"type":"closed","channel":' + quotedChannel + ',"offset":' + JSON.stringify(offset) + '}'
  );
}

/** `{"type":"cancelled",…}`. */
export function cancelledFrame(channel: string): string {
  return '{"type":"cancelled","channel":' + JSON.stringify(channel) + '}';
}

/** `{"type":"error",…}`: a failed request; the connection goes on. */
export function errorFrame(channel: string | undefined, code: string, message: string): string {
  return JSON.stringify({
    type: 'error',
    ...(channel === undefined ? {} : { channel }),
    error: { code, message },
  });
}
