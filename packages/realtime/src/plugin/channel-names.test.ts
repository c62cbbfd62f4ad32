import { assertChannelName } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { encodeChannelSegment, realtimeChannels } from './channel-names.js';

describe('encodeChannelSegment', () => {
  it.each<[string, string]>([
    ['run-1', 'run-1'],
    ['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ['user@example.com:7', 'user@example.com:7'],
    ['orders/A 7', 'orders~2FA~207'],
    ['a~b', 'a~7Eb'],
    ['café', 'caf~C3~A9'],
    ['.', '~2E'],
    ['..', '~2E~2E'],
    ['', '~'],
  ])('encodes %j as %j', (id, encoded) => {
    expect(encodeChannelSegment(id)).toBe(encoded);
  });

  it('makes names core accepts from any id, and distinct ids give distinct names', () => {
    const ids = [
      'a/b',
      'a~2Fb',
      'a b',
      'a+b',
      '../x',
      '😀',
      'x'.repeat(300),
      `${'x'.repeat(300)}y`,
    ];
    const names = ids.map((id) => realtimeChannels.run(id));
    for (const name of names) expect(() => assertChannelName(name)).not.toThrow();
    expect(new Set(names).size).toBe(ids.length);
  });

  it('cuts a long id and tags it with a hash, within the channel name limit', () => {
    const long = '/'.repeat(500);
    const encoded = encodeChannelSegment(long);
    expect(encoded).toMatch(/^(~2F)+~~[0-9a-f]{16}$/);
    expect(encoded.length).toBeLessThanOrEqual(220);
    expect(encodeChannelSegment(long)).toBe(encoded);
  });
});

describe('realtimeChannels', () => {
  it('names one channel per run, agent, session and workflow run', () => {
    expect(realtimeChannels.run('r-1')).toBe('run/r-1');
    expect(realtimeChannels.agent('a-1')).toBe('agent/a-1');
    expect(realtimeChannels.session('chat 42')).toBe('session/chat~2042');
    expect(realtimeChannels.workflowRun('w/1')).toBe('workflow-run/w~2F1');
  });
});
