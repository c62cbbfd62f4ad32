import { createConsoleLogger } from '@agentry/core';
import { describe, expect, it } from 'vitest';

import { createMemoryRealtimeLog } from '../../log/index.js';
import { ChannelFanout, type FanoutSubscriber } from './channel-fanout.js';

function subscriber(position: string, live = true) {
  const frames: (string | Buffer)[] = [];
  const value: FanoutSubscriber & { frames: (string | Buffer)[] } = {
    position,
    live,
    frames,
    send: (frame) => frames.push(frame),
    end() {},
    fail() {},
  };
  return value;
}

const batching = {
  enabled: true,
  maxBatchSize: 3,
  maxWaitTime: 60_000,
  flushInterval: 60_000,
  maxLatency: 60_000,
};

describe('ChannelFanout', () => {
  describe('flush', () => {
    it('builds one frame per batch and sends the same buffer to every live subscriber', async () => {
      const log = createMemoryRealtimeLog();
      const info = await log.create('run/r1');
      const fanout = new ChannelFanout(
        'run/r1',
        '"run/r1"',
        true,
        log,
        batching,
        createConsoleLogger({ write() {} }),
        () => {},
      );
      const subscribers = Array.from({ length: 10 }, () => subscriber(info.tailOffset));
      const catchingUp = subscriber(info.tailOffset, false);
      for (const each of [...subscribers, catchingUp]) fanout.add(each);
      const { offsets } = await log.append('run/r1', ['{"n":0}', '{"n":1}', '{"n":2}']);
      const frame = subscribers[0]!.frames[0];
      expect(Buffer.isBuffer(frame)).toBe(true);
      for (const each of subscribers) {
        expect(each.frames).toHaveLength(1);
        expect(each.frames[0]).toBe(frame);
        expect(each.position).toBe(offsets[2]);
      }
      expect(catchingUp.frames).toHaveLength(0);
      expect(JSON.parse(String(frame))).toEqual({
        type: 'events',
        channel: 'run/r1',
        events: offsets.map((offset, n) => ({ offset, data: { n } })),
        upToDate: true,
      });
      expect(fanout.sentThrough).toBe(offsets[2]);
      fanout.stop();
    });

    it('sends a subscriber that already read part of a batch only the rest', async () => {
      const log = createMemoryRealtimeLog();
      const info = await log.create('run/r2');
      const fanout = new ChannelFanout(
        'run/r2',
        '"run/r2"',
        true,
        log,
        batching,
        createConsoleLogger({ write() {} }),
        () => {},
      );
      const fresh = subscriber(info.tailOffset);
      const ahead = subscriber(info.tailOffset);
      fanout.add(fresh);
      fanout.add(ahead);
      const [first] = (await log.append('run/r2', ['{"n":0}'])).offsets;
      ahead.position = first!;
      const { offsets } = await log.append('run/r2', ['{"n":1}', '{"n":2}']);
      const aheadEvents = (JSON.parse(String(ahead.frames[0])) as { events: { offset: string }[] })
        .events;
      expect(aheadEvents.map((event) => event.offset)).toEqual(offsets);
      expect((JSON.parse(String(fresh.frames[0])) as { events: unknown[] }).events).toHaveLength(3);
      fanout.stop();
    });
  });
});
