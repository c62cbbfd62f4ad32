import { describe, expect, it } from 'vitest';
import type { EmulatorErrorType, EmulatorRequest, NormalizedReply } from '../emulator-types.js';
import { googleWire } from './google.js';
import {
  keysOf,
  normalizedReply,
  payloadsOf as parsed,
  recordedBody as recorded,
  recordedEvents as recordedStream,
} from './__fixtures__/wire-test-kit.js';

const recordedBody = (name: string) => recorded('google', name);
const recordedEvents = (name: string) => recordedStream('google', name);

function request(overrides: Partial<EmulatorRequest> = {}): EmulatorRequest {
  return {
    api: 'google',
    method: 'POST',
    path: '/google/v1beta/models/gemini-3-pro-preview:generateContent',
    query: {},
    headers: {},
    body: {},
    model: 'gemini-3-pro-preview',
    stream: false,
    ...overrides,
  };
}

const reply = (overrides: Partial<NormalizedReply> = {}): NormalizedReply =>
  normalizedReply({
    usage: {
      inputTokens: 9,
      outputTokens: 30,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
    },
    id: 'bH6LaZW8Fp',
    ...overrides,
  });

function candidateOf(body: unknown): Record<string, unknown> {
  const candidates = (body as { candidates?: Record<string, unknown>[] }).candidates;
  const first = candidates?.[0];
  if (first === undefined) throw new Error('no candidate');
  return first;
}

function partsOf(body: unknown): Record<string, unknown>[] {
  const content = candidateOf(body)['content'] as { parts?: Record<string, unknown>[] } | undefined;
  return content?.parts ?? [];
}

function usageMetadataOf(body: unknown): Record<string, unknown> {
  return (body as { usageMetadata: Record<string, unknown> }).usageMetadata;
}

/** Drops the fields only Vertex AI sends (`trafficType`, `createTime`), which the SDK ignores. */
function withoutVertexFields(body: Record<string, unknown>): Record<string, unknown> {
  const { createTime: _createTime, ...rest } = body;
  const usage = rest['usageMetadata'] as Record<string, unknown> | undefined;
  if (usage === undefined) return rest;
  const { trafficType: _trafficType, ...usageRest } = usage;
  return { ...rest, usageMetadata: usageRest };
}

/**
 * Drops the call ids the API has sent since 2026, which the older recordings lack, so that the
 * rest of the shape can be compared with them.
 */
function withoutCallIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCallIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      if (key !== 'functionCall' || typeof child !== 'object' || child === null) {
        return [key, withoutCallIds(child)];
      }
      const { id: _id, ...call } = child as Record<string, unknown>;
      return [key, call];
    }),
  );
}

const query = (text = ''): URLSearchParams => new URLSearchParams(text);

