import { describe, expect, it } from 'vitest';
import { AgentEventRecorder } from './agent-event-recorder.js';
import { defineAgentryMetrics } from './agentry-metric-families.js';
import { createMetricsRegistry } from './metrics-registry.js';

function recorder() {
  const clock = { now: 0, reads: 0 };
  const registry = createMetricsRegistry({
    collectionInterval: 1_000,
    retentionPeriod: 1,
    now: () => {
      clock.reads += 1;
      return clock.now;
    },
  });
  const families = defineAgentryMetrics(registry);
  return {
    clock,
    families,
    recorder: new AgentEventRecorder(families, registry.ring, () => undefined),
  };
}

describe('AgentEventRecorder', () => {
  describe('record', () => {
    it('keeps state per live agent only: made by its first measured event, dropped when it shuts down', () => {
      const { recorder: subject, families } = recorder();
      subject.record('a-1', { type: 'status-delta', from: 'created', event: 'start', to: 'idle' });
      expect(subject.agents).toBe(0); // nothing measured yet, nothing held
      subject.record('a-1', { type: 'run-start', runId: 'r-1', message: undefined });
      expect(subject.agents).toBe(1);
      subject.record('a-1', {
        type: 'status-delta',
        from: 'idle',
        event: 'shutdown',
        to: 'shut-down',
      });
      expect(subject.agents).toBe(0);
      expect(families.runs.series(['a-1']).value).toBe(1); // its totals stay exported
    });

    it('ignores the events of a run other than the one in flight', () => {
      const { recorder: subject, families, clock } = recorder();
      subject.record('a-1', { type: 'run-start', runId: 'r-1', message: undefined });
      subject.record('a-1', {
        type: 'model-request',
        runId: 'r-1',
        step: 1,
        model: 'openai:m',
        attempt: 1,
      });
      clock.now = 400;
      subject.record('a-1', { type: 'text-delta', runId: 'r-0', step: 1, delta: 'stale' });
      clock.now = 500;
      subject.record('a-1', { type: 'text-delta', runId: 'r-1', step: 1, delta: 'ok' });
      expect(families.firstChunk.series(['a-1', 'openai:m']).sum).toBe(0.5);
    });

    it('reads the clock once per measured event, and not for later deltas or bookkeeping', () => {
      const { recorder: subject, clock } = recorder();
      const before = clock.reads;
      subject.record('a-1', { type: 'run-start', runId: 'r-1', message: undefined });
      subject.record('a-1', { type: 'step-start', runId: 'r-1', step: 1 });
      subject.record('a-1', {
        type: 'model-request',
        runId: 'r-1',
        step: 1,
        model: 'openai:m',
        attempt: 1,
      });
      for (const delta of ['a', 'b', 'c'])
        subject.record('a-1', { type: 'text-delta', runId: 'r-1', step: 1, delta });
      subject.record('a-1', {
        type: 'run-end',
        runId: 'r-1',
        text: 'abc',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        stepCount: 1,
        steps: 1,
      });
      expect(clock.reads - before).toBe(3); // run-start, model-request, the first delta
    });

    it('records no cost for a model without pricing, and still its tokens', () => {
      const { recorder: subject, families } = recorder();
      subject.record('a-1', { type: 'run-start', runId: 'r-1', message: undefined });
      subject.record('a-1', {
        type: 'step-end',
        runId: 'r-1',
        step: 1,
        model: 'openai:m',
        finishReason: 'stop',
        usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 },
      });
      expect(families.tokens.series(['a-1', 'openai:m', 'input']).value).toBe(3);
      expect(families.cost.size).toBe(0);
    });
  });
});
