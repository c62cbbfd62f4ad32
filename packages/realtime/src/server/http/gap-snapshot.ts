import { AgentryError, type RealtimeLog, type RealtimeSnapshot } from '@agentry/core';
import { entryBytes, entryText, streamKind } from './stream-format.js';

/**
 * The channel's snapshot when a reader can start from it after a gap: one as of an offset at or
 * after `retainedAfter` (an older one would leave a hole between it and the oldest entry kept).
 *
 * @internal
 */
export async function usableSnapshot(
  log: RealtimeLog,
  channel: string,
  retainedAfter: string,
): Promise<RealtimeSnapshot | undefined> {
  const snapshot = await log.getSnapshot(channel);
  return snapshot !== undefined && snapshot.offset >= retainedAfter ? snapshot : undefined;
}

/**
 * A snapshot's data as a JSON value for an HTTP body, as the WebSocket's `gap` frame carries it:
 * the value itself on a JSON channel, the text on a text channel, base64 on a binary one.
 */
function snapshotValue(contentType: string, snapshot: RealtimeSnapshot): unknown {
  const kind = streamKind(contentType);
  if (kind === 'binary') return Buffer.from(entryBytes(snapshot)).toString('base64');
  const text = entryText(snapshot);
  if (kind === 'text') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * An `offset_gone` error with the channel's snapshot added to its details
 * (`details.snapshot: { offset, data }`), so an HTTP reader (catch-up, long polling, SSE) gets
 * what a WebSocket `gap` frame carries and reads on after the snapshot's offset. Any other error,
 * or a gap without a usable snapshot, is returned as it is.
 *
 * @internal
 */
export async function withGapSnapshot(
  log: RealtimeLog,
  channel: string,
  error: unknown,
): Promise<unknown> {
  if (!AgentryError.isInstance(error) || error.code !== 'offset_gone') return error;
  const { retainedAfter } = error.details;
  if (typeof retainedAfter !== 'string') return error;
  try {
    const info = await log.info(channel);
    if (info === undefined) return error;
    const snapshot = await usableSnapshot(log, channel, retainedAfter);
    if (snapshot === undefined) return error;
    return new AgentryError({
      code: error.code,
      message: `${error.message} Its snapshot as of ${snapshot.offset} is in details.snapshot; read on after that offset.`,
      recoverable: error.recoverable,
      details: {
        ...error.details,
        snapshot: { offset: snapshot.offset, data: snapshotValue(info.contentType, snapshot) },
      },
      suggestions: [
        `Rebuild from details.snapshot.data, then read after ${snapshot.offset}.`,
        ...error.suggestions,
      ],
      cause: error,
    });
  } catch {
    // The gap stands without a snapshot: never replace the 410 with a failed snapshot read.
    return error;
  }
}
