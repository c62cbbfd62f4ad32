import { AgentryError, type InstanceEvent } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { schemaFailures, verifySequence } from './__fixtures__/ag-ui-check.js';
import { byRun, scriptedRun } from './__fixtures__/scripted-run.js';
import type { AgUiEvent } from './ag-ui-types.js';
import { createAgUiMapper, createRunSnapshot } from './index.js';

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

describe('createAgUiMapper (edges)', () => {
  const source = { kind: 'agent', agentId: 'agent-1' } as const;
  const agent = (event: Record<string, unknown>) => ({ source, event }) as unknown as InstanceEvent;

  it('refuses a maxRuns that is not a positive integer', () => {
    expect(() => createAgUiMapper({ maxRuns: 0 })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: { path: 'maxRuns', value: 0 },
      }),
    );
  });

  it('follows at most maxRuns runs, dropping the oldest', () => {
    const mapper = createAgUiMapper({ maxRuns: 2 });
    for (const runId of ['r-1', 'r-2', 'r-3'])
      mapper.map(agent({ type: 'run-start', runId, message: undefined }));
    expect(mapper.activeRuns).toBe(2);
    mapper.map(
      agent({
        type: 'run-end',
        runId: 'r-3',
        text: '',
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
        stepCount: 0,
        steps: 0,
      }),
    );
    expect(mapper.activeRuns).toBe(1);
  });

  it('opens a run first seen mid-way, with the agent id as thread when there is no session', async () => {
    const mapper = createAgUiMapper();
    const mapped = [
      ...mapper.map(agent({ type: 'text-delta', runId: 'r-1', step: 2, delta: 'late' })),
      ...mapper.map(
        agent({
          type: 'run-error',
          runId: 'r-1',
          error: new AgentryError({ code: 'aborted', message: 'Stopped by the user.' }),
        }),
      ),
    ];
    expect(mapped.map((event) => event.type)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
    expect(mapped[0]).toMatchObject({ threadId: 'agent-1', runId: 'r-1' });
    // An abort is a cancel, not a failure.
    expect(mapped.at(-1)).toMatchObject({
      outcome: { type: 'cancelled' },
      metadata: { agentry: { reason: 'Stopped by the user.' } },
    });
    expect(schemaFailures(mapped)).toEqual([]);
    await verifySequence(mapped);
  });

  it('maps plug-in events to nothing, and a workflow breaker change outside a run to a CUSTOM event alone', () => {
    const mapper = createAgUiMapper();
    expect(
      mapper.map({
        source: { kind: 'plugin', plugin: 'security' },
        event: { type: 'denied', at: 1 },
      }),
    ).toEqual([]);
    const breaker = mapper.map({
      source: { kind: 'workflow-run', runId: 'w-1', workflowId: 'flow' },
      event: {
        type: 'breaker-state',
        runId: 'w-1',
        workflowId: 'flow',
        stepId: 's',
        at: 5,
        breaker: { name: 'flow:s', from: 'closed', to: 'open' },
      } as never,
    });
    expect(breaker).toEqual([
      {
        type: 'CUSTOM',
        name: 'agentry.workflow.breaker-state',
        value: {
          runId: 'w-1',
          workflowId: 'flow',
          stepId: 's',
          name: 'flow:s',
          from: 'closed',
          to: 'open',
        },
        timestamp: 5,
      },
    ]);
    expect(mapper.activeRuns).toBe(0);
  });

  it('escapes step ids in state paths (RFC 6901), so the state holds the id as it is', () => {
    const mapper = createAgUiMapper();
    const wf = (event: Record<string, unknown>) =>
      mapper.map({
        source: { kind: 'workflow-run', runId: 'w-1', workflowId: 'flow' },
        event: { runId: 'w-1', workflowId: 'flow', at: 1, ...event } as never,
      });
    const mapped = [...wf({ type: 'run-start' }), ...wf({ type: 'step-start', stepId: 'a/b~c' })];
    expect(mapped.at(-1)).toMatchObject({
      type: 'STATE_DELTA',
      delta: [{ op: 'add', path: '/steps/a~1b~0c', value: 'running' }],
    });
    const snapshot = createRunSnapshot();
    for (const event of mapped) snapshot.apply(event);
    expect(snapshot.state).toEqual({
      workflowId: 'flow',
      status: 'running',
      steps: { 'a/b~c': 'running' },
    });
  });
});
