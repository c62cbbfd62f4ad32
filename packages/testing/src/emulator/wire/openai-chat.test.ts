import { describe, expect, it } from 'vitest';
import type { EmulatorRequest, NormalizedReply } from '../emulator-types.js';
import { openaiChatWire } from './openai-chat.js';
import {
  payloadsOf as chunksOf,
  fieldPaths,
  recordedBody as recordedJson,
  recordedEvents,
  toolCall,
} from './__fixtures__/wire-test-kit.js';

const recordedBody = recordedJson('openai-chat', 'openai-text');
const recordedChunks = recordedEvents('openai-chat', 'openai-text');

function reply(overrides: Partial<NormalizedReply> = {}): NormalizedReply {
  return {
    text: 'Hello there',
    textChunks: ['Hello', ' there'],
    reasoning: '',
    reasoningChunks: [],
    toolCalls: [],
    refusal: undefined,
    finishReason: 'stop',
    usage: {
      inputTokens: 16,
      outputTokens: 4,
      cachedInputTokens: 8,
      cacheWriteInputTokens: 0,
      reasoningTokens: 2,
    },
    id: 'abc123',
    created: 1770933883,
    partialArguments: false,
    ...overrides,
  };
}

function request(body: Record<string, unknown> = {}): EmulatorRequest {
  return {
    api: 'openai-chat',
    method: 'POST',
    path: '/v1/chat/completions',
    query: {},
    headers: {},
    body: { model: 'gpt-4.1-nano', messages: [], ...body },
    model: 'gpt-4.1-nano',
    stream: body.stream === true,
  };
}

