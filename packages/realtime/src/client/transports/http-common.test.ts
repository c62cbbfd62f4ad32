import { describe, expect, it } from 'vitest';
import { offsetsForBatch, readGap } from './http-common.js';

describe('readGap', () => {
  it('reads an AgentryError 410 body: retention, or epoch when the offset asked for is from another epoch', () => {
    const body = (offset: string) => ({
      error: {
        code: 'offset_gone',
        message: 'Gone.',
        details: {
          channel: 'run/r-1',
          offset,
          retainedAfter: '0000000000b2_0000000000000004',
          epoch: '0000000000b2',
        },
      },
    });
    expect(readGap(body('0000000000b2_0000000000000001'))).toEqual({
      reason: 'retention',
      retainedAfter: '0000000000b2_0000000000000004',
    });
    expect(readGap(body('0000000000a1_0000000000000009')).reason).toBe('epoch');
  });

  it('takes the snapshot from error.details, its data as sent (a string stays a string)', () => {
    const gone = (data: unknown) => ({
      error: {
        code: 'offset_gone',
        details: { retainedAfter: 'x', epoch: 'e', snapshot: { offset: 'o', data } },
      },
    });
    expect(readGap(gone({ a: 1 }))).toEqual({
      reason: 'retention',
      retainedAfter: 'x',
      snapshot: { offset: 'o', data: { a: 1 } },
    });
    expect(readGap(gone('42')).snapshot).toEqual({ offset: 'o', data: '42' });
    expect(readGap(undefined)).toEqual({ reason: 'retention', retainedAfter: '-1' });
  });
});

describe('offsetsForBatch', () => {
  it('derives consecutive Agentry offsets back from the last one', () => {
    expect(
      offsetsForBatch(['a', 'b', 'c'], '0000000000a1_0000000000000012').map(
        (event) => event.offset,
      ),
    ).toEqual([
      '0000000000a1_0000000000000010',
      '0000000000a1_0000000000000011',
      '0000000000a1_0000000000000012',
    ]);
  });

  it('gives every entry the batch offset when offsets are opaque', () => {
    expect(offsetsForBatch(['a', 'b'], 'opaque-7')).toEqual([
      { offset: 'opaque-7', data: 'a' },
      { offset: 'opaque-7', data: 'b' },
    ]);
  });
});
