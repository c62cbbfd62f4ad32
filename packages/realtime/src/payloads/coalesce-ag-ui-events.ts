import type { AgUiEvent } from './ag-ui-types.js';

/** The key under which two adjacent deltas join, or `undefined` for an event that never joins. */
const joinKey = (event: AgUiEvent): string | undefined => {
  // Metadata belongs to one event: an event carrying it is kept as it is.
  if (event.metadata !== undefined) return undefined;
  if (event.type === 'TEXT_MESSAGE_CONTENT') return `text\u0000${event.messageId}`;
  if (event.type === 'REASONING_MESSAGE_CONTENT') return `reasoning\u0000${event.messageId}`;
  if (event.type === 'TOOL_CALL_ARGS') return `args\u0000${event.toolCallId}`;
  return undefined;
};

/**
 * Merges adjacent deltas of one stream into one event, concatenating their text: consecutive
 * `TEXT_MESSAGE_CONTENT` of one message, `REASONING_MESSAGE_CONTENT` of one reasoning message
 * and `TOOL_CALL_ARGS` of one call. Every other event, and the order of everything, is kept; an
 * event with `metadata` is never merged; a merged event keeps the first one's `timestamp`. The
 * input is not changed. Meant for a batch from `createBatcher` before it is appended to the log,
 * so that a run streaming many small tokens costs the log a few entries per batch.
 *
 * @example
 * ```ts
 * import { coalesceAgUiEvents, createBatcher, type AgUiEvent } from '@agentry/realtime';
 *
 * const appended: AgUiEvent[][] = [];
 * const batcher = createBatcher<AgUiEvent>(
 *   { enabled: true, maxBatchSize: 64, maxWaitTime: 20, flushInterval: 50, maxLatency: 100 },
 *   (batch) => appended.push(coalesceAgUiEvents(batch)),
 * );
 * for (const delta of ['Sun', 'ny', '.']) batcher.add({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta });
 * batcher.flush();
 * console.log(appended); // [[{ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'Sunny.' }]]
 * ```
 */
export function coalesceAgUiEvents(events: readonly AgUiEvent[]): AgUiEvent[] {
  const out: AgUiEvent[] = [];
  let lastKey: string | undefined;
  for (const event of events) {
    const key = joinKey(event);
    const last = out.at(-1);
    if (
      key !== undefined &&
      key === lastKey &&
      last !== undefined &&
      'delta' in last &&
      'delta' in event
    ) {
      out[out.length - 1] = {
        ...last,
        delta: `${last.delta as string}${event.delta as string}`,
      } as AgUiEvent;
      continue;
    }
    out.push(event);
    lastKey = key;
  }
  return out;
}
