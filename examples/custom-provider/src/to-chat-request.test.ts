import { AgentryError, type ModelRequest } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { toChatRequest } from './to-chat-request.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

describe('toChatRequest', () => {
  it('maps a conversation with images, tool calls and tool results', () => {
    const request: ModelRequest = {
      system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And this?' },
            { type: 'image', image: png, mediaType: 'image/png' },
            { type: 'image', image: 'https://example.com/cat.jpg' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'They want the weather.' },
            {
              type: 'tool-call',
              toolCallId: 'call_1',
              toolName: 'get_weather',
              input: '{"city":"Oslo"',
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              toolName: 'get_weather',
              output: { celsius: 21 },
            },
          ],
        },
      ],
    };
    expect(toChatRequest(request, 'llama3.2', false).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather?' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'And this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
    ]);
  });

  it('maps tools, tool choice, JSON output and parameters, and asks a stream for usage', () => {
    const body = toChatRequest(
      {
        messages: [],
        tools: [{ name: 'get_time', inputSchema: { type: 'object', properties: {} } }],
        toolChoice: { type: 'tool', toolName: 'get_time' },
        responseFormat: { type: 'json', schema: { type: 'object' }, name: 'answer' },
        parameters: { temperature: 0.2, maxTokens: 256, topP: 0.9, stop: ['END'], seed: 7 },
      },
      'qwen3',
      true,
    );
    expect(body).toMatchObject({
      model: 'qwen3',
      tools: [
        {
          type: 'function',
          function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' } },
      },
      temperature: 0.2,
      max_tokens: 256,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('merges providerOptions.openai into the body and ignores other providers', () => {
    const body = toChatRequest(
      { messages: [], providerOptions: { openai: { keep_alive: '5m' }, anthropic: { top_k: 3 } } },
      'llama3.2',
      false,
    );
    expect(body.keep_alive).toBe('5m');
    expect(body).not.toHaveProperty('top_k');
    expect(body).not.toHaveProperty('stream');
  });

  it('refuses image bytes without a media type with invalid_request', () => {
    const request: ModelRequest = {
      messages: [{ role: 'user', content: [{ type: 'image', image: png }] }],
    };
    const error = (() => {
      try {
        toChatRequest(request, 'llava', false);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(AgentryError.isInstance(error) && error.code).toBe('invalid_request');
    expect((error as AgentryError).message).toContain('messages[0].content[0]');
  });
});
