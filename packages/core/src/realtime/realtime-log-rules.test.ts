import { describe, expect, it, vi } from 'vitest';
import { AgentryError } from '../errors/index.js';
import {
  REALTIME_LOG_DEFAULTS,
  assertRealtimeEntries,
  checkRealtimeProducer,
  checkRealtimeWriterSeq,
  isJsonContentType,
  realtimeChannelOptionsKey,
  realtimeDuplicateAppendResult,
  resolveRealtimeChannelOptions,
  resolveRealtimeReadLimit,
  resolveRealtimeReadStart,
} from './realtime-log-rules.js';
import { createRealtimeWatchers } from './realtime-watchers.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : 'not an AgentryError';
  }
}

describe('checkRealtimeProducer', () => {
  it.each([
    ['a producer never seen, from 0', undefined, { epoch: 0, seq: 0 }, 'append'],
    ['a producer never seen, not from 0', undefined, { epoch: 0, seq: 1 }, 'conflict'],
    ['the next sequence', { epoch: 2, seq: 4 }, { epoch: 2, seq: 5 }, 'append'],
    ['the same sequence again', { epoch: 2, seq: 4 }, { epoch: 2, seq: 4 }, 'duplicate'],
    ['an older sequence', { epoch: 2, seq: 4 }, { epoch: 2, seq: 1 }, 'duplicate'],
    ['a gap', { epoch: 2, seq: 4 }, { epoch: 2, seq: 6 }, 'conflict'],
    ['a new epoch from 0', { epoch: 2, seq: 4 }, { epoch: 3, seq: 0 }, 'append'],
    ['a new epoch not from 0', { epoch: 2, seq: 4 }, { epoch: 3, seq: 5 }, 'conflict'],
    ['an older epoch', { epoch: 2, seq: 4 }, { epoch: 1, seq: 5 }, 'lease_lost'],
    ['a negative sequence', undefined, { epoch: 0, seq: -1 }, 'validation_failed'],
    ['a fractional epoch', undefined, { epoch: 0.5, seq: 0 }, 'validation_failed'],
  ] as const)('decides %s', (_, last, given, expected) => {
    const producer = { id: 'p', ...given };
    let outcome: string;
    try {
      outcome = checkRealtimeProducer('run/r-1', last, producer);
    } catch (error) {
      outcome = (error as AgentryError).code;
    }
    expect(outcome).toBe(expected);
  });

  it('says which sequence it expected', () => {
    const error = (() => {
      try {
        checkRealtimeProducer('run/r-1', { epoch: 0, seq: 1 }, { id: 'p', epoch: 0, seq: 9 });
      } catch (caught) {
        return caught as AgentryError;
      }
      return undefined;
    })();
    expect(error?.details).toMatchObject({ expected: 2, received: 9, producer: 'p' });
  });
});

describe('realtimeDuplicateAppendResult', () => {
  it('appends nothing and reports the producer’s highest accepted sequence, not the retried one', () => {
    expect(
      realtimeDuplicateAppendResult('0193a1b2c3d4_0000000000000003', true, { epoch: 2, seq: 7 }),
    ).toEqual({
      offsets: [],
      tailOffset: '0193a1b2c3d4_0000000000000003',
      duplicate: true,
      closed: true,
      producerSeq: 7,
    });
  });
});

describe('checkRealtimeWriterSeq', () => {
  it('takes a greater string and refuses an equal or smaller one', () => {
    expect(codeOf(() => checkRealtimeWriterSeq('c', undefined, 'a'))).toBeUndefined();
    expect(codeOf(() => checkRealtimeWriterSeq('c', '0009', '0010'))).toBeUndefined();
    // Compared as strings: "10" sorts before "9".
    expect(codeOf(() => checkRealtimeWriterSeq('c', '9', '10'))).toBe('conflict');
    expect(codeOf(() => checkRealtimeWriterSeq('c', 'b', 'b'))).toBe('conflict');
    expect(codeOf(() => checkRealtimeWriterSeq('c', undefined, ''))).toBe('validation_failed');
  });
});

