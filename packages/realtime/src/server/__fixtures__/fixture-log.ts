import {
  AgentryError,
  formatRealtimeOffset,
  newRealtimeEpoch,
  parseRealtimeOffset,
  type RealtimeChannelInfo,
  type RealtimeEntry,
  type RealtimeLog,
} from '@agentry/core';

interface Channel {
  info: { -readonly [K in keyof RealtimeChannelInfo]: RealtimeChannelInfo[K] };
  entries: RealtimeEntry[];
  seq: number;
  watchers: Set<(entries: readonly RealtimeEntry[]) => void>;
  producers: Map<string, { epoch: number; seq: number }>;
  writerSeq?: string;
}

/**
 * A small in-memory `RealtimeLog` for the server's tests until the package's own memory log is
 * merged: the contract's behaviour (offsets, retention by maxEntries, producers, close, watch,
 * epochs) without its performance work.
 */
export function createFixtureLog(options: { maxEntries?: number; clock?: () => number } = {}): RealtimeLog & {
  resetEpoch(channel: string): void;
} {
  const channels = new Map<string, Channel>();
  const clock = options.clock ?? Date.now;
  let lastEpoch: string | undefined;
  const epoch = () => (lastEpoch = newRealtimeEpoch(lastEpoch, clock()));
  const get = (name: string) => {
    const channel = channels.get(name);
    if (!channel) throw new AgentryError({ code: 'not_found', message: `No channel ${name}.` });
    return channel;
  };
  const notify = (channel: Channel, entries: readonly RealtimeEntry[]) => {
    for (const watcher of [...channel.watchers]) watcher(entries);
  };
  return {
    async create(name, channelOptions = {}) {
      const existing = channels.get(name);
      const contentType = channelOptions.contentType ?? 'application/json';
      if (existing) {
        if (existing.info.contentType !== contentType) throw new AgentryError({ code: 'conflict', message: 'other options' });
        return { ...existing.info };
      }
      const e = epoch();
      const start = formatRealtimeOffset(e, 0);
      const info: Channel['info'] = {
        channel: name,
        contentType,
        options: {
          contentType,
          maxEntries: channelOptions.maxEntries ?? options.maxEntries ?? 10_000,
          maxAgeMs: channelOptions.maxAgeMs ?? 86_400_000,
          ...(channelOptions.expiresAt !== undefined ? { expiresAt: channelOptions.expiresAt } : {}),
          labels: { ...channelOptions.labels },
        },
        epoch: e,
        tailOffset: start,
        retainedAfter: start,
        closed: false,
        createdAt: clock(),
      };
      channels.set(name, { info, entries: [], seq: 0, watchers: new Set(), producers: new Map() });
      return { ...info };
    },
    async info(name) {
      const channel = channels.get(name);
      return channel ? { ...channel.info } : undefined;
    },
    async append(name, data, appendOptions = {}) {
      const channel = get(name);
      const { producer } = appendOptions;
      if (producer) {
        const state = channel.producers.get(producer.id);
        if (state && producer.epoch < state.epoch) {
          throw new AgentryError({ code: 'lease_lost', message: 'stale epoch', details: { epoch: state.epoch } });
        }
        if (state && producer.epoch === state.epoch && producer.seq <= state.seq) {
          return { offsets: [], tailOffset: channel.info.tailOffset, duplicate: true, closed: channel.info.closed };
        }
        if (state && producer.epoch > state.epoch && producer.seq !== 0) {
          throw new AgentryError({ code: 'validation_failed', message: 'a new producer epoch starts at seq 0' });
        }
        const expected = state && producer.epoch === state.epoch ? state.seq + 1 : 0;
        if (producer.seq !== expected) {
          throw new AgentryError({ code: 'conflict', message: 'sequence gap', details: { expectedSeq: expected, receivedSeq: producer.seq } });
        }
      }
      if (channel.info.closed) throw new AgentryError({ code: 'conflict', message: 'closed', details: { closed: true } });
      if (appendOptions.writerSeq !== undefined) {
        if (channel.writerSeq !== undefined && appendOptions.writerSeq <= channel.writerSeq) {
          throw new AgentryError({ code: 'conflict', message: 'writerSeq not greater' });
        }
      }
      if (channel.info.contentType.startsWith('application/json')) {
        for (const item of data) {
          if (typeof item !== 'string') throw new AgentryError({ code: 'validation_failed', message: 'json text expected' });
          JSON.parse(item);
        }
      }
      if (appendOptions.writerSeq !== undefined) channel.writerSeq = appendOptions.writerSeq;
      if (producer) channel.producers.set(producer.id, { epoch: producer.epoch, seq: producer.seq });
      const added = data.map((item) => {
        channel.seq += 1;
        return { offset: formatRealtimeOffset(channel.info.epoch, channel.seq), data: item, at: clock() };
      });
      channel.entries.push(...added);
      const excess = channel.entries.length - channel.info.options.maxEntries;
      if (excess > 0) {
        const dropped = channel.entries.splice(0, excess);
        channel.info.retainedAfter = dropped[dropped.length - 1]!.offset;
      }
      if (added.length > 0) channel.info.tailOffset = added[added.length - 1]!.offset;
      if (appendOptions.close) channel.info.closed = true;
      if (added.length > 0) notify(channel, added);
      if (appendOptions.close) notify(channel, []);
      return { offsets: added.map((entry) => entry.offset), tailOffset: channel.info.tailOffset, duplicate: false, closed: channel.info.closed };
    },
    async read(name, after, readOptions = {}) {
      const channel = get(name);
      const limit = readOptions.limit ?? 1_000;
      const { info } = channel;
      let seq: number;
      if (after === '-1') seq = 0;
      else if (after === 'now') seq = channel.seq;
      else {
        const parsed = parseRealtimeOffset(after);
        if (!parsed || parsed.epoch > info.epoch || (parsed.epoch === info.epoch && parsed.seq > channel.seq)) {
          throw new AgentryError({ code: 'validation_failed', message: `bad offset ${after}` });
        }
        if (parsed.epoch < info.epoch || after < info.retainedAfter) {
          throw new AgentryError({ code: 'offset_gone', message: `offset ${after} is gone`, details: { retainedAfter: info.retainedAfter, epoch: info.epoch } });
        }
        seq = parsed.seq;
      }
      const entries = channel.entries.filter((entry) => (parseRealtimeOffset(entry.offset)?.seq ?? 0) > seq).slice(0, limit);
      const nextOffset = entries.length > 0 ? entries[entries.length - 1]!.offset : after === 'now' ? info.tailOffset : after;
      const upToDate = entries.length === 0 || entries[entries.length - 1]!.offset === info.tailOffset;
      return { entries, nextOffset, upToDate, closed: upToDate && info.closed, truncated: after === '-1' && info.retainedAfter !== formatRealtimeOffset(info.epoch, 0) };
    },
    watch(name, listener) {
      const channel = channels.get(name);
      if (!channel) return () => undefined;
      channel.watchers.add(listener);
      return () => channel.watchers.delete(listener);
    },
    async putSnapshot() {},
    async getSnapshot() {
      return undefined;
    },
    async delete(name) {
      const channel = channels.get(name);
      channels.delete(name);
      if (channel) notify(channel, []);
    },
    async sweep() {
      return { entries: 0, channels: 0 };
    },
    async close() {
      channels.clear();
    },
    resetEpoch(name) {
      const channel = get(name);
      channel.info.epoch = epoch();
      channel.entries = [];
      channel.seq = 0;
      channel.info.tailOffset = formatRealtimeOffset(channel.info.epoch, 0);
      channel.info.retainedAfter = channel.info.tailOffset;
    },
  };
}
