import { describe, expect, it } from 'vitest';
import type { EmulatorErrorType, EmulatorRequest } from '../emulator-types.js';
import { anthropicWire } from './anthropic.js';
import {
  keysOf,
  normalizedReply as reply,
  payloadsOf as parsed,
  recordedBody as recorded,
  recordedEvents as recordedStream,
} from './__fixtures__/wire-test-kit.js';

const recordedBody = (name: string) => recorded('anthropic', name);
const recordedEvents = (name: string) => recordedStream('anthropic', name);

function request(overrides: Partial<EmulatorRequest> = {}): EmulatorRequest {
  return {
    api: 'anthropic',
    method: 'POST',
    path: '/v1/messages',
    query: {},
    headers: {},
    body: {},
    model: 'claude-sonnet-4-5',
    stream: false,
    ...overrides,
  };
}

function sequenceOf(events: Record<string, unknown>[]): string[] {
  const sequence: string[] = [];
  for (const event of events) {
    const delta = event['delta'] as Record<string, unknown> | undefined;
    const name =
      event['type'] === 'content_block_delta'
        ? `content_block_delta:${String(delta?.['type'])}`
        : String(event['type']);
    if (event['type'] === 'ping') continue;
    if (sequence.at(-1) !== name || event['type'] !== 'content_block_delta') sequence.push(name);
  }
  return sequence;
}

const text =
  "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?";

