import { AgentryError, type RealtimeChannelInfo, type RealtimeEntry } from '@agentry/core';

/** How a channel's entries travel over HTTP, from its media type. @internal */
export type StreamKind = 'json' | 'text' | 'binary';

/** The media type without parameters, lowercased. @internal */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** @internal */
export function streamKind(contentType: string): StreamKind {
  const type = mediaType(contentType);
  if (type === 'application/json') return 'json';
  if (type.startsWith('text/') || type === 'application/x-ndjson') return 'text';
  return 'binary';
}

const encoder = new TextEncoder();

/** An entry's data as bytes. @internal */
export function entryBytes(entry: Pick<RealtimeEntry, 'data'>): Uint8Array {
  return typeof entry.data === 'string' ? encoder.encode(entry.data) : entry.data;
}

/** An entry's data as text (JSON channels store text; others bytes, decoded as UTF-8). @internal */
export function entryText(entry: Pick<RealtimeEntry, 'data'>): string {
  return typeof entry.data === 'string' ? entry.data : Buffer.from(entry.data).toString('utf8');
}

/** A catch-up body: a JSON array of the entries on JSON channels, their bytes concatenated on others. @internal */
export function encodeEntries(
  info: Pick<RealtimeChannelInfo, 'contentType'>,
  entries: readonly RealtimeEntry[],
): Buffer {
  if (streamKind(info.contentType) === 'json')
    return Buffer.from(`[${entries.map(entryText).join(',')}]`);
  return Buffer.concat(entries.map((entry) => entryBytes(entry)));
}

/**
 * Splits an append body into entries: on a JSON channel an array is several entries (one per
 * element) and any other value one entry; on other channels the body is one entry.
 *
 * @throws AgentryError `validation_failed` (400) for a body that is not JSON on a JSON channel, or
 *   an empty array where entries are required
 * @internal
 */
export function decodeAppendBody(
  contentType: string,
  body: Buffer,
  allowEmptyArray: boolean,
): (string | Uint8Array)[] {
  if (streamKind(contentType) !== 'json') return body.length === 0 ? [] : [new Uint8Array(body)];
  if (body.length === 0) return [];
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The body is not valid JSON, and this channel holds JSON (${contentType}).`,
      details: { contentType, bytes: body.length },
      suggestions: ['Send one JSON value, or a JSON array of values to append several entries.'],
      cause: error,
    });
  }
  if (!Array.isArray(value)) return [JSON.stringify(value)];
  if (value.length === 0 && !allowEmptyArray) {
    throw new AgentryError({
      code: 'validation_failed',
      message: 'An empty JSON array appends nothing; it is refused.',
      details: { contentType },
      suggestions: [
        'Send at least one value, or Stream-Closed: true with no body to close the channel.',
      ],
    });
  }
  return value.map((element) => JSON.stringify(element));
}

/**
 * Writes `text` as SSE `data:` lines: every line break in it starts a new `data:` line, so a
 * payload can never end an event or inject a field. A parser drops one space after `data:`, so a
 * line that starts with a space gets one more.
 *
 * @internal
 */
export function sseDataLines(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (line.startsWith(' ') ? `data: ${line}\n` : `data:${line}\n`))
    .join('');
}
