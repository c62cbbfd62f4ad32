import { describe, expect, it } from 'vitest';
import type { EmulatorRequest, NormalizedReply } from '../emulator-types.js';
import { openaiResponsesWire } from './openai-responses.js';
import {
  fieldPaths as shapeOf,
  payloadsOf as payloads,
  recordedBody as recordedJson,
  recordedEvents as recordedStream,
  toolCall,
} from './__fixtures__/wire-test-kit.js';

const recordedBody = recordedJson('openai-responses', 'openai-reasoning-encrypted-content.1');
const recordedEvents = recordedStream('openai-responses', 'openai-reasoning-encrypted-content.1');
const recordedErrorEvents = recordedStream('openai-responses', 'openai-error.1');
/** The shape of a payload; `obfuscation` (random padding) is left out. */
const fieldPaths = (value: unknown) => shapeOf(value, ['obfuscation']);

function reply(overrides: Partial<NormalizedReply> = {}): NormalizedReply {
  return {
    text: 'The final result is 570.',
    textChunks: ['The', ' final', ' result', ' is', ' 570.'],
    reasoning: 'Multiply step by step.',
    reasoningChunks: ['Multiply', ' step', ' by step.'],
    toolCalls: [],
    refusal: undefined,
    finishReason: 'stop',
    usage: {
      inputTokens: 865,
      outputTokens: 163,
      cachedInputTokens: 512,
      cacheWriteInputTokens: 0,
      reasoningTokens: 128,
    },
    id: 'abc123',
    created: 1765591383,
    partialArguments: false,
    ...overrides,
  };
}

/** A request like the recorded ones: the same tools, reasoning settings and include. */
function request(body: Record<string, unknown> = {}): EmulatorRequest {
  return {
    api: 'openai-responses',
    method: 'POST',
    path: '/v1/responses',
    query: {},
    headers: {},
    body: {
      model: 'gpt-5-mini',
      input: [],
      tools: recordedBody.tools,
      reasoning: { effort: 'high', summary: 'detailed' },
      include: ['reasoning.encrypted_content'],
      store: false,
      ...body,
    },
    model: 'gpt-5-mini',
    stream: body.stream === true,
  };
}

/** An event's kind: its type, and the type of the item or part it carries. */
const kindOf = (payload: Record<string, any>) =>
  [payload.type, payload.item?.type, payload.part?.type].filter(Boolean).join(':');

