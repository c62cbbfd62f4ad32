import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from '../batching/batcher.js';
import { schemaFailures, verifySequence } from './__fixtures__/ag-ui-check.js';
import { byRun, scriptedRun } from './__fixtures__/scripted-run.js';
import type { AgUiEvent } from './ag-ui-types.js';
import { coalesceAgUiEvents, createAgUiMapper, createRunSnapshot } from './index.js';

afterEach(() => {
  vi.useRealTimers();
});

const fold = (events: readonly AgUiEvent[]) => {
  const snapshot = createRunSnapshot();
  for (const event of events) snapshot.apply(event);
  return snapshot.messages;
};

describe('coalesceAgUiEvents', () => {
  it('merges adjacent deltas of one message or call and keeps everything else in order', () => {
    const events: AgUiEvent[] = [
      { type: 'TEXT_MESSAGE_START', messageId: 'm-1', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'Sun', timestamp: 1 },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'ny', timestamp: 2 },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-2', delta: 'other' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: '.' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c-1', delta: '{"a"' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c-1', delta: ':1}' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c-1', delta: ' ', metadata: { agentry: { note: 1 } } },
      { type: 'REASONING_MESSAGE_CONTENT', messageId: 'r-1', delta: 'a' },
      { type: 'REASONING_MESSAGE_CONTENT', messageId: 'r-1', delta: 'b' },
    ];
    const before = structuredClone(events);
    expect(coalesceAgUiEvents(events)).toEqual([
      { type: 'TEXT_MESSAGE_START', messageId: 'm-1', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: 'Sunny', timestamp: 1 },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-2', delta: 'other' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: '.' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c-1', delta: '{"a":1}' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c-1', delta: ' ', metadata: { agentry: { note: 1 } } },
      { type: 'REASONING_MESSAGE_CONTENT', messageId: 'r-1', delta: 'ab' },
    ]);
    expect(events).toEqual(before);
  });

  it('on batches from createBatcher, leaves a scripted run valid and its messages unchanged, with fewer events', async () => {
    const { events } = await scriptedRun();
    vi.useFakeTimers();
    const mapper = createAgUiMapper();
    const [run] = byRun(events.flatMap((event) => mapper.map(event))) as [AgUiEvent[]];
    const appended: AgUiEvent[] = [];
    const batcher = createBatcher<AgUiEvent>(
      { enabled: true, maxBatchSize: 8, maxWaitTime: 20, flushInterval: 50, maxLatency: 100 },
      (batch) => appended.push(...coalesceAgUiEvents(batch)),
    );
    for (const event of run) batcher.add(event);
    await vi.advanceTimersByTimeAsync(100);
    batcher.close();
    expect(appended.length).toBeLessThan(run.length);
    expect(schemaFailures(appended)).toEqual([]);
    await verifySequence(appended);
    expect(fold(appended)).toEqual(fold(run));
  });

  it('never changes what a stream of deltas folds to, for any split into batches', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom('text', 'args', 'other'),
            id: fc.constantFrom('a', 'b'),
            delta: fc.string({ minLength: 1, maxLength: 3 }),
          }),
          { maxLength: 40 },
        ),
        fc.array(fc.nat({ max: 40 }), { maxLength: 6 }),
        (parts, cuts) => {
          const events: AgUiEvent[] = parts.map((part) =>
            part.kind === 'text'
              ? { type: 'TEXT_MESSAGE_CONTENT', messageId: part.id, delta: part.delta }
              : part.kind === 'args'
                ? { type: 'TOOL_CALL_ARGS', toolCallId: part.id, delta: part.delta }
                : { type: 'CUSTOM', name: 'x', value: part.delta },
          );
          const bounds = [
            ...new Set([0, ...cuts.map((cut) => Math.min(cut, events.length)), events.length]),
          ].sort((a, b) => a - b);
          const batched = bounds
            .slice(1)
            .flatMap((end, index) => coalesceAgUiEvents(events.slice(bounds[index], end)));
          const text = (list: AgUiEvent[], type: string, id: string) =>
            list
              .filter(
                (event) =>
                  event.type === type &&
                  ((event as { messageId?: string }).messageId ??
                    (event as { toolCallId?: string }).toolCallId) === id,
              )
              .map((event) => (event as { delta: string }).delta)
              .join('');
          for (const id of ['a', 'b']) {
            expect(text(batched, 'TEXT_MESSAGE_CONTENT', id)).toBe(
              text(events, 'TEXT_MESSAGE_CONTENT', id),
            );
            expect(text(batched, 'TOOL_CALL_ARGS', id)).toBe(text(events, 'TOOL_CALL_ARGS', id));
          }
          expect(batched.filter((event) => event.type === 'CUSTOM')).toEqual(
            events.filter((event) => event.type === 'CUSTOM'),
          );
          // Two adjacent deltas of one stream are merged within a batch.
          expect(batched.length).toBeLessThanOrEqual(events.length);
        },
      ),
    );
  });
});