describe('openaiChatWire', () => {
  describe('match', () => {
    it('serves POST /v1/chat/completions and reads stream and model from the body', () => {
      const body = { model: 'gpt-4o', stream: true };
      expect(
        openaiChatWire.match('POST', '/v1/chat/completions', new URLSearchParams(), body),
      ).toEqual({ stream: true, model: 'gpt-4o' });
      expect(
        openaiChatWire.match('POST', '/v1/chat/completions', new URLSearchParams(), {}),
      ).toEqual({ stream: false, model: undefined });
    });

    it('leaves other paths and methods to other formats', () => {
      expect(openaiChatWire.match('POST', '/v1/responses', new URLSearchParams(), {})).toBe(
        undefined,
      );
      expect(openaiChatWire.match('GET', '/v1/chat/completions', new URLSearchParams(), {})).toBe(
        undefined,
      );
    });
  });

  describe('replyBody', () => {
    it('has exactly the fields of a recorded chat.completion', () => {
      expect(fieldPaths(openaiChatWire.replyBody(reply(), request()))).toEqual(
        fieldPaths(recordedBody),
      );
    });

    it('reports the text, the finish reason and usage with cached and reasoning tokens', () => {
      const body = openaiChatWire.replyBody(reply(), request()) as Record<string, any>;
      expect(body.id).toBe('chatcmpl-abc123');
      expect(body.model).toBe('gpt-4.1-nano');
      expect(body.choices[0].message).toMatchObject({ role: 'assistant', content: 'Hello there' });
      expect(body.choices[0].finish_reason).toBe('stop');
      expect(body.usage).toMatchObject({
        prompt_tokens: 16,
        completion_tokens: 4,
        total_tokens: 20,
        prompt_tokens_details: { cached_tokens: 8 },
        completion_tokens_details: { reasoning_tokens: 2 },
      });
    });

    it('puts parallel tool calls in tool_calls with null content and finish_reason tool_calls', () => {
      const body = openaiChatWire.replyBody(
        reply({
          text: '',
          textChunks: [],
          finishReason: 'tool-calls',
          toolCalls: [
            toolCall('call_1', 'weather', '{"city":"Paris"}', ['{"city":"Paris"}']),
            toolCall('call_2', 'time', '{}', ['{}']),
          ],
        }),
        request(),
      ) as Record<string, any>;
      expect(body.choices[0].message.content).toBe(null);
      expect(body.choices[0].message.tool_calls).toEqual([
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'weather', arguments: '{"city":"Paris"}' },
        },
        { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
      ]);
      expect(body.choices[0].finish_reason).toBe('tool_calls');
    });

    it('puts a refusal in refusal, with null content', () => {
      const body = openaiChatWire.replyBody(
        reply({
          text: '',
          textChunks: [],
          refusal: 'I cannot help.',
          finishReason: 'content-filter',
        }),
        request(),
      ) as Record<string, any>;
      expect(body.choices[0].message).toMatchObject({ content: null, refusal: 'I cannot help.' });
      expect(body.choices[0].finish_reason).toBe('content_filter');
    });

    it.each([
      ['length', 'length'],
      ['stop', 'stop'],
    ] as const)('renders finish reason %s as %s', (finishReason, expected) => {
      const body = openaiChatWire.replyBody(reply({ finishReason }), request()) as Record<
        string,
        any
      >;
      expect(body.choices[0].finish_reason).toBe(expected);
    });
  });

  describe('replyEvents', () => {
    it('sends chunks with the fields of recorded ones and ends with [DONE]', () => {
      const events = openaiChatWire.replyEvents(
        reply(),
        request({ stream: true, stream_options: { include_usage: true } }),
      );
      const withoutObfuscation = (chunk: Record<string, unknown>) => {
        const { obfuscation: _obfuscation, ...rest } = chunk;
        return fieldPaths(rest);
      };
      const chunks = chunksOf(events);
      expect(fieldPaths(chunks[0])).toEqual(withoutObfuscation(recordedChunks[0]!));
      expect(fieldPaths(chunks[1])).toEqual(withoutObfuscation(recordedChunks[1]!));
      expect(fieldPaths(chunks.at(-1))).toEqual(withoutObfuscation(recordedChunks.at(-1)!));
      expect(events.at(-1)).toEqual({ data: '[DONE]' });
      expect(events.every((event) => event.event === undefined)).toBe(true);
    });

    it('streams the text pieces in order, then the finish reason, then usage', () => {
      const chunks = chunksOf(
        openaiChatWire.replyEvents(
          reply(),
          request({ stream: true, stream_options: { include_usage: true } }),
        ),
      );
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual([
        '',
        'Hello',
        ' there',
        undefined,
        undefined,
      ]);
      expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: {
          prompt_tokens: 16,
          completion_tokens: 4,
          prompt_tokens_details: { cached_tokens: 8 },
          completion_tokens_details: { reasoning_tokens: 2 },
        },
      });
    });

    it('sends no usage without stream_options.include_usage', () => {
      const chunks = chunksOf(openaiChatWire.replyEvents(reply(), request({ stream: true })));
      expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
      expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
    });

    it('streams parallel tool calls by index: id and name first, then the argument pieces', () => {
      const chunks = chunksOf(
        openaiChatWire.replyEvents(
          reply({
            text: '',
            textChunks: [],
            finishReason: 'tool-calls',
            toolCalls: [
              toolCall('call_1', 'weather', '{"city":"Paris"}', ['{"ci', 'ty":"Pa', 'ris"}']),
              toolCall('call_2', 'time', '{}', ['{}']),
            ],
          }),
          request({ stream: true }),
        ),
      );
      const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      expect(calls[0]).toEqual({
        index: 0,
        id: 'call_1',
        type: 'function',
        function: { name: 'weather', arguments: '' },
      });
      expect(calls.filter((call) => call.index === 0 && call.id === undefined)).toEqual([
        { index: 0, function: { arguments: '{"ci' } },
        { index: 0, function: { arguments: 'ty":"Pa' } },
        { index: 0, function: { arguments: 'ris"}' } },
      ]);
      expect(calls.filter((call) => call.index === 1).map((call) => call.id)).toEqual([
        'call_2',
        undefined,
      ]);
      expect(chunks[0]!.choices[0].delta).toEqual({
        role: 'assistant',
        content: null,
        refusal: null,
      });
      expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
    });

    it('streams a refusal in refusal deltas', () => {
      const chunks = chunksOf(
        openaiChatWire.replyEvents(
          reply({
            text: '',
            textChunks: [],
            refusal: 'I cannot help.',
            finishReason: 'content-filter',
          }),
          request({ stream: true }),
        ),
      );
      const refusal = chunks.map((chunk) => chunk.choices[0].delta.refusal ?? '').join('');
      expect(refusal).toBe('I cannot help.');
      expect(chunks.at(-1)!.choices[0].finish_reason).toBe('content_filter');
    });
  });

  describe('errorBody', () => {
    const failure = (
      error: Parameters<typeof openaiChatWire.errorBody>[0]['error'],
      status = 400,
    ) => openaiChatWire.errorBody({ kind: 'error', status, error, message: 'Went wrong.' });

    it.each([
      ['context_length', 'invalid_request_error', 'messages', 'context_length_exceeded'],
      ['rate_limit', 'requests', null, 'rate_limit_exceeded'],
      ['authentication', 'invalid_request_error', null, 'invalid_api_key'],
      ['content_filter', 'invalid_request_error', 'prompt', 'content_filter'],
      ['not_found', 'invalid_request_error', null, 'model_not_found'],
      ['server', 'server_error', null, null],
      ['overloaded', 'server_error', null, null],
    ] as const)(
      'renders %s as OpenAI does: type %s, param %s, code %s',
      (error, type, param, code) => {
        expect(failure(error)).toEqual({ error: { message: 'Went wrong.', type, param, code } });
      },
    );

    it('has the fields of a recorded error body', () => {
      const recorded = recordedJson('openai-responses', 'openai-error.1');
      expect(fieldPaths(failure('rate_limit', 429))).toEqual(fieldPaths(recorded));
    });
  });

  describe('streamErrorEvent', () => {
    it('sends the error object as a data-only event', () => {
      const event = openaiChatWire.streamErrorEvent({
        kind: 'error',
        status: 500,
        error: 'server',
        message: 'The server had an error.',
      });
      expect(event.event).toBe(undefined);
      expect(JSON.parse(event.data)).toEqual({
        error: {
          message: 'The server had an error.',
          type: 'server_error',
          param: null,
          code: null,
        },
      });
    });
  });
});
