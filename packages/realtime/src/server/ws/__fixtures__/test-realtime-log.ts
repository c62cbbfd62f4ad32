import {
  AgentryError,
  formatRealtimeOffset,
  newRealtimeEpoch,
  parseRealtimeOffset,
  type RealtimeChannelInfo,
  type RealtimeEntry,
  type RealtimeLog,
  type RealtimeSnapshot,
} from '@agentry/core';

interface Channel {
  info: { -readonly [K in keyof RealtimeChannelInfo]: RealtimeChannelInfo[K] };
  entries: RealtimeEntry[];
  seq: number;
  snapshot?: RealtimeSnapshot;
  watchers: Set<(entries: readonly RealtimeEntry[]) => void>;
}

/**
 * A small in-memory RealtimeLog for the gateway's tests: offsets, retention by maxEntries (gaps),
 * close, watch, snapshots. Not the package's memory log; enough to drive the gateway.
 */
export function createTestRealtimeLog(options: { epoch?: string } = {}): RealtimeLog {
  const channels = new Map<string, Channel>();
  const epochBase = options.epoch;
  const get = (channel: string) => {
    const found = channels.get(channel);
    if (found === undefined) throw new AgentryError({ code: 'not_found', message: `No channel ${channel}.` });
    return found;
  };
  return {
    async create(channel, channelOptions = {}) {
      const existing = channels.get(channel);
      if (existing !== undefined) return { ...existing.info };
      const epoch = epochBase ?? newRealtimeEpoch();
      const start = formatRealtimeOffset(epoch, 0);
      const info: Channel['info'] = {
        channel,
        contentType: channelOptions.contentType ?? 'application/json',
        options: {
          contentType: channelOptions.contentType ?? 'application/json',
          maxEntries: channelOptions.maxEntries ?? 1_000_000,
          maxAgeMs: channelOptions.maxAgeMs ?? 86_400_000,
          labels: channelOptions.labels ?? {},
        },
        epoch,
        tailOffset: start,
        retainedAfter: start,
        closed: false,
        createdAt: Date.now(),
      };
      channels.set(channel, { info, entries: [], seq: 0, watchers: new Set() });
      return { ...info };
    },
    async info(channel) {
      const found = channels.get(channel);
      return found === undefined ? undefined : { ...found.info };
    },
    async append(channel, data, appendOptions = {}) {
      const found = get(channel);
      if (found.info.closed) throw new AgentryError({ code: 'conflict', message: `${channel} is closed.` });
      const added: RealtimeEntry[] = [];
      for (const item of data) {
        found.seq++;
        const entry = { offset: formatRealtimeOffset(found.info.epoch, found.seq), data: item, at: Date.now() };
        found.entries.push(entry);
        added.push(entry);
      }
      const max = found.info.options.maxEntries;
      if (found.entries.length > max) {
        const dropped = found.entries.splice(0, found.entries.length - max);
        found.info.retainedAfter = dropped[dropped.length - 1]!.offset;
      }
      if (added.length > 0) found.info.tailOffset = added[added.length - 1]!.offset;
      if (appendOptions.close === true) found.info.closed = true;
      if (added.length > 0) for (const watcher of found.watchers) watcher(added);
      if (appendOptions.close === true) for (const watcher of found.watchers) watcher([]);
      return {
        offsets: added.map((entry) => entry.offset),
        tailOffset: found.info.tailOffset,
        duplicate: false,
        closed: found.info.closed,
      };
    },
    async read(channel, after, readOptions = {}) {
      const found = get(channel);
      const limit = readOptions.limit ?? 1000;
      const info = found.info;
      let position = after;
      let truncated = false;
      if (after === 'now') position = info.tailOffset;
      else if (after === '-1') {
        position = info.retainedAfter;
        truncated = info.retainedAfter !== formatRealtimeOffset(info.epoch, 0);
      } else {
        const parsed = parseRealtimeOffset(after);
        if (parsed === undefined) throw new AgentryError({ code: 'validation_failed', message: `Bad offset ${after}.` });
        if (parsed.epoch < info.epoch || after < info.retainedAfter) {
          throw new AgentryError({
            code: 'offset_gone',
            message: `Offset ${after} is gone.`,
            details: { retainedAfter: info.retainedAfter, epoch: info.epoch },
          });
        }
        if (after > info.tailOffset) {
          throw new AgentryError({ code: 'validation_failed', message: `Offset ${after} is past the tail.` });
        }
      }
      const entries = found.entries.filter((entry) => entry.offset > position).slice(0, limit);
      const last = entries.length > 0 ? entries[entries.length - 1]!.offset : position;
      const upToDate = last === info.tailOffset;
      return { entries, nextOffset: last, upToDate, closed: upToDate && info.closed, truncated };
    },
    watch(channel, listener) {
      const found = get(channel);
      found.watchers.add(listener);
      return () => found.watchers.delete(listener);
    },
    async putSnapshot(channel, snapshot) {
      const found = get(channel);
      if (found.snapshot === undefined || found.snapshot.offset < snapshot.offset) found.snapshot = snapshot;
    },
    async getSnapshot(channel) {
      return channels.get(channel)?.snapshot;
    },
    async delete(channel) {
      const found = channels.get(channel);
      channels.delete(channel);
      if (found !== undefined) for (const watcher of found.watchers) watcher([]);
    },
    async sweep() {
      return { entries: 0, channels: 0 };
    },
    async close() {
      channels.clear();
    },
  };
}
