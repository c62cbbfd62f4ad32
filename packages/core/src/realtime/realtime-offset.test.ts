import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/index.js';
import {
  assertChannelName,
  formatRealtimeOffset,
  newRealtimeEpoch,
  parseRealtimeOffset,
} from './realtime-offset.js';

describe('realtime offsets', () => {
  it('format and parse each other, and sort as their sequence within an epoch', () => {
    const epoch = newRealtimeEpoch(undefined, 1_700_000_000_000);
    const offsets = [0, 1, 9, 10, 99, 12_345, Number.MAX_SAFE_INTEGER].map((seq) =>
      formatRealtimeOffset(epoch, seq),
    );
    expect([...offsets].sort()).toEqual(offsets);
    expect(offsets.map((offset) => parseRealtimeOffset(offset)?.seq)).toEqual([
      0,
      1,
      9,
      10,
      99,
      12_345,
      Number.MAX_SAFE_INTEGER,
    ]);
  });

  it('sort every offset of a newer epoch after every offset of an older one', () => {
    const old = newRealtimeEpoch(undefined, 1_700_000_000_000);
    // A clock that went backwards still gives a greater epoch.
    const next = newRealtimeEpoch(old, 1_600_000_000_000);
    expect(next > old).toBe(true);
    expect(formatRealtimeOffset(next, 0) > formatRealtimeOffset(old, 99_999_999)).toBe(true);
  });

  it('refuse what is not an offset', () => {
    for (const text of [
      '-1',
      'now',
      '42',
      '0193A1B2C3D4_0000000000000001',
      '0193a1b2c3d4_1',
      '0193a1b2c3d4_9999999999999999',
    ]) {
      expect(parseRealtimeOffset(text)).toBeUndefined();
    }
    expect(() => formatRealtimeOffset('xyz', 1)).toThrow(AgentryError);
    expect(() => formatRealtimeOffset('0193a1b2c3d4', -1)).toThrow(/sequence -1/);
  });
});

describe('assertChannelName', () => {
  it('accepts channel names made of segments', () => {
    for (const name of ['run/r-1', 'agent/a_1', 'user/alice@example.com/inbox', 'x', 'a:b~c.d']) {
      expect(() => assertChannelName(name)).not.toThrow();
    }
  });

  it('refuses empty segments, dot segments, odd characters and long names, naming the channel', () => {
    for (const name of [
      '',
      'run//x',
      '/run',
      'run/',
      'run/../x',
      'run x',
      'run?x',
      'é',
      'a'.repeat(257),
      7,
    ]) {
      const error = (() => {
        try {
          assertChannelName(name);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AgentryError);
      expect((error as AgentryError).code).toBe('validation_failed');
    }
  });
});
