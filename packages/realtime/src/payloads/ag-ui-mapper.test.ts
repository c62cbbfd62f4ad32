import { describe, expect, it } from 'vitest';
import { schemaFailures, verifySequence } from './__fixtures__/ag-ui-check.js';
import { byRun, scriptedRun } from './__fixtures__/scripted-run.js';
import type { AgUiEvent } from './ag-ui-types.js';
import { createAgUiMapper } from './index.js';

describe('createAgUiMapper', () => {
  describe('map', () => {
    it('maps a scripted agent run end to end into events @ag-ui/core accepts, in an order its verifier accepts', async () => {
      const { events, sessionId } = await scriptedRun();
      const mapper = createAgUiMapper();
      const mapped = events.flatMap((event) => mapper.map(event));

      expect(schemaFailures(mapped)).toEqual([]);
      const runs = byRun(mapped);
      expect(runs).toHaveLength(2);
      for (const run of runs) await verifySequence(run);
      // Every run's state is dropped at its end.
      expect(mapper.activeRuns).toBe(0);

      const [first, second] = runs as [AgUiEvent[], AgUiEvent[]];
      expect(first[0]).toMatchObject({ type: 'RUN_STARTED', threadId: sessionId });
      // The user's message, as a user text message.
      const userStart = first.find(
        (event) => event.type === 'TEXT_MESSAGE_START' && event.role === 'user',
      );
      expect(userStart).toBeDefined();
      // The reasoning, the tool call with its arguments and its result.
      const reasoning = first
        .filter((event) => event.type === 'REASONING_MESSAGE_CONTENT')
        .map((event) => event.delta)
        .join('');
      expect(reasoning).toBe('I should look it up.');
      const start = first.find((event) => event.type === 'TOOL_CALL_START');
      expect(start).toMatchObject({ toolCallName: 'lookup' });
      const callId = start?.type === 'TOOL_CALL_START' ? start.toolCallId : '';
      const args = first
        .filter((event) => event.type === 'TOOL_CALL_ARGS' && event.toolCallId === callId)
        .map((event) => (event.type === 'TOOL_CALL_ARGS' ? event.delta : ''));
      expect(args.length).toBeGreaterThan(1);
      expect(JSON.parse(args.join(''))).toEqual({ query: 'weather' });
      const result = first.find((event) => event.type === 'TOOL_CALL_RESULT');
      expect(result).toMatchObject({ toolCallId: callId, role: 'tool' });
      expect(JSON.parse(result?.type === 'TOOL_CALL_RESULT' ? result.content : '')).toEqual({
        query: 'weather',
        answer: 'sunny',
      });

      // The failed attempt: its message is named for discarding, and a retry is announced.
      const failure = first.find(
        (event) => event.type === 'CUSTOM' && event.name === 'agentry.model-error',
      );
      const failed =
        failure?.type === 'CUSTOM'
          ? (failure.value as { discardedMessageIds: string[]; willRetry: boolean })
          : undefined;
      expect(failed?.willRetry).toBe(true);
      expect(failed?.discardedMessageIds).toHaveLength(1);
      const partial = first
        .filter(
          (event) =>
            event.type === 'TEXT_MESSAGE_CONTENT' &&
            event.messageId === failed?.discardedMessageIds[0],
        )
        .map((event) => (event.type === 'TEXT_MESSAGE_CONTENT' ? event.delta : ''))
        .join('');
      expect(partial.length).toBeGreaterThan(0);
      expect(
        first.some((event) => event.type === 'CUSTOM' && event.name === 'agentry.model-request'),
      ).toBe(true);

      // The answer is its own message, without the failed attempt's text.
      const answerIds = new Set(
        first.flatMap((event) =>
          event.type === 'TEXT_MESSAGE_START' &&
          event.role === 'assistant' &&
          event.messageId !== failed?.discardedMessageIds[0]
            ? [event.messageId]
            : [],
        ),
      );
      expect(answerIds.size).toBe(1);
      const answer = first
        .filter((event) => event.type === 'TEXT_MESSAGE_CONTENT' && answerIds.has(event.messageId))
        .map((event) => (event.type === 'TEXT_MESSAGE_CONTENT' ? event.delta : ''))
        .join('');
      expect(answer).toBe('Sunny.');
      const finished = first.at(-1);
      expect(finished).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'success' } });
      expect(
        finished?.type === 'RUN_FINISHED' ? finished.usage?.[0]?.totalTokens : undefined,
      ).toBeGreaterThan(0);
      expect(
        first.filter((event) => event.type === 'CUSTOM' && event.name === 'agentry.usage'),
      ).toHaveLength(2);
      expect(
        first
          .filter((event) => event.type === 'STEP_STARTED')
          .map((event) => event.type === 'STEP_STARTED' && event.stepName),
      ).toEqual(['step-1', 'step-2']);

      // The second run fails.
      expect(second.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'invalid_request' });
      // Status changes and metrics travel as CUSTOM events too.
      expect(
        mapped.some((event) => event.type === 'CUSTOM' && event.name === 'agentry.metrics'),
      ).toBe(true);
      expect(
        mapped.some((event) => event.type === 'CUSTOM' && event.name === 'agentry.status'),
      ).toBe(true);
    });

    it('maps the same events to the same events in a new mapper (ids are derived, never random)', async () => {
      const { events } = await scriptedRun();
      const first = createAgUiMapper();
      const second = createAgUiMapper();
      const mapped = events.flatMap((event) => first.map(event));
      expect(mapped.length).toBeGreaterThan(20);
      expect(events.flatMap((event) => second.map(event))).toEqual(mapped);
    });
  });
});