describe('googleWire', () => {
  describe('match', () => {
    it.each([
      ['/v1beta/models/gemini-3.5-flash:generateContent', '', false, 'gemini-3.5-flash'],
      [
        '/v1beta/models/gemini-3.1-pro-preview:streamGenerateContent',
        'alt=sse',
        true,
        'gemini-3.1-pro-preview',
      ],
      ['/v1/models/gemini-2.5-flash-lite:generateContent', '', false, 'gemini-2.5-flash-lite'],
      [
        '/v1alpha/models/gemini-3-flash-preview:streamGenerateContent',
        'alt=sse',
        true,
        'gemini-3-flash-preview',
      ],
    ])('serves POST %s?%s, reading the model from the path', (path, search, stream, model) => {
      expect(googleWire.match('POST', path, query(search), {})).toEqual({ stream, model });
    });

    it.each([
      ['GET', '/v1beta/models/gemini-3.5-flash:generateContent', ''],
      ['POST', '/v1beta/models/gemini-3.5-flash:countTokens', ''],
      ['POST', '/v1beta/models/gemini-3.5-flash', ''],
      ['POST', '/v1beta/models/gemini-3.5-flash:streamGenerateContent', ''],
      ['POST', '/v1/chat/completions', ''],
    ])('does not serve %s %s?%s', (method, path, search) => {
      expect(googleWire.match(method, path, query(search), {})).toBeUndefined();
    });
  });

  describe('replyBody', () => {
    it('renders text with the keys of the recorded response, signed when the model thought', () => {
      const body = googleWire.replyBody(
        reply({
          text: 'There are 3 rs.',
          usage: {
            inputTokens: 9,
            outputTokens: 272,
            cachedInputTokens: 0,
            cacheWriteInputTokens: 0,
            reasoningTokens: 244,
          },
        }),
        request(),
      );
      expect(keysOf(body)).toEqual(keysOf(recordedBody('google-text')));
      expect(partsOf(body)[0]?.['text']).toBe('There are 3 rs.');
      expect(candidateOf(body)['finishReason']).toBe('STOP');
      expect(body).toMatchObject({
        modelVersion: 'gemini-3-pro-preview',
        responseId: 'bH6LaZW8Fp',
      });
    });

    it('renders a function call with the keys of the recorded response', () => {
      const body = googleWire.replyBody(
        reply({
          toolCalls: [
            {
              id: 'call_1',
              name: 'weather',
              arguments: '{"location":"San Francisco"}',
              argumentChunks: ['{"location":"San Francisco"}'],
            },
          ],
          finishReason: 'tool-calls',
          usage: {
            inputTokens: 29,
            outputTokens: 908,
            cachedInputTokens: 0,
            cacheWriteInputTokens: 0,
            reasoningTokens: 893,
          },
        }),
        request(),
      );
      expect(keysOf(withoutCallIds(body))).toEqual(keysOf(recordedBody('google-tool-call')));
      expect(partsOf(body)[0]?.['functionCall']).toEqual({
        id: 'call_1',
        name: 'weather',
        args: { location: 'San Francisco' },
      });
      expect(candidateOf(body)['finishReason']).toBe('STOP');
    });

    it('puts reasoning in a thought part before the text and signs the first function call', () => {
      const body = googleWire.replyBody(
        reply({
          reasoning: 'Think first.',
          text: 'Calling both.',
          toolCalls: [
            { id: 'a', name: 'one', arguments: '{}', argumentChunks: ['{}'] },
            { id: 'b', name: 'two', arguments: '{"x":1}', argumentChunks: ['{"x":1}'] },
          ],
          finishReason: 'tool-calls',
        }),
        request(),
      );
      const parts = partsOf(body);
      expect(parts.map((part) => Object.keys(part).sort())).toEqual([
        ['text', 'thought'],
        ['text'],
        ['functionCall', 'thoughtSignature'],
        ['functionCall'],
      ]);
      expect(parts[0]).toMatchObject({ text: 'Think first.', thought: true });
      expect(typeof parts[2]?.['thoughtSignature']).toBe('string');
    });

    it('sends arguments that are not a JSON object as the raw text', () => {
      const body = googleWire.replyBody(
        reply({
          toolCalls: [{ id: 'a', name: 'broken', arguments: '{"city": "Os', argumentChunks: [] }],
          finishReason: 'tool-calls',
        }),
        request(),
      );
      expect(partsOf(body)[0]?.['functionCall']).toEqual({
        id: 'a',
        name: 'broken',
        args: '{"city": "Os',
      });
    });

    it.each([
      ['length', 'MAX_TOKENS'],
      ['stop', 'STOP'],
      ['tool-calls', 'STOP'],
      ['content-filter', 'SAFETY'],
    ] as const)('renders finish reason %s as %s', (finishReason, expected) => {
      const body = googleWire.replyBody(reply({ text: 'x', finishReason }), request());
      expect(candidateOf(body)['finishReason']).toBe(expected);
    });

    it('reports usage as Gemini splits it: thoughts apart from candidates, cached tokens in the prompt', () => {
      const body = googleWire.replyBody(
        reply({
          text: 'Hi',
          usage: {
            inputTokens: 1200,
            outputTokens: 50,
            cachedInputTokens: 1000,
            cacheWriteInputTokens: 0,
            reasoningTokens: 20,
          },
        }),
        request(),
      );
      expect(usageMetadataOf(body)).toMatchObject({
        promptTokenCount: 1200,
        candidatesTokenCount: 30,
        thoughtsTokenCount: 20,
        cachedContentTokenCount: 1000,
        totalTokenCount: 1250,
      });
    });

    it('answers a refusal with a SAFETY candidate without content', () => {
      const body = googleWire.replyBody(
        reply({ refusal: 'No.', finishReason: 'content-filter' }),
        request(),
      );
      expect(candidateOf(body)).toEqual({
        finishReason: 'SAFETY',
        index: 0,
        finishMessage: 'No.',
        safetyRatings: [expect.objectContaining({ blocked: true })],
      });
    });

    it('signs the same reply alike in every response', () => {
      const thinking = reply({ reasoning: 'Hmm.', text: 'Yes.' });
      const first = googleWire.replyBody({ ...thinking, id: 'one' }, request());
      const second = googleWire.replyBody({ ...thinking, id: 'two' }, request());
      const streamed = parsed(
        googleWire.replyEvents(
          { ...thinking, id: 'three', reasoningChunks: ['Hmm.'], textChunks: ['Yes.'] },
          request({ stream: true }),
        ),
      );
      const signature = partsOf(first)[1]?.['thoughtSignature'];
      expect(signature).toEqual(expect.any(String));
      expect(partsOf(second)[1]?.['thoughtSignature']).toBe(signature);
      expect(partsOf(streamed.at(-1))[0]?.['thoughtSignature']).toBe(signature);
    });

    it('stops a candidate for safety after partial text, with the refusal as its finish message', () => {
      const body = googleWire.replyBody(
        reply({ text: 'Here is how', refusal: 'Blocked.', finishReason: 'content-filter' }),
        request(),
      );
      expect(candidateOf(body)).toMatchObject({
        finishReason: 'SAFETY',
        finishMessage: 'Blocked.',
      });
      expect(partsOf(body)[0]?.['text']).toBe('Here is how');
    });
  });

  describe('replyEvents', () => {
    it('streams text with the keys of the recorded chunks, the signature on the empty last part', () => {
      const events = parsed(
        googleWire.replyEvents(
          reply({
            text: 'There are 3 rs.',
            textChunks: ['There are ', '3 rs.'],
            usage: {
              inputTokens: 9,
              outputTokens: 208,
              cachedInputTokens: 0,
              cacheWriteInputTokens: 0,
              reasoningTokens: 185,
            },
          }),
          request({ stream: true }),
        ),
      );
      expect(events.map(keysOf)).toEqual(recordedEvents('google-text').map(keysOf));
      expect(events.map((event) => partsOf(event)[0]?.['text'])).toEqual([
        'There are ',
        '3 rs.',
        '',
      ]);
      expect(candidateOf(events[2])['finishReason']).toBe('STOP');
      expect(usageMetadataOf(events[2])).toMatchObject({
        candidatesTokenCount: 23,
        thoughtsTokenCount: 185,
      });
    });

    it('streams each function call as one whole part, as the recorded stream does', () => {
      const events = parsed(
        googleWire.replyEvents(
          reply({
            toolCalls: [
              {
                id: 'call_1',
                name: 'weather',
                arguments: '{"location":"San Francisco"}',
                argumentChunks: ['{"location":', '"San Francisco"}'],
              },
            ],
            finishReason: 'tool-calls',
            usage: {
              inputTokens: 29,
              outputTokens: 60,
              cachedInputTokens: 0,
              cacheWriteInputTokens: 0,
              reasoningTokens: 45,
            },
          }),
          request({ stream: true }),
        ),
      );
      expect(events.map((event) => keysOf(withoutCallIds(event)))).toEqual(
        recordedEvents('google-tool-call').map(keysOf),
      );
      expect(partsOf(events[0])[0]?.['functionCall']).toEqual({
        id: 'call_1',
        name: 'weather',
        args: { location: 'San Francisco' },
      });
    });

    it('streams the parallel calls of the recorded Vertex AI stream as whole calls, without partial arguments', () => {
      const recordedCalls = recordedEvents('google-stream-tool-call-arguments')
        .map(withoutVertexFields)
        .flatMap((event) => partsOf(event))
        .map((part) => part['functionCall'] as Record<string, unknown>)
        .filter((call) => typeof call['name'] === 'string');
      const events = parsed(
        googleWire.replyEvents(
          reply({
            toolCalls: recordedCalls.map((call, index) => ({
              id: `call_${String(index)}`,
              name: String(call['name']),
              arguments: index === 0 ? '{"location":"Boston"}' : '{"location":"San Francisco"}',
              argumentChunks: [],
            })),
            finishReason: 'tool-calls',
          }),
          request({ stream: true }),
        ),
      );
      const calls = events
        .flatMap((event) => partsOf(event))
        .filter((part) => 'functionCall' in part);
      expect(calls.map((part) => part['functionCall'])).toEqual([
        { id: 'call_0', name: 'getWeather', args: { location: 'Boston' } },
        { id: 'call_1', name: 'getWeather', args: { location: 'San Francisco' } },
      ]);
      expect(JSON.stringify(events)).not.toContain('partialArgs');
    });

    it('streams calls in partialArgs pieces, as the recorded Vertex AI stream does, when asked', () => {
      const recordedCalls = recordedEvents('google-stream-tool-call-arguments')
        .flatMap((event) => partsOf(event))
        .map((part) => part['functionCall']);
      const events = parsed(
        googleWire.replyEvents(
          reply({
            toolCalls: [
              {
                id: 'call_0',
                name: 'getWeather',
                arguments: '{"location":"Boston"}',
                argumentChunks: ['{"location":"Boston"}'],
              },
              {
                id: 'call_1',
                name: 'getWeather',
                arguments: '{"location":"San Francisco"}',
                argumentChunks: ['{"location":"San ', 'Francisco"}'],
              },
            ],
            finishReason: 'tool-calls',
            partialArguments: true,
          }),
          request({ stream: true }),
        ),
      );
      const calls = events
        .flatMap((event) => partsOf(event))
        .filter((part) => 'functionCall' in part)
        .map((part) => part['functionCall']);
      // Each piece has the keys of a recorded piece (the ids aside, which Vertex AI leaves out).
      const recordedKeys = recordedCalls.map((call) => JSON.stringify(keysOf(call)));
      for (const call of calls) {
        const { id: _id, ...rest } = call as Record<string, unknown>;
        expect(recordedKeys).toContain(JSON.stringify(keysOf(rest)));
      }
      expect(calls).toEqual([
        { id: 'call_0', name: 'getWeather', willContinue: true },
        {
          partialArgs: [{ jsonPath: '$.location', stringValue: 'Boston' }],
          willContinue: true,
        },
        {},
        { id: 'call_1', name: 'getWeather', willContinue: true },
        {
          partialArgs: [{ jsonPath: '$.location', stringValue: 'San Fra', willContinue: true }],
          willContinue: true,
        },
        { partialArgs: [{ jsonPath: '$.location', stringValue: 'ncisco' }], willContinue: true },
        {},
      ]);
    });

    it('streams thoughts first, with their token count whole once they are sent', () => {
      const events = parsed(
        googleWire.replyEvents(
          reply({
            reasoning: 'Let me think.',
            reasoningChunks: ['Let me ', 'think.'],
            text: 'Done.',
            textChunks: ['Done.'],
            usage: {
              inputTokens: 9,
              outputTokens: 40,
              cachedInputTokens: 0,
              cacheWriteInputTokens: 0,
              reasoningTokens: 20,
            },
          }),
          request({ stream: true }),
        ),
      );
      expect(events.map((event) => partsOf(event)[0])).toEqual([
        { text: 'Let me ', thought: true },
        { text: 'think.', thought: true },
        { text: 'Done.' },
        expect.objectContaining({ text: '' }),
      ]);
      expect(usageMetadataOf(events[1])['thoughtsTokenCount']).toBe(20);
      expect(usageMetadataOf(events[3])).toMatchObject({
        candidatesTokenCount: 20,
        totalTokenCount: 49,
      });
    });

    it('streams a refusal as a last chunk stopped for safety, without content', () => {
      const events = parsed(
        googleWire.replyEvents(
          reply({ refusal: 'No.', finishReason: 'content-filter' }),
          request({ stream: true }),
        ),
      );
      expect(events).toHaveLength(1);
      expect(candidateOf(events[0])).toMatchObject({ finishReason: 'SAFETY' });
      expect(candidateOf(events[0])).not.toHaveProperty('content');
    });
  });

  describe('errorBody', () => {
    const failure = (
      status: number,
      error: EmulatorErrorType,
      message = 'Something failed.',
      headers?: Record<string, string>,
    ) => ({ kind: 'error' as const, status, error, message, ...(headers ? { headers } : {}) });

    it('renders a 429 with the keys of the recorded body and a RetryInfo of 12 s', () => {
      const body = googleWire.errorBody(failure(429, 'rate_limit', 'You exceeded your quota.'));
      const recorded = recordedBody('google-429-retry-info') as { error: Record<string, unknown> };
      expect(Object.keys((body as { error: object }).error).sort()).toEqual(
        Object.keys(recorded.error).sort(),
      );
      expect(body).toMatchObject({
        error: {
          code: 429,
          status: 'RESOURCE_EXHAUSTED',
          message: 'You exceeded your quota.',
          details: expect.arrayContaining([
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' },
          ]) as unknown,
        },
      });
    });

    it('takes the RetryInfo delay from a scripted retry-after header', () => {
      const body = googleWire.errorBody(
        failure(429, 'rate_limit', 'Slow down.', { 'Retry-After': '3' }),
      );
      expect(JSON.stringify(body)).toContain('"retryDelay":"3s"');
    });

    it.each([
      [400, 'invalid_request', 'INVALID_ARGUMENT'],
      [401, 'authentication', 'UNAUTHENTICATED'],
      [403, 'permission', 'PERMISSION_DENIED'],
      [404, 'not_found', 'NOT_FOUND'],
      [500, 'server', 'INTERNAL'],
      [503, 'overloaded', 'UNAVAILABLE'],
      [504, 'server', 'DEADLINE_EXCEEDED'],
    ] as const)('gives status %i (%s) the canonical status %s', (status, error, expected) => {
      expect(googleWire.errorBody(failure(status, error))).toMatchObject({
        error: { code: status, status: expected },
      });
    });

    it('answers a bad key with status 400 as the API does: INVALID_ARGUMENT with API_KEY_INVALID', () => {
      const body = googleWire.errorBody(failure(400, 'authentication', 'API key not valid.'));
      expect(body).toMatchObject({
        error: { status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] },
      });
    });

    it('always words a context length failure as the API does', () => {
      const body = googleWire.errorBody(failure(400, 'context_length', 'Too long.'));
      expect(body).toMatchObject({
        error: {
          status: 'INVALID_ARGUMENT',
          message: expect.stringMatching(/input token count/) as unknown,
        },
      });
    });

    it('marks a content filter failure with an ErrorInfo of reason SAFETY', () => {
      expect(googleWire.errorBody(failure(400, 'content_filter'))).toMatchObject({
        error: { details: [{ reason: 'SAFETY' }] },
      });
    });
  });

  describe('streamErrorEvent', () => {
    it('sends the error object as a data event, which the SDK turns into an ApiError', () => {
      const event = googleWire.streamErrorEvent({
        kind: 'error',
        status: 503,
        error: 'overloaded',
        message: 'The model is overloaded.',
      });
      expect(event.event).toBeUndefined();
      expect(JSON.parse(event.data)).toEqual({
        error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' },
      });
    });
  });
});