describe('resolveRealtimeChannelOptions', () => {
  it('fills in defaults and refuses bad values, naming the option', () => {
    expect(resolveRealtimeChannelOptions('c', undefined, REALTIME_LOG_DEFAULTS)).toEqual({
      contentType: 'application/json',
      maxEntries: 10_000,
      maxAgeMs: 86_400_000,
      labels: {},
    });
    for (const bad of [
      { maxEntries: 1.5 },
      { maxAgeMs: 0 },
      { contentType: '' },
      { expiresAt: Number.NaN },
      { labels: { userId: 7 } },
    ]) {
      const code = codeOf(() =>
        resolveRealtimeChannelOptions('c', bad as never, REALTIME_LOG_DEFAULTS),
      );
      expect(code, JSON.stringify(bad)).toBe('validation_failed');
    }
  });

  it('gives equal keys for equal options whatever the label order', () => {
    const a = resolveRealtimeChannelOptions(
      'c',
      { labels: { b: '1', a: '2' } },
      REALTIME_LOG_DEFAULTS,
    );
    const b = resolveRealtimeChannelOptions(
      'c',
      { labels: { a: '2', b: '1' } },
      REALTIME_LOG_DEFAULTS,
    );
    const c = resolveRealtimeChannelOptions(
      'c',
      { labels: { a: '3', b: '1' } },
      REALTIME_LOG_DEFAULTS,
    );
    expect(realtimeChannelOptionsKey(a)).toBe(realtimeChannelOptionsKey(b));
    expect(realtimeChannelOptionsKey(a)).not.toBe(realtimeChannelOptionsKey(c));
  });
});

describe('assertRealtimeEntries', () => {
  it('takes JSON text on JSON channels and names the bad entry', () => {
    expect(isJsonContentType('application/vnd.agentry+json')).toBe(true);
    expect(
      codeOf(() => assertRealtimeEntries('c', 'application/json', ['1', '"x"'])),
    ).toBeUndefined();
    expect(
      codeOf(() => assertRealtimeEntries('c', 'text/plain', ['{', new Uint8Array(1)])),
    ).toBeUndefined();
    try {
      assertRealtimeEntries('c', 'application/json', ['1', '{']);
      expect.unreachable();
    } catch (error) {
      expect((error as AgentryError).details).toMatchObject({ path: 'entries[1]' });
    }
  });
});

describe('resolveRealtimeReadStart', () => {
  const position = { epoch: '00000000000a', tailSeq: 9, retainedAfterSeq: 4 };
  it.each([
    ['-1', { afterSeq: 4, truncated: true, offset: '00000000000a_0000000000000004' }],
    ['now', { afterSeq: 9, truncated: false, offset: '00000000000a_0000000000000009' }],
    ['00000000000a_0000000000000004', { afterSeq: 4, truncated: false }],
    ['00000000000a_0000000000000009', { afterSeq: 9, truncated: false }],
  ])('resolves %s', (after, expected) => {
    expect(resolveRealtimeReadStart('c', after, position)).toMatchObject(expected);
  });

  it.each([
    ['00000000000a_0000000000000003', 'offset_gone'],
    ['000000000009_0000000000000009', 'offset_gone'],
    ['00000000000b_0000000000000001', 'validation_failed'],
    ['00000000000a_0000000000000010', 'validation_failed'],
    ['00000000000A_0000000000000001', 'validation_failed'],
    ['5', 'validation_failed'],
  ])('refuses %s with %s', (after, code) => {
    expect(codeOf(() => resolveRealtimeReadStart('c', after, position))).toBe(code);
  });

  it('checks the limit', () => {
    expect(resolveRealtimeReadLimit(undefined)).toBe(1_000);
    expect(codeOf(() => resolveRealtimeReadLimit(0))).toBe('validation_failed');
    expect(codeOf(() => resolveRealtimeReadLimit(100_001))).toBe('validation_failed');
  });
});

describe('createRealtimeWatchers', () => {
  it('isolates a throwing listener and stops each registration on its own', () => {
    const onError = vi.fn();
    const watchers = createRealtimeWatchers(onError);
    const listener = vi.fn();
    watchers.watch('c', () => {
      throw new Error('boom');
    });
    const stopFirst = watchers.watch('c', listener);
    watchers.watch('c', listener);
    watchers.notify('c', []);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledWith(expect.any(Error), 'c');
    stopFirst();
    stopFirst();
    watchers.notify('c', []);
    expect(listener).toHaveBeenCalledTimes(3);
  });
});
