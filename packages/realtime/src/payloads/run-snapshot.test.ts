import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaFailures, verifySequence } from './__fixtures__/ag-ui-check.js';
import { byRun, scriptedRun } from './__fixtures__/scripted-run.js';
import type { AgUiEvent } from './ag-ui-types.js';
import { createAgUiMapper, createRunSnapshot } from './index.js';

const fold = (events: readonly AgUiEvent[]) => {
  const snapshot = createRunSnapshot();
  for (const event of events) snapshot.apply(event);
  return snapshot;
};

async function scriptedEvents(): Promise<AgUiEvent[]> {
  const { events } = await scriptedRun();
  const mapper = createAgUiMapper();
  const [first] = byRun(events.flatMap((event) => mapper.map(event)));
  return first ?? [];
}

describe('createRunSnapshot', () => {
  describe('snapshot', () => {
    it('gives a late joiner, at any cut, the messages and state of a consumer that saw everything, in a sequence AG-UI verifies', async () => {
      const events = await scriptedEvents();
      const full = fold(events);
      // The answer, the call with its arguments, the result; the failed attempt's text is gone.
      expect(full.messages.map((message) => message.role)).toEqual([
        'user',
        'reasoning',
        'assistant',
        'tool',
        'assistant',
      ]);
      expect(full.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Sunny.' });
      expect(JSON.stringify(full.messages)).not.toContain('Partial');

      // Every cut, including each one inside a streaming message or tool call.
      for (let cut = 0; cut <= events.length; cut++) {
        const joined = fold(events.slice(0, cut)).snapshot();
        expect(schemaFailures(joined)).toEqual([]);
        const late = fold([...joined, ...events.slice(cut)]);
        expect(late.messages, `cut at ${cut}`).toEqual(full.messages);
        await verifySequence([...joined, ...events.slice(cut)]);
      }
    });

    it('re-opens a message still streaming so that its later deltas apply', async () => {
      const events = await scriptedEvents();
      const content = events.findIndex(
        (event) => event.type === 'TEXT_MESSAGE_CONTENT' && event.messageId.includes(':2.2:'),
      );
      expect(content).toBeGreaterThan(0);
      const joined = fold(events.slice(0, content + 1)).snapshot();
      const types = joined.map((event) => event.type);
      expect(types.slice(0, 2)).toEqual(['RUN_STARTED', 'MESSAGES_SNAPSHOT']);
      expect(types.slice(-2)).toEqual(['TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT']);
      expect(types).toContain('STEP_STARTED');
      const snapshotMessages = joined.find((event) => event.type === 'MESSAGES_SNAPSHOT');
      const streamingId = (events[content] as { messageId: string }).messageId;
      expect(JSON.stringify(snapshotMessages)).not.toContain(streamingId);
    });

    it('holds random cuts of random interleavings of runs of text, reasoning and tool calls', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.record({
                kind: fc.constant('text' as const),
                deltas: fc.array(fc.string({ minLength: 1, maxLength: 4 }), {
                  minLength: 1,
                  maxLength: 4,
                }),
              }),
              fc.record({
                kind: fc.constant('reasoning' as const),
                deltas: fc.array(fc.string({ minLength: 1, maxLength: 4 }), {
                  minLength: 1,
                  maxLength: 3,
                }),
              }),
              fc.record({
                kind: fc.constant('tool' as const),
                deltas: fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 3 }),
              }),
              fc.record({ kind: fc.constant('fail' as const), deltas: fc.constant([]) }),
              fc.record({ kind: fc.constant('step' as const), deltas: fc.constant([]) }),
            ),
            { maxLength: 12 },
          ),
          fc.nat(),
          async (parts, seed) => {
            const mapper = createAgUiMapper();
            const source = { kind: 'agent', agentId: 'agent-1', sessionId: 'session-1' } as const;
            const runId = 'run-1';
            let step = 1;
            let call = 0;
            const out: AgUiEvent[] = [];
            const push = (event: Parameters<typeof mapper.map>[0]['event']) =>
              out.push(...mapper.map({ source, event } as Parameters<typeof mapper.map>[0]));
            push({ type: 'run-start', runId, message: undefined });
            push({ type: 'step-start', runId, step });
            push({ type: 'model-request', runId, step, model: 'mock:m', attempt: 1 });
            for (const part of parts) {
              if (part.kind === 'text')
                for (const delta of part.deltas) push({ type: 'text-delta', runId, step, delta });
              if (part.kind === 'reasoning')
                for (const delta of part.deltas)
                  push({ type: 'reasoning-delta', runId, step, delta });
              if (part.kind === 'tool') {
                const toolCallId = `call-${++call}`;
                push({ type: 'tool-call-start', runId, step, toolCallId, toolName: 'lookup' });
                for (const delta of part.deltas)
                  push({ type: 'tool-call-delta', runId, step, toolCallId, delta });
                push({
                  type: 'tool-call-end',
                  runId,
                  step,
                  toolCallId,
                  toolName: 'lookup',
                  input: part.deltas.join(''),
                });
                push({
                  type: 'tool-response',
                  runId,
                  step,
                  durationMs: 1,
                  result: {
                    type: 'tool-result',
                    toolCallId,
                    toolName: 'lookup',
                    output: { ok: call },
                  },
                });
              }
              if (part.kind === 'fail') {
                const { AgentryError } = await import('@agentry/core');
                push({
                  type: 'model-error',
                  runId,
                  step,
                  model: 'mock:m',
                  attempt: 1,
                  error: new AgentryError({ code: 'provider_unavailable', message: 'Down.' }),
                  willRetry: true,
                  partialText: '',
                });
                push({ type: 'model-request', runId, step, model: 'mock:m', attempt: 2 });
              }
              if (part.kind === 'step') {
                push({
                  type: 'step-end',
                  runId,
                  step,
                  model: 'mock:m',
                  finishReason: 'tool-calls',
                  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
                });
                step += 1;
                push({ type: 'step-start', runId, step });
                push({ type: 'model-request', runId, step, model: 'mock:m', attempt: 1 });
              }
            }
            push({
              type: 'run-end',
              runId,
              text: '',
              usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
              stepCount: step,
              steps: step,
            });
            const cut = seed % (out.length + 1);
            const full = fold(out);
            const joined = [...fold(out.slice(0, cut)).snapshot(), ...out.slice(cut)];
            expect(fold(joined).messages).toEqual(full.messages);
            expect(schemaFailures(joined)).toEqual([]);
            await verifySequence(joined);
            await verifySequence(out);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('apply', () => {
    it('keeps the state whole when a STATE_DELTA does not apply', () => {
      const snapshot = createRunSnapshot();
      snapshot.apply({ type: 'STATE_SNAPSHOT', snapshot: { steps: { a: 'running' } } });
      expect(() =>
        snapshot.apply({
          type: 'STATE_DELTA',
          delta: [
            { op: 'add', path: '/steps/b', value: 'running' },
            { op: 'replace', path: '/missing/x', value: 1 },
          ],
        }),
      ).toThrow(expect.objectContaining({ code: 'validation_failed' }));
      expect(snapshot.state).toEqual({ steps: { a: 'running' } });
      snapshot.apply({
        type: 'STATE_DELTA',
        delta: [
          { op: 'move', from: '/steps/a', path: '/done' },
          { op: 'test', path: '/done', value: 'running' },
        ],
      });
      expect(snapshot.state).toEqual({ steps: {}, done: 'running' });
    });
  });
});