describe('anthropicWire', () => {
  describe('match', () => {
    it('serves POST /v1/messages and reads stream and model from the body', () => {
      const query = new URLSearchParams();
      expect(
        anthropicWire.match('POST', '/v1/messages', query, {
          model: 'claude-opus-4-8',
          stream: true,
        }),
      ).toEqual({ stream: true, model: 'claude-opus-4-8' });
      expect(anthropicWire.match('POST', '/v1/messages', query, { model: 'm' })).toEqual({
        stream: false,
        model: 'm',
      });
      expect(anthropicWire.match('POST', '/v1/messages', query, undefined)).toEqual({
        stream: false,
        model: undefined,
      });
    });

    it('declines other methods and paths', () => {
      const query = new URLSearchParams();
      expect(anthropicWire.match('GET', '/v1/messages', query, undefined)).toBeUndefined();
      expect(anthropicWire.match('POST', '/v1/complete', query, {})).toBeUndefined();
      expect(anthropicWire.match('POST', '/v1/messages/count_tokens', query, {})).toBeUndefined();
    });
  });

  describe('replyBody', () => {
    it('renders a text message with the fields of the recorded one', () => {
      const body = anthropicWire.replyBody(reply({ text, textChunks: [text] }), request());
      expect(keysOf(body)).toEqual(keysOf(recordedBody('anthropic-text')));
      expect(body).toMatchObject({
        model: 'claude-sonnet-4-5',
        id: 'msg_abc123',
        type: 'message',
        role: 'assistant',
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 12, output_tokens: 30, cache_read_input_tokens: 0 },
      });
    });

    it('renders text followed by a tool call with no arguments as recorded', () => {
      const body = anthropicWire.replyBody(
        reply({
          text: 'Okay, I will update the current issue list:',
          toolCalls: [
            { id: 'toolu_01', name: 'updateIssueList', arguments: '', argumentChunks: [''] },
          ],
          finishReason: 'tool-calls',
        }),
        request(),
      );
      const recorded = recordedBody('anthropic-tool-no-args') as Record<string, unknown>;
      expect(keysOf((body as Record<string, unknown>)['content'])).toEqual(
        keysOf(recorded['content']),
      );
      expect(body).toMatchObject({
        content: [
          { type: 'text' },
          { type: 'tool_use', id: 'toolu_01', name: 'updateIssueList', input: {} },
        ],
        stop_reason: 'tool_use',
      });
    });

    it('renders parallel tool calls with their arguments parsed as objects', () => {
      const body = anthropicWire.replyBody(
        reply({
          toolCalls: [
            { id: 'toolu_a', name: 'weather', arguments: '{"city":"Oslo"}', argumentChunks: [] },
            { id: 'toolu_b', name: 'weather', arguments: '{"city":"Lima"}', argumentChunks: [] },
          ],
          finishReason: 'tool-calls',
        }),
        request(),
      );
      expect((body as Record<string, unknown>)['content']).toEqual([
        { type: 'tool_use', id: 'toolu_a', name: 'weather', input: { city: 'Oslo' } },
        { type: 'tool_use', id: 'toolu_b', name: 'weather', input: { city: 'Lima' } },
      ]);
    });

    it('sends arguments that are not JSON as raw text', () => {
      const body = anthropicWire.replyBody(
        reply({
          toolCalls: [{ id: 'toolu_a', name: 'f', arguments: '{"city": "Os', argumentChunks: [] }],
          finishReason: 'tool-calls',
        }),
        request(),
      );
      expect(body).toMatchObject({ content: [{ type: 'tool_use', input: '{"city": "Os' }] });
    });

    it('puts reasoning first as a signed thinking block', () => {
      const body = anthropicWire.replyBody(
        reply({
          reasoning: 'Think.',
          text: 'Done.',
          usage: { ...reply().usage, reasoningTokens: 2 },
        }),
        request(),
      ) as Record<string, unknown>;
      expect(body['content']).toEqual([
        { type: 'thinking', thinking: 'Think.', signature: expect.any(String) },
        { type: 'text', text: 'Done.' },
      ]);
      expect(body['usage']).toMatchObject({ output_tokens_details: { thinking_tokens: 2 } });
    });

    it('renders a refusal as the recorded empty message with stop details', () => {
      const body = anthropicWire.replyBody(
        reply({ refusal: 'Blocked under the usage policy.', finishReason: 'content-filter' }),
        request(),
      );
      expect(keysOf(body)).toEqual(keysOf(recordedBody('anthropic-refusal')));
      expect(body).toMatchObject({
        content: [],
        stop_reason: 'refusal',
        stop_details: { type: 'refusal', explanation: 'Blocked under the usage policy.' },
      });
    });

    it.each([
      ['stop', 'end_turn'],
      ['length', 'max_tokens'],
      ['tool-calls', 'tool_use'],
      ['content-filter', 'refusal'],
    ] as const)('renders finish reason %s as stop_reason %s', (finishReason, stopReason) => {
      expect(anthropicWire.replyBody(reply({ finishReason }), request())).toMatchObject({
        stop_reason: stopReason,
      });
    });

    it('reports cached prompt tokens apart from the uncached ones', () => {
      const body = anthropicWire.replyBody(
        reply({
          usage: {
            inputTokens: 1000,
            outputTokens: 5,
            cachedInputTokens: 800,
            cacheWriteInputTokens: 0,
            reasoningTokens: 0,
          },
        }),
        request(),
      );
      expect(body).toMatchObject({
        usage: { input_tokens: 200, cache_read_input_tokens: 800, cache_creation_input_tokens: 0 },
      });
    });

    it('names a default model when the request names none', () => {
      expect(anthropicWire.replyBody(reply(), request({ model: undefined }))).toMatchObject({
        model: expect.stringMatching(/^claude-/),
      });
    });
  });

  describe('replyEvents', () => {
    it('names every event after its type, as the SDK needs', () => {
      const events = anthropicWire.replyEvents(
        reply({ text: 'Hi there', textChunks: ['Hi ', 'there'] }),
        request({ stream: true }),
      );
      for (const event of events) {
        expect(event.event).toBe((JSON.parse(event.data) as { type: string }).type);
      }
    });

    it('streams text with the recorded event sequence and fields', () => {
      const recorded = recordedEvents('anthropic-text');
      const chunks = recorded.flatMap((event) => {
        const delta = event['delta'] as Record<string, unknown> | undefined;
        return delta?.['type'] === 'text_delta' ? [String(delta['text'])] : [];
      });
      const events = parsed(
        anthropicWire.replyEvents(
          reply({ text: chunks.join(''), textChunks: chunks }),
          request({ model: 'claude-sonnet-4-5-20250929', stream: true }),
        ),
      );
      expect(events.map((event) => event['type'])).toEqual(recorded.map((event) => event['type']));
      expect(events.map(keysOf)).toEqual(recorded.map(keysOf));
    });

    it('streams a tool call with no arguments as recorded', () => {
      const events = parsed(
        anthropicWire.replyEvents(
          reply({
            text: "I'll update the issue list for you.",
            textChunks: ["I'll update the issue list for", ' you.'],
            toolCalls: [
              { id: 'toolu_01', name: 'updateIssueList', arguments: '', argumentChunks: [''] },
            ],
            finishReason: 'tool-calls',
          }),
          request({ stream: true }),
        ),
      );
      const recorded = recordedEvents('anthropic-tool-no-args');
      expect(sequenceOf(events)).toEqual(sequenceOf(recorded));
      const toolDeltas = events.filter(
        (event) => event['type'] === 'content_block_delta' && event['index'] === 1,
      );
      expect(toolDeltas).toEqual([
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '' },
        },
      ]);
      expect(events.find((event) => event['type'] === 'message_delta')).toMatchObject({
        delta: { stop_reason: 'tool_use' },
      });
    });

    it('streams one tool call with the recorded event sequence and fields', () => {
      const recorded = recordedEvents('anthropic-json-tool.1');
      const pieces = recorded.flatMap((event) => {
        const delta = event['delta'] as Record<string, unknown> | undefined;
        return delta?.['type'] === 'input_json_delta' && delta['partial_json'] !== ''
          ? [String(delta['partial_json'])]
          : [];
      });
      const events = parsed(
        anthropicWire.replyEvents(
          reply({
            toolCalls: [
              { id: 'toolu_a', name: 'json', arguments: pieces.join(''), argumentChunks: pieces },
            ],
            finishReason: 'tool-calls',
          }),
          request({ stream: true }),
        ),
      );
      // Keep-alive pings come wherever the server sends them; the rest is in the recorded order.
      const types = (list: Record<string, unknown>[]): unknown[] =>
        list.map((event) => event['type']).filter((type) => type !== 'ping');
      expect(types(events)).toEqual(types(recorded));
      // The recording predates `inference_geo`; every other field matches.
      const withoutGeo = (event: Record<string, unknown>): unknown => {
        const keys = keysOf(event) as Record<string, Record<string, Record<string, unknown>>>;
        delete keys['message']?.['usage']?.['inference_geo'];
        return keys;
      };
      const noPing = (event: Record<string, unknown>): boolean => event['type'] !== 'ping';
      expect(events.filter(noPing).map(withoutGeo)).toEqual(
        recorded.filter(noPing).map(withoutGeo),
      );
    });

    it('streams parallel tool arguments as input_json_delta pieces that join to the arguments', () => {
      const argumentsText = '{"elements": [{"location": "San Francisco"}]}';
      const pieces = ['{"elem', 'ents": [{"loc', 'ation": "San Francisco"}]}'];
      const events = parsed(
        anthropicWire.replyEvents(
          reply({
            toolCalls: [
              { id: 'toolu_a', name: 'json', arguments: argumentsText, argumentChunks: pieces },
              { id: 'toolu_b', name: 'json', arguments: '{}', argumentChunks: ['{}'] },
            ],
            finishReason: 'tool-calls',
          }),
          request({ stream: true }),
        ),
      );
      expect(sequenceOf(events)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta:input_json_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta:input_json_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const partials = (index: number): string[] =>
        events.flatMap((event) =>
          event['type'] === 'content_block_delta' && event['index'] === index
            ? [String((event['delta'] as Record<string, unknown>)['partial_json'])]
            : [],
        );
      expect(partials(0)).toEqual(['', ...pieces]);
      expect(partials(1).join('')).toBe('{}');
      expect(events.filter((event) => event['type'] === 'content_block_start')).toEqual([
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_a', name: 'json', input: {} },
        },
        {
          type: 'content_block_start',
          index: 1,
          content_block: { type: 'tool_use', id: 'toolu_b', name: 'json', input: {} },
        },
      ]);
    });

    it('streams thinking deltas and the signature before the text', () => {
      const thinking = reply({
        reasoning: 'Let me think.',
        reasoningChunks: ['Let ', 'me ', 'think.'],
        text: 'Yes.',
        textChunks: ['Yes.'],
      });
      const events = parsed(anthropicWire.replyEvents(thinking, request({ stream: true })));
      expect(sequenceOf(events)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta:thinking_delta',
        'content_block_delta:signature_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta:text_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const signature = events.find(
        (event) =>
          (event['delta'] as Record<string, unknown> | undefined)?.['type'] === 'signature_delta',
      );
      const body = anthropicWire.replyBody(thinking, request()) as {
        content: { signature?: string }[];
      };
      expect(signature).toMatchObject({
        index: 0,
        delta: { signature: body.content[0]?.signature },
      });
    });

    it('streams a refusal as the recorded message with no content blocks', () => {
      const events = parsed(
        anthropicWire.replyEvents(
          reply({ refusal: 'Blocked.', finishReason: 'content-filter' }),
          request({ stream: true }),
        ),
      );
      const recorded = recordedEvents('anthropic-refusal');
      expect(events.map((event) => event['type'])).toEqual(recorded.map((event) => event['type']));
      expect(events.map(keysOf)).toEqual(recorded.map(keysOf));
      expect(events.find((event) => event['type'] === 'message_delta')).toMatchObject({
        delta: {
          stop_reason: 'refusal',
          stop_details: { type: 'refusal', explanation: 'Blocked.' },
        },
      });
    });

    it('reports the final usage, cached tokens apart, in message_delta', () => {
      const events = parsed(
        anthropicWire.replyEvents(
          reply({
            text: 'Hi',
            textChunks: ['Hi'],
            usage: {
              inputTokens: 50,
              outputTokens: 7,
              cachedInputTokens: 40,
              cacheWriteInputTokens: 0,
              reasoningTokens: 0,
            },
          }),
          request({ stream: true }),
        ),
      );
      expect(events.find((event) => event['type'] === 'message_delta')).toMatchObject({
        usage: { input_tokens: 10, cache_read_input_tokens: 40, output_tokens: 7 },
      });
      expect(events[0]).toMatchObject({
        message: { usage: { input_tokens: 10, cache_read_input_tokens: 40 } },
      });
    });
  });

  describe('errorBody', () => {
    const failure = (
      error: EmulatorErrorType,
      status: number,
      message = 'Something happened.',
    ) => ({
      kind: 'error' as const,
      status,
      error,
      message,
    });

    it.each([
      ['invalid_request', 400, 'invalid_request_error'],
      ['authentication', 401, 'authentication_error'],
      ['permission', 403, 'permission_error'],
      ['not_found', 404, 'not_found_error'],
      ['context_length', 413, 'request_too_large'],
      ['rate_limit', 429, 'rate_limit_error'],
      ['server', 500, 'api_error'],
      ['overloaded', 529, 'overloaded_error'],
      ['server', 529, 'overloaded_error'],
    ] as const)('renders %s with status %i as %s', (error, status, type) => {
      expect(anthropicWire.errorBody(failure(error, status))).toEqual({
        type: 'error',
        error: { type, message: expect.any(String) },
        request_id: expect.stringMatching(/^req_/),
      });
    });

    it('renders a context-length failure as an invalid request saying the prompt is too long', () => {
      expect(anthropicWire.errorBody(failure('context_length', 400))).toMatchObject({
        error: {
          type: 'invalid_request_error',
          message: expect.stringMatching(/^prompt is too long/),
        },
      });
      expect(
        anthropicWire.errorBody(
          failure('context_length', 400, 'prompt is too long: 300000 tokens > 200000 maximum'),
        ),
      ).toMatchObject({ error: { message: 'prompt is too long: 300000 tokens > 200000 maximum' } });
    });

    it('renders a content-filter failure with the message the output filter gives', () => {
      expect(anthropicWire.errorBody(failure('content_filter', 400))).toMatchObject({
        error: {
          type: 'invalid_request_error',
          message: 'Output blocked by content filtering policy',
        },
      });
    });

    it('keeps the scripted message of other failures', () => {
      expect(anthropicWire.errorBody(failure('rate_limit', 429, 'Slow down.'))).toMatchObject({
        error: { message: 'Slow down.' },
      });
    });
  });

  describe('streamErrorEvent', () => {
    it('renders an error event the SDK raises as an API error', () => {
      const event = anthropicWire.streamErrorEvent({
        kind: 'error',
        status: 529,
        error: 'overloaded',
        message: 'Overloaded',
      });
      expect(event.event).toBe('error');
      expect(JSON.parse(event.data)).toEqual({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
    });
  });
});
