import {
  AgentryError,
  assertChannelName,
  type InstanceEvent,
  type RealtimeChannelOptions,
  type RealtimeLog,
} from '@agentry/core';
import { createBatcher, type Batcher } from '../batching/batcher.js';
import type { CommunicationConfig } from '../config/index.js';
import { createAgUiMapper, type AgUiEvent } from '../payloads/index.js';
import { realtimeChannels } from './channel-names.js';
import { createChannelWriter, type ChannelWriter } from './channel-writer.js';
import type { EventMasking } from './mask-events.js';
import { createRunIndex, type RunIndex } from './run-index.js';

/**
 * The kinds of channels the realtime plug-in writes from the instance's events: `run` (one per
 * agent run), `agent` (one per agent), `session` (one per session), `workflow-run` (one per
 * workflow run).
 *
 * @example
 * ```ts
 * import { realtime, type RealtimeChannelKind } from '@agentry/realtime';
 *
 * // Only what a chat UI follows: each run, and each conversation.
 * const channels: RealtimeChannelKind[] = ['run', 'session'];
 * export const plugin = realtime({ channels });
 * ```
 */
export type RealtimeChannelKind = 'run' | 'agent' | 'session' | 'workflow-run';

/** @internal A run's snapshot accumulator: the AG-UI events that rebuild the run so far. */
export interface RunSnapshot {
  apply(event: AgUiEvent): void;
  snapshot(): readonly AgUiEvent[];
}

/** @internal The payload functions the pipeline uses (the payloads module's). */
export interface PipelinePayloads {
  /** Merges adjacent deltas of one message or tool call; identity when coalescing is off. */
  readonly coalesce: (events: readonly AgUiEvent[]) => readonly AgUiEvent[];
  /** Makes a run's snapshot accumulator; without it no snapshots are stored. */
  readonly createSnapshot?: () => RunSnapshot;
}

/** @internal */
export interface EventPipelineOptions {
  readonly payloads: PipelinePayloads;
  readonly log: RealtimeLog;
  readonly config: CommunicationConfig;
  readonly kinds: ReadonlySet<RealtimeChannelKind>;
  /** Entries older than this are dropped by the log's sweep; undefined: the log's default. */
  readonly retentionMs: number | undefined;
  /** A run's snapshot is stored after at least this many entries since the last, and at its end. */
  readonly snapshotEvery: number;
  readonly retryDelays: readonly number[];
  readonly producerId: string;
  readonly report: (error: AgentryError) => void;
  /** Masks events before they are queued (the instance's masker, when one is installed). */
  readonly masking?: EventMasking;
  /** Masks a published value before it is queued; identity without a masker. */
  readonly maskValue?: (value: unknown) => unknown;
}

/** @internal What a live run channel follows, for cancel. */
export interface FollowedRun {
  readonly kind: 'run' | 'workflow-run';
  readonly runId: string;
}

/** @internal */
export interface EventPipeline {
  /** Maps one instance event and queues it on its channels. Never throws. */
  handle(tagged: InstanceEvent): void;
  /** The run a channel follows while it runs: its own, or an agent's current run. */
  follow(channel: string): FollowedRun | undefined;
  /** Appends values to a user-defined channel, in order after earlier publishes to it. */
  publish(
    channel: string,
    values: readonly unknown[],
    options?: { close?: boolean; labels?: Readonly<Record<string, string>> },
  ): Promise<void>;
  /** The run index (open runs), for the restart check. */
  readonly index: RunIndex;
  /** Writes everything held now and waits until every write is durable or reported. */
  drain(): Promise<void>;
}

/**
 * One channel being written: its writer, its batcher, and for a run channel the snapshot
 * accumulator. Owned by the pipeline's `channels` map: an entry is made at the channel's first
 * event and removed when its run ends (run channels), its agent shuts down (agent channels) or
 * the last agent of its session does (session channels); user channels stay while the pipeline
 * lives. A channel written again after its state was removed gets a new writer that waits for
 * the old one's last write (`retired`).
 */
