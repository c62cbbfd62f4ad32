import type { EmulatorFailure, EmulatorReply } from './emulator-types.js';

/**
 * How a streamed reply is cut short: after `afterEvents` events, a reset, a malformed event, a
 * stall, or the vendor's error event for `failure`.
 *
 * @internal
 */
export type StreamCut =
  | { kind: 'reset' | 'malformed' | 'stall'; afterEvents: number }
  | { kind: 'error'; afterEvents: number; failure: EmulatorFailure };

/**
 * The cut a reply asks for among `resetAfterChunks`, `malformedAfterChunks`, `stallAfterChunks`
 * and `streamError`, for a stream of `eventCount` events: the earliest wins (on a tie, the first
 * listed), and a count past the last event applies after it.
 *
 * @example
 * ```ts
 * streamCut({ text: 'a b c', resetAfterChunks: 5, stallAfterChunks: 2 }, 4);
 * // { kind: 'stall', afterEvents: 2 }
 * ```
 * @internal
 */
export function streamCut(reply: EmulatorReply, eventCount: number): StreamCut | undefined {
  const at = (count: number): number => Math.min(Math.max(0, Math.floor(count)), eventCount);
  const cuts: StreamCut[] = [];
  if (reply.resetAfterChunks !== undefined)
    cuts.push({ kind: 'reset', afterEvents: at(reply.resetAfterChunks) });
  if (reply.malformedAfterChunks !== undefined)
    cuts.push({ kind: 'malformed', afterEvents: at(reply.malformedAfterChunks) });
  if (reply.stallAfterChunks !== undefined)
    cuts.push({ kind: 'stall', afterEvents: at(reply.stallAfterChunks) });
  if (reply.streamError !== undefined) {
    const { afterChunks, failure } = reply.streamError;
    cuts.push({ kind: 'error', afterEvents: at(afterChunks), failure });
  }
  return cuts.reduce<StreamCut | undefined>(
    (earliest, cut) =>
      earliest === undefined || cut.afterEvents < earliest.afterEvents ? cut : earliest,
    undefined,
  );
}
