import { describe, expect, it } from 'vitest';
import type { AcmeFrame } from './acme-protocol.js';
import { createAcmeStreamMapper, toModelResponse } from './acme-stream-mapper.js';

const meter = { in: 10, cached: 4, out: 6, thinking: 2 };

describe('createAcmeStreamMapper', () => {
  it('maps thoughts, text and parallel calls to parts in the contract order', () => {
    const mapper = createAcmeStreamMapper('acme-large');
    const frames: Exclude<AcmeFrame, { frame: 'fault' }>[] = [
      { frame: 'begin', id: 'a1' },
      { frame: 'thought', text: 'Hm.' },
      { frame: 'say', text: 'Let me ' },
      { frame: 'say', text: 'check.' },
      { frame: 'call', ref: 'c1', tool: 'get_weather' },
      { frame: 'call', ref: 'c2', tool: 'get_time' },
      { frame: 'args', ref: 'c1', piece: '{"city":' },
      { frame: 'args', ref: 'c2', piece: '{}' },
      { frame: 'args', ref: 'c1', piece: '"Oslo"}' },
      { frame: 'end', stop: 'calls', meter },
    ];
    const parts = frames.flatMap((frame) => mapper.push(frame));
    expect(mapper.finished).toBe(true);
    expect(parts).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Hm.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Let me ' },
      { type: 'text-delta', id: 'text-1', delta: 'check.' },
      { type: 'text-end', id: 'text-1' },
      { type: 'tool-call-start', toolCallId: 'c1', toolName: 'get_weather' },
      { type: 'tool-call-start', toolCallId: 'c2', toolName: 'get_time' },
      { type: 'tool-call-delta', toolCallId: 'c1', delta: '{"city":' },
      { type: 'tool-call-delta', toolCallId: 'c2', delta: '{}' },
      { type: 'tool-call-delta', toolCallId: 'c1', delta: '"Oslo"}' },
      {
        type: 'tool-call-end',
        toolCallId: 'c1',
        toolName: 'get_weather',
        input: '{"city":"Oslo"}',
      },
      { type: 'tool-call-end', toolCallId: 'c2', toolName: 'get_time', input: '{}' },
      {
        type: 'response-end',
        finishReason: 'tool-calls',
        usage: {
          inputTokens: 10,
          outputTokens: 6,
          totalTokens: 16,
          cachedInputTokens: 4,
          reasoningTokens: 2,
        },
        response: { id: 'a1', modelId: 'acme-large' },
      },
    ]);
  });

  it('refuses arguments for a call that was never opened with provider_unavailable', () => {
    const mapper = createAcmeStreamMapper('acme-large');
    expect(() => mapper.push({ frame: 'args', ref: 'ghost', piece: '{}' })).toThrow(
      expect.objectContaining({
        code: 'provider_unavailable',
        message: 'Acme sent arguments for call "ghost", which it never opened.',
      }) as Error,
    );
  });
});

describe('toModelResponse', () => {
  it('maps a complete answer in order, with the stop reason and the meter', () => {
    expect(
      toModelResponse(
        {
          id: 'a2',
          output: [
            { thought: 'Hm.' },
            { text: 'Hi' },
            { call: { ref: 'c1', tool: 't', args: '{}' } },
          ],
          stop: 'max_output',
          meter,
        },
        'acme-small',
      ),
    ).toEqual({
      content: [
        { type: 'reasoning', text: 'Hm.' },
        { type: 'text', text: 'Hi' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 't', input: '{}' },
      ],
      finishReason: 'length',
      usage: {
        inputTokens: 10,
        outputTokens: 6,
        totalTokens: 16,
        cachedInputTokens: 4,
        reasoningTokens: 2,
      },
      response: { id: 'a2', modelId: 'acme-small' },
    });
  });
});