describe('openaiResponsesWire', () => {
  describe('match', () => {
    it('serves POST /v1/responses and reads stream and model from the body', () => {
      expect(
        openaiResponsesWire.match('POST', '/v1/responses', new URLSearchParams(), {
          model: 'gpt-5',
          stream: true,
        }),
      ).toEqual({ stream: true, model: 'gpt-5' });
      expect(
        openaiResponsesWire.match('POST', '/v1/chat/completions', new URLSearchParams(), {}),
      ).toBe(undefined);
    });
  });

  describe('replyBody', () => {
    it('has the fields of a recorded response with reasoning', () => {
      const { billing: _billing, ...recorded } = recordedBody;
      expect(fieldPaths(openaiResponsesWire.replyBody(reply(), request()))).toEqual(
        fieldPaths(recorded),
      );
    });

    it('holds reasoning, text and usage with cached and reasoning tokens', () => {
      const body = openaiResponsesWire.replyBody(reply(), request()) as Record<string, any>;
      expect(body).toMatchObject({ id: 'resp_abc123', status: 'completed', model: 'gpt-5-mini' });
      expect(body.output.map((item: { type: string }) => item.type)).toEqual([
        'reasoning',
        'message',
      ]);
      expect(body.output[0].summary).toEqual([
        { type: 'summary_text', text: 'Multiply step by step.' },
      ]);
      expect(typeof body.output[0].encrypted_content).toBe('string');
      expect(body.output[1].content[0]).toMatchObject({
        type: 'output_text',
        text: 'The final result is 570.',
      });
      expect(body.usage).toEqual({
        input_tokens: 865,
        input_tokens_details: { cached_tokens: 512 },
        output_tokens: 163,
        output_tokens_details: { reasoning_tokens: 128 },
        total_tokens: 1028,
      });
    });

    it('sends encrypted reasoning only when include asks for it', () => {
      const body = openaiResponsesWire.replyBody(reply(), request({ include: [] })) as Record<
        string,
        any
      >;
      expect('encrypted_content' in body.output[0]).toBe(false);
    });

    it('puts each tool call in its own function_call item after the message', () => {
      const body = openaiResponsesWire.replyBody(
        reply({
          text: '',
          textChunks: [],
          reasoning: '',
          reasoningChunks: [],
          finishReason: 'tool-calls',
          toolCalls: [
            toolCall('call_1', 'calculator', '{"a":1}', ['{"a":1}']),
            toolCall('call_2', 'calculator', '{"a":2}', ['{"a":2}']),
          ],
        }),
        request(),
      ) as Record<string, any>;
      expect(body.output).toEqual([
        {
          id: 'fc_abc123_0',
          type: 'function_call',
          status: 'completed',
          arguments: '{"a":1}',
          call_id: 'call_1',
          name: 'calculator',
        },
        {
          id: 'fc_abc123_1',
          type: 'function_call',
          status: 'completed',
          arguments: '{"a":2}',
          call_id: 'call_2',
          name: 'calculator',
        },
      ]);
      expect(body.status).toBe('completed');
    });

    it('puts a refusal in a refusal content part', () => {
      const body = openaiResponsesWire.replyBody(
        reply({
          text: '',
          textChunks: [],
          refusal: 'I cannot help.',
          finishReason: 'content-filter',
        }),
        request(),
      ) as Record<string, any>;
      expect(body.output[1].content).toEqual([{ type: 'refusal', refusal: 'I cannot help.' }]);
    });

    it.each([
      ['length', 'max_output_tokens'],
      ['content-filter', 'content_filter'],
    ] as const)('marks a %s stop as incomplete with reason %s', (finishReason, reason) => {
      const body = openaiResponsesWire.replyBody(reply({ finishReason }), request()) as Record<
        string,
        any
      >;
      expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason } });
    });
  });

  describe('replyEvents', () => {
    const parallel = reply({
      finishReason: 'tool-calls',
      toolCalls: [
        toolCall('call_1', 'calculator', '{"a":12,"b":7}', ['{"a":', '12,"b"', ':7}']),
        toolCall('call_2', 'calculator', '{"a":1}', ['{"a":1}']),
      ],
    });

    it('sends events with the fields of recorded ones of the same kind', () => {
      const recordedByKind = new Map<string, Set<string>>();
      for (const event of recordedEvents) {
        const paths = recordedByKind.get(kindOf(event)) ?? new Set<string>();
        for (const path of fieldPaths(event)) paths.add(path);
        recordedByKind.set(kindOf(event), paths);
      }
      const rendered = payloads(
        openaiResponsesWire.replyEvents(parallel, request({ stream: true })),
      );
      for (const event of rendered) {
        const recorded = [...(recordedByKind.get(kindOf(event)) ?? [])].sort();
        expect([kindOf(event), fieldPaths(event)]).toEqual([kindOf(event), recorded]);
      }
    });

    it('names each event by its type and numbers them in order', () => {
      const events = openaiResponsesWire.replyEvents(parallel, request({ stream: true }));
      const data = payloads(events);
      expect(events.map((event) => event.event)).toEqual(data.map((payload) => payload.type));
      expect(data.map((payload) => payload.sequence_number)).toEqual(data.map((_, index) => index));
      expect(data[0]!.type).toBe('response.created');
      expect(data.at(-1)!.type).toBe('response.completed');
    });

    it('streams reasoning, text and each call arguments in pieces that join to the whole', () => {
      const data = payloads(openaiResponsesWire.replyEvents(parallel, request({ stream: true })));
      const join = (type: string, filter: (payload: Record<string, any>) => boolean = () => true) =>
        data
          .filter((payload) => payload.type === type && filter(payload))
          .map((payload) => payload.delta)
          .join('');
      expect(join('response.reasoning_summary_text.delta')).toBe('Multiply step by step.');
      expect(join('response.output_text.delta')).toBe('The final result is 570.');
      expect(
        join(
          'response.function_call_arguments.delta',
          (payload) => payload.item_id === 'fc_abc123_0',
        ),
      ).toBe('{"a":12,"b":7}');
      expect(
        data
          .filter((payload) => payload.type === 'response.output_item.added')
          .map((payload) => [payload.output_index, payload.item.type]),
      ).toEqual([
        [0, 'reasoning'],
        [1, 'message'],
        [2, 'function_call'],
        [3, 'function_call'],
      ]);
      expect(data.at(-1)!.response.usage.output_tokens_details).toEqual({ reasoning_tokens: 128 });
    });

    it('streams a refusal as refusal deltas', () => {
      const data = payloads(
        openaiResponsesWire.replyEvents(
          reply({
            text: '',
            textChunks: [],
            reasoning: '',
            reasoningChunks: [],
            refusal: 'I cannot help.',
            finishReason: 'content-filter',
          }),
          request({ stream: true }),
        ),
      );
      expect(
        data
          .filter((payload) => payload.type === 'response.refusal.delta')
          .map((payload) => payload.delta)
          .join(''),
      ).toBe('I cannot help.');
      expect(data.at(-1)!.type).toBe('response.completed');
    });

    it('ends with response.incomplete at the token limit', () => {
      const data = payloads(
        openaiResponsesWire.replyEvents(
          reply({ finishReason: 'length' }),
          request({ stream: true }),
        ),
      );
      expect(data.at(-1)).toMatchObject({
        type: 'response.incomplete',
        response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
      });
    });
  });

  describe('streamErrorEvent', () => {
    it('sends an error event shaped like the recorded one', () => {
      const recorded = recordedErrorEvents.find((event) => event.type === 'error')!;
      const event = openaiResponsesWire.streamErrorEvent({
        kind: 'error',
        status: 429,
        error: 'rate_limit',
        message: 'Rate limit reached.',
      });
      const { sequence_number: _sequence, ...recordedFields } = recorded;
      expect(event.event).toBe('error');
      expect(fieldPaths(JSON.parse(event.data))).toEqual(fieldPaths(recordedFields));
      expect(JSON.parse(event.data).error).toMatchObject({
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached.',
      });
    });
  });

  describe('errorBody', () => {
    it('names input as the param of a context that is too long', () => {
      expect(
        openaiResponsesWire.errorBody({
          kind: 'error',
          status: 400,
          error: 'context_length',
          message: 'Too long.',
        }),
      ).toEqual({
        error: {
          message: 'Too long.',
          type: 'invalid_request_error',
          param: 'input',
          code: 'context_length_exceeded',
        },
      });
    });
  });
});
