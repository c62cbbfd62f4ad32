import type { ModelRequest } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { createMockModel, mockText, mockToolCall } from './index.js';

const request: ModelRequest = { messages: [] };

describe('mockText', () => {
  it('builds a text turn that keeps the other fields', () => {
    expect(mockText('Hi', { delayMs: 5, finishReason: 'length' })).toEqual({
      text: 'Hi',
      delayMs: 5,
      finishReason: 'length',
    });
  });
});

describe('mockToolCall', () => {
  it('puts the call fields on the call and the rest on the turn', () => {
    expect(
      mockToolCall('search', { query: 'x' }, { toolCallId: 'call-1', chunks: 2, text: 'Wait.' }),
    ).toEqual({
      text: 'Wait.',
      toolCalls: [{ toolName: 'search', input: { query: 'x' }, toolCallId: 'call-1', chunks: 2 }],
    });
  });

  it('sends {} when no input is given', async () => {
    const model = createMockModel({ script: [mockToolCall('now')] });
    expect((await model.generate(request)).content).toEqual([
      { type: 'tool-call', toolCallId: 'mock-call-0-0', toolName: 'now', input: '{}' },
    ]);
  });

  it('fails the call with validation_failed when the input cannot be JSON-encoded', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const model = createMockModel({ script: [mockToolCall('loop', cyclic)] });
    await expect(model.generate(request)).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
