import { describe, expect, it } from 'vitest';
import type { AgentryError, InstanceEvent, RealtimeLog } from '@agentry/core';
import { defaultCommunicationConfig } from '../config/index.js';
import { createMemoryRealtimeLog } from '../log/index.js';
import type { AgUiEvent } from '../payloads/index.js';
import { realtimeChannels } from './channel-names.js';
import { createEventPipeline, type RunSnapshot } from './event-pipeline.js';

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
const source = { kind: 'agent', agentId: 'a-1', sessionId: 's-1' } as const;

/** A run of `deltas` text deltas, as an agent emits it. */
function agentRun(runId: string, deltas: number): InstanceEvent[] {
  const events: InstanceEvent['event'][] = [
    { type: 'run-start', runId, message: undefined },
    { type: 'step-start', runId, step: 1 },
    ...Array.from({ length: deltas }, (_, index) => ({
      type: 'text-delta' as const,
      runId,
      step: 1,
      delta: `t${index} `,
    })),
    { type: 'step-end', runId, step: 1, model: 'openai:gpt-4o', finishReason: 'stop', usage },
    { type: 'run-end', runId, text: '', usage, stepCount: 1, steps: 1 },
  ];
  return events.map((event) => ({ source, event }) as InstanceEvent);
}

/** A snapshot that keeps every event: replaying it rebuilds the run exactly. */
const keepAll = (): RunSnapshot => {
  const kept: AgUiEvent[] = [];
  return { apply: (event) => void kept.push(event), snapshot: () => [...kept] };
};

function pipelineOn(log: RealtimeLog, snapshotEvery: number, errors: AgentryError[] = []) {
  return createEventPipeline({
    payloads: { coalesce: (events) => events, createSnapshot: keepAll },
    log,
    config: defaultCommunicationConfig,
    kinds: new Set(['run', 'agent', 'session', 'workflow-run']),
    retentionMs: undefined,
    snapshotEvery,
    retryDelays: [],
    producerId: 'test-producer',
    report: (error) => errors.push(error),
  });
}

const parse = (data: string | Uint8Array) => JSON.parse(data as string) as AgUiEvent;

describe('createEventPipeline', () => {
  describe('handle', () => {
    it('keeps appends in order per channel even when the log answers out of order', async () => {
      const log = createMemoryRealtimeLog();
      const append = log.append.bind(log);
      // Each append waits a different time: a writer that does not chain would reorder them.
      let call = 0;
      log.append = async (channel, entries, options) => {
        call += 1;
        await new Promise((resolve) => setTimeout(resolve, (7 * call) % 5));
        return append(channel, entries, options);
      };
      const pipeline = createEventPipeline({
        payloads: { coalesce: (events) => events },
        log,
        // No batching: every event is its own append.
        config: {
          ...defaultCommunicationConfig,
          batching: { ...defaultCommunicationConfig.batching, enabled: false },
        },
        kinds: new Set(['run']),
        retentionMs: undefined,
        snapshotEvery: 100,
        retryDelays: [],
        producerId: 'test-producer',
        report: (error) => {
          throw error;
        },
      });
      for (const tagged of agentRun('r-1', 30)) pipeline.handle(tagged);
      await pipeline.drain();
      const page = await log.read(realtimeChannels.run('r-1'), '-1', { limit: 1_000 });
      const deltas = page.entries
        .map((entry) => parse(entry.data))
        .flatMap((event) => (event.type === 'TEXT_MESSAGE_CONTENT' ? [event.delta] : []));
      expect(deltas).toEqual(Array.from({ length: 30 }, (_, index) => `t${index} `));
      expect(page.closed).toBe(true);
    });

    it('keeps a snapshot in step with the log: snapshot plus the entries after its offset is the whole run', async () => {
      const log = createMemoryRealtimeLog();
      const pipeline = pipelineOn(log, 10);
      const channel = realtimeChannels.run('r-2');
      const events = agentRun('r-2', 40);
      const snapshots: { offset: string; data: string | Uint8Array }[] = [];
      for (const tagged of events) {
        pipeline.handle(tagged);
        // Late joiners arriving all along the run.
        await pipeline.drain();
        const snapshot = await log.getSnapshot(channel);
        if (snapshot !== undefined) snapshots.push(snapshot);
      }
      const all = (await log.read(channel, '-1', { limit: 1_000 })).entries.map((entry) =>
        parse(entry.data),
      );
      expect(snapshots.length).toBeGreaterThan(2);
      for (const snapshot of snapshots) {
        const tail = (await log.read(channel, snapshot.offset, { limit: 1_000 })).entries;
        const rebuilt = [
          ...(JSON.parse(snapshot.data as string) as AgUiEvent[]),
          ...tail.map((entry) => parse(entry.data)),
        ];
        expect(rebuilt).toEqual(all);
      }
      // The last snapshot is taken at the run's end and covers all of it.
      expect(JSON.parse(snapshots.at(-1)!.data as string)).toEqual(all);
    });

    it('records a run as open before its first entry and as ended after its close', async () => {
      const log = createMemoryRealtimeLog();
      const pipeline = pipelineOn(log, 100);
      for (const tagged of agentRun('r-3', 2).slice(0, 3)) pipeline.handle(tagged);
      await pipeline.drain();
      const index = async () =>
        (await log.read('_realtime/runs', '-1')).entries.map(
          (entry) => JSON.parse(entry.data as string) as object,
        );
      expect(await index()).toEqual([
        expect.objectContaining({
          open: 'run/r-3',
          kind: 'run',
          runId: 'r-3',
          also: ['agent/a-1', 'session/s-1'],
        }),
      ]);
      for (const tagged of agentRun('r-3', 2).slice(3)) pipeline.handle(tagged);
      await pipeline.drain();
      expect((await index()).at(-1)).toEqual({ end: 'run/r-3' });
    });
  });
});
