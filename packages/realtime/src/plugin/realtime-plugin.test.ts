import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentryError, type Agentry, type InstanceEvent } from '@agentry/core';
import { mockText, mockToolCall } from '@agentry/testing';
import { createMemoryRealtimeLog } from '../log/index.js';
import {
  coalesceAgUiEvents,
  createAgUiMapper,
  createRunSnapshot,
  type AgUiEvent,
} from '../payloads/index.js';
import { realtimeChannels } from './channel-names.js';
import { createGate, lookup, readAll, realtimeInstance } from './__fixtures__/realtime-instance.js';
import { realtime } from './realtime-plugin.js';

const open: Agentry[] = [];

/**
 * Events as a reader rebuilds them: adjacent deltas merged, so that how batches happened to be cut
 * does not matter, and as JSON (what the log holds).
 */
const merged = (events: readonly unknown[]) =>
  JSON.parse(JSON.stringify(coalesceAgUiEvents(events as AgUiEvent[]))) as unknown[];
afterEach(async () => {
  for (const agentry of open.splice(0)) await agentry.shutdown();
});

async function instance(...args: Parameters<typeof realtimeInstance>) {
  const made = await realtimeInstance(...args);
  open.push(made.agentry);
  return made;
}

describe('realtime()', () => {
  describe('in a running instance', () => {
    it('appends exactly the mapped events of a run, in order, to its channel, and closes it at the end', async () => {
      const { agentry, log, errors } = await instance();
      const seen: InstanceEvent[] = [];
      agentry.events$.subscribe((tagged) => seen.push(tagged));
      const agent = agentry.createAgent({
        tools: [lookup],
        context: { userId: 'user-1', sessionId: 'chat 42' },
      });
      const run = agent.send('Weather?');
      expect((await run).text).toBe('Sunny.');
      await agentry.realtime.close();

      const channel = realtimeChannels.run(run.id);
      const mapper = createAgUiMapper();
      const expected = seen
        .filter((tagged) => 'runId' in tagged.event && tagged.event.runId === run.id)
        .flatMap((tagged) => mapper.map(tagged));
      const entries = await readAll(log, channel);
      expect(merged(entries)).toEqual(merged(expected));
      expect(entries[0]).toMatchObject({ type: 'RUN_STARTED', runId: run.id });
      expect(entries.at(-1)).toMatchObject({ type: 'RUN_FINISHED', runId: run.id });
      const answer = entries.find(
        (entry) => entry.type === 'TEXT_MESSAGE_START' && entry.role === 'assistant',
      )?.messageId;
      expect(
        entries
          .filter((entry) => entry.type === 'TEXT_MESSAGE_CONTENT' && entry.messageId === answer)
          .map((entry) => entry.delta)
          .join(''),
      ).toBe('Sunny.');
      expect(entries.some((entry) => entry.type === 'TOOL_CALL_START')).toBe(true);
      const info = await log.info(channel);
      expect(info?.closed).toBe(true);
      expect(info?.options.labels).toEqual({
        userId: 'user-1',
        agentId: agent.id,
        sessionId: 'chat 42',
        runId: run.id,
      });
      expect(info?.options.maxEntries).toBe(10_000);
      expect(errors).toEqual([]);
    });

    it('writes the agent and session channels too, with the run’s events in the same order, and leaves them open', async () => {
      const { agentry, log } = await instance();
      const seen: InstanceEvent[] = [];
      agentry.events$.subscribe((tagged) => seen.push(tagged));
      const agent = agentry.createAgent({
        tools: [lookup],
        context: { userId: 'user-1', sessionId: 'chat 42' },
      });
      const run = agent.send('Weather?');
      await run;
      await agentry.realtime.close();
      // Every event of the agent, its runs' and its own (status, metrics), in order.
      const mapper = createAgUiMapper();
      const expected = merged(seen.flatMap((tagged) => mapper.map(tagged)));
      const agentChannel = realtimeChannels.agent(agent.id);
      const sessionChannel = realtimeChannels.session('chat 42');
      expect(sessionChannel).toBe('session/chat~2042');
      expect(merged(await readAll(log, agentChannel))).toEqual(expected);
      expect(merged(await readAll(log, sessionChannel))).toEqual(expected);
      const runEntries = await readAll(log, realtimeChannels.run(run.id));
      expect(runEntries.length).toBeGreaterThan(0);
      expect(expected).toEqual(expect.arrayContaining(merged(runEntries)));
      expect((await log.info(agentChannel))?.closed).toBe(false);
      expect((await log.info(sessionChannel))?.options.labels).toEqual({
        userId: 'user-1',
        sessionId: 'chat 42',
      });
    });

    it('gives a late joiner a snapshot plus the tail that rebuild the run, mid-run and at its end', async () => {
      const gate = createGate();
      const { agentry, log } = await instance({
        realtime: { snapshotEvery: 2 },
        script: [mockToolCall('wait', {}), mockText(['Done', ' waiting.'])],
      });
      const agent = agentry.createAgent({ tools: [gate.tool] });
      const run = agent.send('Wait, then say so.');
      const channel = realtimeChannels.run(run.id);
      await vi.waitFor(() => expect(gate.waiting).toBe(1));
      /** What a late joiner rebuilds from the stored snapshot and the entries after it. */
      const lateJoiner = async () => {
        const snapshot = await log.getSnapshot(channel);
        expect(snapshot).toBeDefined();
        const rebuilt = createRunSnapshot();
        for (const event of JSON.parse(snapshot!.data as string) as AgUiEvent[])
          rebuilt.apply(event);
        for (const event of await readAll(log, channel, snapshot!.offset)) {
          rebuilt.apply(event as unknown as AgUiEvent);
        }
        return { rebuilt, offset: snapshot!.offset };
      };
      /** What a reader that read everything from the start has. */
      const fromStart = async () => {
        const replayed = createRunSnapshot();
        for (const event of await readAll(log, channel))
          replayed.apply(event as unknown as AgUiEvent);
        return replayed;
      };
      await vi.waitFor(async () => expect(await log.getSnapshot(channel)).toBeDefined());
      const middle = await lateJoiner();
      expect(middle.offset <= (await log.info(channel))!.tailOffset).toBe(true);
      expect(middle.rebuilt.messages).toEqual((await fromStart()).messages);

      gate.release();
      await run;
      await agentry.realtime.close();
      const end = await lateJoiner();
      expect(end.offset).toBe((await log.info(channel))!.tailOffset);
      expect(end.rebuilt.messages).toEqual((await fromStart()).messages);
      expect(end.rebuilt.messages.at(-1)).toMatchObject({
        role: 'assistant',
        content: 'Done waiting.',
      });
    });

    it('keeps writing a session channel when a new agent joins after the last one shut down', async () => {
      const { agentry, log, errors } = await instance({
        script: [mockText('First.'), mockText('Second.')],
      });
      const first = agentry.createAgent({ context: { sessionId: 's-9' } });
      const one = first.send('1');
      await one;
      await first.shutdown();
      const second = agentry.createAgent({ context: { sessionId: 's-9' } });
      const two = second.send('2');
      await two;
      await agentry.realtime.close();
      const started = (await readAll(log, realtimeChannels.session('s-9')))
        .filter((entry) => entry.type === 'RUN_STARTED')
        .map((entry) => entry.runId);
      expect(started).toEqual([one.id, two.id]);
      expect(errors).toEqual([]);
    });

    it('writes only the channel kinds asked for', async () => {
      const { agentry, log } = await instance({ realtime: { channels: ['run'] } });
      const agent = agentry.createAgent({ tools: [lookup], context: { sessionId: 's-1' } });
      const run = agent.send('Weather?');
      await run;
      await agentry.realtime.close();
      expect(await log.info(realtimeChannels.run(run.id))).toBeDefined();
      expect(await log.info(realtimeChannels.agent(agent.id))).toBeUndefined();
      expect(await log.info(realtimeChannels.session('s-1'))).toBeUndefined();
    });

    it('cancels a run through its channel: the run fails with aborted and its channel ends as cancelled', async () => {
      const gate = createGate();
      const { agentry, log } = await instance({
        script: [mockToolCall('wait', {}), mockText('never')],
      });
      const agent = agentry.createAgent({ tools: [gate.tool] });
      const run = agent.send('Wait.');
      await vi.waitFor(() => expect(gate.waiting).toBe(1));
      const channel = realtimeChannels.run(run.id);
      expect(await agentry.realtime.cancel(channel, 'The user pressed stop.')).toBe(true);
      await expect(run).rejects.toMatchObject({ code: 'aborted' });
      gate.release();
      await agentry.realtime.close();
      const entries = await readAll(log, channel);
      expect(entries.at(-1)).toMatchObject({
        type: 'RUN_FINISHED',
        outcome: { type: 'cancelled' },
      });
      expect((await log.info(channel))?.closed).toBe(true);
      // Ended: nothing left to cancel.
      expect(await agentry.realtime.cancel(channel)).toBe(false);
    });

    it('cancels the current run of an agent through the agent channel, and refuses a session channel', async () => {
      const gate = createGate();
      const { agentry } = await instance({ script: [mockToolCall('wait', {}), mockText('never')] });
      const agent = agentry.createAgent({ tools: [gate.tool], context: { sessionId: 's-1' } });
      const run = agent.send('Wait.');
      await vi.waitFor(() => expect(gate.waiting).toBe(1));
      await expect(agentry.realtime.cancel(realtimeChannels.session('s-1'))).rejects.toMatchObject({
        code: 'invalid_request',
      });
      expect(await agentry.realtime.cancel(realtimeChannels.agent(agent.id))).toBe(true);
      await expect(run).rejects.toMatchObject({ code: 'aborted' });
      gate.release();
    });

    it('publishes to a channel of the application’s own, and refuses the channels it writes itself', async () => {
      const { agentry, log } = await instance();
      await agentry.realtime.publish('app/notices', { text: 'one' }, { labels: { tenant: 't-1' } });
      await agentry.realtime.publish('app/notices', { text: 'two' }, { close: true });
      expect(await readAll(log, 'app/notices')).toEqual([{ text: 'one' }, { text: 'two' }]);
      const info = await log.info('app/notices');
      expect(info?.closed).toBe(true);
      expect(info?.options.labels).toEqual({ tenant: 't-1' });
      await expect(agentry.realtime.publish('run/r-1', {})).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(agentry.realtime.publish('bad channel', {})).rejects.toMatchObject({
        code: 'validation_failed',
      });
    });
  });

  describe('when the log fails', () => {
    it('retries a failed append as the same producer append: nothing lost, nothing doubled', async () => {
      const log = createMemoryRealtimeLog();
      const append = log.append.bind(log);
      let failures = 2;
      log.append = async (channel, entries, options) => {
        if (channel.startsWith('run/') && failures > 0) {
          failures -= 1;
          // The append lands, then the caller is told it failed: the retry must not double it.
          await append(channel, entries, options);
          throw new Error('connection reset');
        }
        return append(channel, entries, options);
      };
      const { agentry, errors } = await instance({
        realtime: { log, appendRetryDelays: [0, 0, 0] },
      });
      const seen: InstanceEvent[] = [];
      agentry.events$.subscribe((tagged) => seen.push(tagged));
      const run = agentry.createAgent({ tools: [lookup] }).send('Weather?');
      await run;
      await agentry.realtime.close();
      const mapper = createAgUiMapper();
      const expected = seen
        .filter((tagged) => 'runId' in tagged.event && tagged.event.runId === run.id)
        .flatMap((tagged) => mapper.map(tagged));
      expect(merged(await readAll(log, realtimeChannels.run(run.id)))).toEqual(merged(expected));
      expect(failures).toBe(0);
      expect(errors).toEqual([]);
    });

    it('reports an append that keeps failing, and starts the channel over with an explicit gap', async () => {
      const log = createMemoryRealtimeLog();
      const append = log.append.bind(log);
      let failing = false;
      log.append = async (channel, entries, options) => {
        if (failing && channel.startsWith('agent/')) throw new Error('disk full');
        return append(channel, entries, options);
      };
      const { agentry, errors } = await instance({
        realtime: { log, appendRetryDelays: [0], channels: ['agent'] },
        script: [mockText('one'), mockText('two'), mockText('three')],
      });
      const agent = agentry.createAgent();
      const channel = realtimeChannels.agent(agent.id);
      await agent.send('1');
      await vi.waitFor(async () => expect((await readAll(log, channel)).length).toBeGreaterThan(0));
      const firstEpoch = (await log.info(channel))!.epoch;
      failing = true;
      await agent.send('2');
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0));
      const reported = errors[0]!;
      expect(AgentryError.isInstance(reported)).toBe(true);
      expect(reported.message).toMatch(/disk full/);
      expect(reported.details).toMatchObject({ channel });
      failing = false;
      await agent.send('3');
      await agentry.realtime.close();
      // A new history: a reader holding an offset of the old one is told it is gone.
      expect((await log.info(channel))!.epoch > firstEpoch).toBe(true);
      const entries = await readAll(log, channel);
      expect(entries[0]).toMatchObject({ type: 'CUSTOM', name: 'agentry.gap' });
      expect(entries.some((entry) => entry.type === 'RUN_FINISHED')).toBe(true);
    });
  });

  describe('after a restart', () => {
    it('ends and closes the agent runs the stopped process left open, on the same log', async () => {
      const log = createMemoryRealtimeLog();
      const gate = createGate();
      // The first process: a run in flight that will never finish (its process "dies").
      const first = await realtimeInstance({
        realtime: { log },
        script: [mockToolCall('wait', {}), mockText('never')],
      });
      const agent = first.agentry.createAgent({
        tools: [gate.tool],
        context: { sessionId: 's-1' },
      });
      const run = agent.send('Wait.');
      await vi.waitFor(() => expect(gate.waiting).toBe(1));
      const channel = realtimeChannels.run(run.id);
      await vi.waitFor(async () => expect((await readAll(log, channel)).length).toBeGreaterThan(0));
      const before = await readAll(log, channel);

      // The second process starts on the same log.
      await instance({ realtime: { log } });
      await vi.waitFor(async () => expect((await log.info(channel))?.closed).toBe(true));
      const after = await readAll(log, channel);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.slice(before.length)).toEqual([
        expect.objectContaining({ type: 'RUN_ERROR', code: 'aborted' }),
      ]);
      const onAgent = await readAll(log, realtimeChannels.agent(agent.id));
      expect(onAgent.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'aborted' });
      expect((await log.info(realtimeChannels.agent(agent.id)))?.closed).toBe(false);

      // The first process's late writes are refused by the closed channel, and reported.
      run.abort('stop');
      await expect(run).rejects.toMatchObject({ code: 'aborted' });
      gate.release();
      await first.agentry.shutdown();
      expect((await readAll(log, channel)).length).toBe(after.length);
    });

    it('leaves workflow run channels open for the runner’s recovery', async () => {
      const log = createMemoryRealtimeLog();
      const first = await realtimeInstance({ realtime: { log } });
      const { Subject } = await import('rxjs');
      const runs = new Subject<{ type: string; runId: string; workflowId: string; at: number }>();
      first.agentry.attachRunEvents(runs);
      runs.next({ type: 'run-start', runId: 'wf-1', workflowId: 'review', at: Date.now() });
      const channel = realtimeChannels.workflowRun('wf-1');
      await vi.waitFor(async () => expect((await readAll(log, channel)).length).toBeGreaterThan(0));
      await first.agentry.realtime.close();
      await instance({ realtime: { log } });
      // Give the ready hook its turn, then check nothing was appended or closed.
      const second = await instance({ realtime: { log } });
      await second.agentry.realtime.close();
      expect((await log.info(channel))?.closed).toBe(false);
      expect((await readAll(log, channel)).some((entry) => entry.type === 'RUN_ERROR')).toBe(false);
      await first.agentry.shutdown();
    });
  });

  describe('options', () => {
    it.each<[string, Parameters<typeof realtime>[0], string]>([
      ['a zero retention', { retentionMs: 0 }, 'retentionMs'],
      ['a fractional snapshot interval', { snapshotEvery: 1.5 }, 'snapshotEvery'],
      ['an unknown channel kind', { channels: ['run', 'user' as never] }, 'channels[1]'],
      ['a negative retry delay', { appendRetryDelays: [10, -1] }, 'appendRetryDelays[1]'],
    ])('refuses %s at the call', (_name, options, path) => {
      let thrown: unknown;
      try {
        realtime(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'validation_failed', details: { paths: [path] } });
    });
  });
});
