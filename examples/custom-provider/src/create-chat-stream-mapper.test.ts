import type { ModelStreamPart } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { createChatStreamMapper } from './create-chat-stream-mapper.js';

function run(chunks: Record<string, unknown>[]): ModelStreamPart[] {
  const mapper = createChatStreamMapper();
  return [...chunks.flatMap((chunk) => mapper.push(chunk)), ...mapper.end()];
}

const delta = (value: Record<string, unknown>, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  model: 'qwen3',
  choices: [{ index: 0, delta: value, finish_reason: finish }],
});

describe('createChatStreamMapper', () => {
  it('streams reasoning (Ollama `reasoning`, vLLM `reasoning_content`) as a block before the text', () => {
    const parts = run([
      delta({ role: 'assistant', reasoning: 'Think' }),
      delta({ reasoning_content: 'ing.' }),
      delta({ content: 'Paris.' }),
      delta({}, 'stop'),
    ]);
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
    expect(parts.at(-1)).toMatchObject({
      finishReason: 'stop',
      response: { id: 'chatcmpl-1', modelId: 'qwen3' },
    });
  });

  it('takes a whole tool call in one chunk, with arguments as an object, and gives it an id', () => {
    const parts = run([
      delta({ tool_calls: [{ function: { name: 'get_time', arguments: { timezone: 'UTC' } } }] }),
      delta({}, 'tool_calls'),
    ]);
    const end = parts.find((part) => part.type === 'tool-call-end');
    expect(end).toMatchObject({ toolName: 'get_time', input: '{"timezone":"UTC"}' });
    expect(end?.type === 'tool-call-end' && end.toolCallId).toMatch(/^call_/);
    expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'tool-calls' });
  });

  it('reports usage from the last chunk, and other without a finish reason', () => {
    const parts = run([
      delta({ content: 'Hi' }),
      {
        choices: [],
        usage: {
          prompt_tokens: 10,
          completion_tokens: 2,
          prompt_tokens_details: { cached_tokens: 4 },
        },
      },
    ]);
    expect(parts.at(-1)).toMatchObject({
      finishReason: 'other',
      usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12, cachedInputTokens: 4 },
    });
  });
});
