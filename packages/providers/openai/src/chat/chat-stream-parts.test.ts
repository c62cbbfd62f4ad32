import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { collect, failureOf } from '../../test/openai-test-kit.js';
import { toChatStreamParts } from './chat-stream-parts.js';

function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'local-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  } as ChatCompletionChunk;
}

function from(chunks: ChatCompletionChunk[]): AsyncIterable<ChatCompletionChunk> {
  return {
    [Symbol.asyncIterator]: () => {
      const iterator = chunks[Symbol.iterator]();
      return { next: () => Promise.resolve(iterator.next()) };
    },
  };
}

describe('toChatStreamParts', () => {
  it('streams the reasoning_content of compatible servers as a reasoning block before the text', async () => {
    const parts = await collect(
      toChatStreamParts(
        from([
          chunk({ role: 'assistant', reasoning_content: 'Think' }),
          chunk({ reasoning_content: 'ing.' }),
          chunk({ content: 'Answer.' }),
          chunk({}, 'stop'),
        ]),
        'local-model',
      ),
    );
    expect(parts.map((part) => part.type)).toEqual([
      'reasoning-start',
      'reasoning-delta',
      'reasoning-delta',
      'reasoning-end',
      'text-start',
      'text-delta',
      'text-end',
      'response-end',
    ]);
  });

  it('tells whole tool calls sent without an index apart by their place in the list', async () => {
    const parts = await collect(
      toChatStreamParts(
        from([
          chunk({
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'one', arguments: '{"a":1}' } },
              { id: 'call_b', type: 'function', function: { name: 'two', arguments: '{"b":2}' } },
            ],
          }),
          chunk({}, 'tool_calls'),
        ]),
        'local-model',
      ),
    );
    expect(parts.filter((part) => part.type === 'tool-call-end')).toEqual([
      { type: 'tool-call-end', toolCallId: 'call_a', toolName: 'one', input: '{"a":1}' },
      { type: 'tool-call-end', toolCallId: 'call_b', toolName: 'two', input: '{"b":2}' },
    ]);
  });

  it('reports usage as unknown when the server sends none', async () => {
    const parts = await collect(
      toChatStreamParts(from([chunk({ content: 'Hi' }), chunk({}, 'stop')]), 'm'),
    );
    expect(parts.at(-1)).toMatchObject({
      type: 'response-end',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    });
  });

  it('fails with network when the chunks end before a finish reason', async () => {
    const error = await failureOf(
      collect(toChatStreamParts(from([chunk({ content: 'Hi' })]), 'm')),
    );
    expect(error.code).toBe('network');
  });
});