interface ChannelState {
  readonly writer: ChannelWriter;
  readonly batcher: Batcher<AgUiEvent>;
  readonly snapshot: RunSnapshot | undefined;
  /** Entries made durable since the last stored snapshot. */
  sinceSnapshot: number;
}

/** Agent events after which the agent's run is over. */
const runEnds: ReadonlySet<string> = new Set(['run-end', 'run-error']);
/** Prefixes of the channels the plug-in writes itself; `publish` may not write under them. */
const reservedPrefixes = ['run/', 'agent/', 'session/', 'workflow-run/', '_realtime/'];

/**
 * The path from `host.events$` to the log: each event is mapped to AG-UI events once, routed to
 * the channels it belongs to (`run/<runId>`, `agent/<agentId>`, `session/<sessionId>`,
 * `workflow-run/<runId>`, as `kinds` allows), coalesced by the batcher under `maxLatency`, and
 * appended in order per channel; a run's channel is closed with its last events, and its
 * snapshot kept in step with what is durable.
 *
 * @internal
 */
export function createEventPipeline(options: EventPipelineOptions): EventPipeline {
  const { log, config, kinds } = options;
  const { coalesce, createSnapshot } = options.payloads;
  const mapper = createAgUiMapper();
  const channels = new Map<string, ChannelState>();
  /** Live run channels, by name, with the run they follow. */
  const runs = new Map<string, FollowedRun>();
  /** Writes of channels already ended (no longer in `channels`) that have not settled yet. */
  const ending = new Set<Promise<void>>();
  /** Writers made so far, numbering each one's producer id. */
  let writers = 0;
  /** The last writes of retired channels, until they settle: a new writer waits for them. */
  const retired = new Map<string, Promise<void>>();
  /** The agents seen in each session channel that have not shut down. */
  const sessionAgents = new Map<string, Set<string>>();
  /** Each agent's current run id, from its run-start to its end. */
  const currentRuns = new Map<string, string>();
  const retention: RealtimeChannelOptions = {
    maxEntries: config.realtime.bufferSize,
    ...(options.retentionMs === undefined ? {} : { maxAgeMs: options.retentionMs }),
  };
  const index = createRunIndex({
    log,
    producerId: options.producerId,
    retryDelays: options.retryDelays,
    report: options.report,
  });

  const masked = (
    events: readonly AgUiEvent[],
    scope: string,
    context: Parameters<EventMasking['mask']>[2],
  ): readonly AgUiEvent[] =>
    options.masking === undefined || events.length === 0
      ? events
      : options.masking.mask(events, scope, context);

  const gapNotice = (lost: number): AgUiEvent => ({
    type: 'CUSTOM',
    name: 'agentry.gap',
    value: {
      lost,
      message: `${lost} event(s) could not be written to the log; what follows starts a new history.`,
    },
  });

  const open = (
    channel: string,
    labels: Record<string, string | undefined>,
    run?: { readonly followed: FollowedRun; readonly also: readonly string[] },
  ): ChannelState => {
    const known = channels.get(channel);
    if (known !== undefined) return known;
    const snapshot = run === undefined ? undefined : createSnapshot?.();
    const state: ChannelState = {
      snapshot,
      sinceSnapshot: 0,
      writer: createChannelWriter({
        log,
        channel,
        create: { ...retention, labels: definedLabels(labels) },
        // One producer per writer: a channel written again after its writer retired starts a new
        // sequence, after everything the retired writer had queued.
        producerId: `${options.producerId}/${(writers += 1)}`,
        ...(retired.has(channel) ? { after: retired.get(channel)! } : {}),
        retryDelays: options.retryDelays,
        report: options.report,
        ...(run === undefined
          ? { restart: (lost) => [gapNotice(lost)] }
          : {
              // Recorded as open before its first entry, so a restart can end it (see run-index).
              prepare: () => index.opened(channel, run.followed, run.also),
              restart: (lost) => [...(snapshot?.snapshot() ?? []), gapNotice(lost)],
              lost: (events) => {
                for (const event of events) snapshot?.apply(event as AgUiEvent);
              },
              durable: async (events, offset, closed) => {
                if (closed) await index.ended(channel);
                if (snapshot === undefined) return;
                for (const event of events) snapshot.apply(event as AgUiEvent);
                state.sinceSnapshot += events.length;
                if (state.sinceSnapshot >= options.snapshotEvery || closed) {
                  state.sinceSnapshot = 0;
                  await log.putSnapshot(channel, {
                    offset,
                    data: JSON.stringify(snapshot.snapshot()),
                  });
                }
              },
            }),
      }),
      batcher: createBatcher<AgUiEvent>(
        { ...config.batching, maxLatency: config.realtime.maxLatency },
        (batch) => void state.writer.write(coalesce(batch)),
        (error) => options.report(toInternal(error, channel)),
      ),
    };
    channels.set(channel, state);
    if (run !== undefined) runs.set(channel, run.followed);
    return state;
  };

  /** Queues events on a channel, or ends it: what is held goes first, then the last events and the close, in one append. */
  const put = (state: ChannelState, events: readonly AgUiEvent[], end: boolean) => {
    if (!end) {
      for (const event of events) state.batcher.add(event);
      return;
    }
    state.batcher.close();
    void state.writer.write(coalesce(events), true);
    const settled = state.writer.settled();
    ending.add(settled);
    void settled.then(() => ending.delete(settled));
    channels.delete(state.writer.channel);
    runs.delete(state.writer.channel);
  };

  const handleAgent = (tagged: Extract<InstanceEvent, { source: { kind: 'agent' } }>) => {
    const { source, event } = tagged;
    const runId = 'runId' in event ? event.runId : undefined;
    const mapped = masked(mapper.map(tagged), runId ?? `agent:${source.agentId}`, {
      purpose: 'event',
      agentId: source.agentId,
      ...(runId !== undefined ? { runId } : {}),
    });
    const ended = runId !== undefined && runEnds.has(event.type);
    if (runId !== undefined) {
      if (ended) currentRuns.delete(source.agentId);
      else currentRuns.set(source.agentId, runId);
    }
    if (mapped.length === 0 && !ended) return;
    const agentChannel = realtimeChannels.agent(source.agentId);
    const sessionChannel =
      source.sessionId === undefined ? undefined : realtimeChannels.session(source.sessionId);
    if (runId !== undefined && kinds.has('run')) {
      const also = [
        ...(kinds.has('agent') ? [agentChannel] : []),
        ...(kinds.has('session') && sessionChannel !== undefined ? [sessionChannel] : []),
      ];
      const state = open(
        realtimeChannels.run(runId),
        { userId: source.userId, agentId: source.agentId, sessionId: source.sessionId, runId },
        { followed: { kind: 'run', runId }, also },
      );
      put(state, mapped, ended);
    }
    if (kinds.has('agent')) {
      const state = open(agentChannel, { userId: source.userId, agentId: source.agentId });
      put(state, mapped, false);
    }
    if (kinds.has('session') && sessionChannel !== undefined) {
      const state = open(sessionChannel, { userId: source.userId, sessionId: source.sessionId });
      put(state, mapped, false);
    }
    if (sessionChannel !== undefined) {
      let agents = sessionAgents.get(sessionChannel);
      if (agents === undefined) sessionAgents.set(sessionChannel, (agents = new Set()));
      agents.add(source.agentId);
    }
    // A shut-down agent makes no more events: its channel's state goes, and its session's once no
    // agent of the session is left (the channels stay open; a later agent writes on).
    if (event.type === 'status-delta' && event.to === 'shut-down') {
      retire(agentChannel);
      currentRuns.delete(source.agentId);
      if (sessionChannel !== undefined) {
        const agents = sessionAgents.get(sessionChannel);
        agents?.delete(source.agentId);
        if (agents?.size === 0) {
          sessionAgents.delete(sessionChannel);
          retire(sessionChannel);
        }
      }
    }
  };

  /** Drops an open channel's state: what is held is written first, and drain still waits for it. */
  const retire = (channel: string) => {
    const state = channels.get(channel);
    if (state === undefined) return;
    state.batcher.close();
    const settled = state.writer.settled();
    ending.add(settled);
    retired.set(channel, settled);
    void settled.then(() => {
      ending.delete(settled);
      if (retired.get(channel) === settled) retired.delete(channel);
    });
    channels.delete(channel);
  };

  const handleWorkflow = (tagged: Extract<InstanceEvent, { source: { kind: 'workflow-run' } }>) => {
    if (!kinds.has('workflow-run')) return;
    const { source, event } = tagged;
    const mapped = masked(mapper.map(tagged), `workflow:${source.runId}`, {
      purpose: 'event',
      runId: source.runId,
    });
    const ended = runEnds.has(event.type);
    if (mapped.length === 0 && !ended) return;
    const state = open(
      realtimeChannels.workflowRun(source.runId),
      { userId: source.userId, workflowId: source.workflowId, runId: source.runId },
      { followed: { kind: 'workflow-run', runId: source.runId }, also: [] },
    );
    put(state, mapped, ended);
  };

  return {
    index,
    handle(tagged) {
      try {
        if (tagged.source.kind === 'agent') {
          handleAgent(tagged as Extract<InstanceEvent, { source: { kind: 'agent' } }>);
        } else if (tagged.source.kind === 'workflow-run') {
          handleWorkflow(tagged as Extract<InstanceEvent, { source: { kind: 'workflow-run' } }>);
        }
      } catch (error) {
        options.report(toInternal(error, `${tagged.source.kind} event ${tagged.event.type}`));
      }
    },
    follow(channel) {
      const run = runs.get(channel);
      if (run !== undefined) return run;
      if (!channel.startsWith('agent/')) return undefined;
      for (const [agentId, runId] of currentRuns) {
        if (realtimeChannels.agent(agentId) === channel) return { kind: 'run', runId };
      }
      return undefined;
    },
    async publish(channel, values, publishOptions = {}) {
      assertChannelName(channel);
      if (reservedPrefixes.some((prefix) => channel.startsWith(prefix))) {
        throw new AgentryError({
          code: 'validation_failed',
          message: `Channel ${channel} is written by the realtime plug-in from Agentry's own events; publish to a channel of your own.`,
          details: { channel, reserved: reservedPrefixes },
          suggestions: ['Name user channels like user/<name>/<topic> or app/<topic>.'],
        });
      }
      let state = channels.get(channel);
      if (state === undefined) {
        state = open(channel, { ...publishOptions.labels });
      }
      const close = publishOptions.close === true;
      if (close) channels.delete(channel);
      const maskValue = options.maskValue;
      const written = await state.writer.write(
        maskValue === undefined ? values : values.map(maskValue),
        close,
      );
      if (!written) {
        throw new AgentryError({
          code: 'internal',
          message: `Publishing ${values.length} value(s) to ${channel} failed; the failure was logged with its cause.`,
          details: { channel, values: values.length },
          suggestions: ['Check the realtime log backend, then publish again.'],
        });
      }
    },
    async drain() {
      for (const state of channels.values()) state.batcher.flush();
      await Promise.all([
        ...[...channels.values()].map((state) => state.writer.settled()),
        ...ending,
      ]);
      await index.drain();
    },
  };
}

/** Labels without the undefined ones. */
function definedLabels(labels: Record<string, string | undefined>): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (value !== undefined) defined[key] = value;
  return defined;
}

function toInternal(error: unknown, where: string): AgentryError {
  if (AgentryError.isInstance(error)) return error;
  return new AgentryError({
    code: 'internal',
    message: `The realtime plug-in failed on ${where}: ${error instanceof Error ? error.message : String(error)}`,
    details: { where },
    suggestions: ['Report this with the event that caused it.'],
    cause: error,
  });
}
