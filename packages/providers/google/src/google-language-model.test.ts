import type { ModelRequest, ModelStreamPart, ToolChoice } from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ask,
  bodyOf,
  collect,
  startGoogleKit,
  type GoogleTestKit,
} from '../test/google-emulator.js';

let kit: GoogleTestKit;

beforeEach(async () => {
  kit = await startGoogleKit();
});

afterEach(async () => {
  await kit.close();
});

const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city.',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

function types(parts: readonly ModelStreamPart[]): string[] {
  return parts.map((part) => part.type);
}

function textOf(parts: readonly ModelStreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
}

describe('GoogleLanguageModel', () => {
  describe('generate', () => {
    it('returns the text, finish reason, usage and response id', async () => {
      kit.emulator.enqueue({
        text: 'Io, Europa and Ganymede.',
        usage: { inputTokens: 12, outputTokens: 7 },
      });
      const response = await kit.model().generate(ask('Name three moons of Jupiter.'));
      expect(response.content).toEqual([{ type: 'text', text: 'Io, Europa and Ganymede.' }]);
      expect(response.finishReason).toBe('stop');
      expect(response.usage).toEqual({
        inputTokens: 12,
        outputTokens: 7,
        totalTokens: 19,
        cachedInputTokens: 0,
        reasoningTokens: 0,
      });
      expect(response.response?.modelId).toBe('gemini-3.5-flash');
      expect(response.response?.id).toEqual(expect.any(String));
    });

    it('calls generateContent on the model named in the path, with the key in x-goog-api-key', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await kit.model('gemini-3.1-pro-preview').generate(ask('Hi'));
      const [request] = kit.emulator.requests;
      expect(request?.path).toBe('/google/v1beta/models/gemini-3.1-pro-preview:generateContent');
      expect(request?.stream).toBe(false);
      expect(request?.headers['x-goog-api-key']).toMatch(/^AIza/);
      expect(request?.headers['user-agent']).toMatch(/agentry-google\/\d+\.\d+\.\d+/);
    });

    it('normalises usage with cached and thought tokens', async () => {
      kit.emulator.enqueue({
        text: 'Done.',
        usage: {
          inputTokens: 2000,
          outputTokens: 350,
          cachedInputTokens: 1500,
          reasoningTokens: 300,
        },
      });
      const { usage } = await kit.model().generate(ask('Summarise the document.'));
      expect(usage).toEqual({
        inputTokens: 2000,
        outputTokens: 350,
        totalTokens: 2350,
        cachedInputTokens: 1500,
        reasoningTokens: 300,
      });
    });

    it.each([
      ['length', 'length'],
      ['content-filter', 'content-filter'],
      ['stop', 'stop'],
    ] as const)('normalises the finish reason of a %s stop', async (scripted, expected) => {
      kit.emulator.enqueue({ text: 'Partial', finishReason: scripted });
      const response = await kit.model().generate(ask('Go on.'));
      expect(response.finishReason).toBe(expected);
    });

    it('keeps the raw finish reason and safety ratings in the provider metadata', async () => {
      kit.emulator.enqueue({ text: 'Here is', refusal: 'Stopped for safety.' });
      const response = await kit.model().generate(ask('Tell me.'));
      expect(response.finishReason).toBe('content-filter');
      expect(response.providerMetadata?.['google']).toMatchObject({
        finishReason: 'SAFETY',
        safetyRatings: [expect.objectContaining({ blocked: true })],
      });
    });
  });

  describe('stream', () => {
    it('streams text as start, deltas and end, then response-end with usage', async () => {
      kit.emulator.enqueue({
        text: 'It is sunny in Oslo.',
        usage: { inputTokens: 8, outputTokens: 6 },
      });
      const parts = await collect(kit.model().stream(ask('Weather in Oslo?')));
      expect(types(parts)).toEqual([
        'text-start',
        'text-delta',
        'text-delta',
        'text-delta',
        'text-delta',
        'text-delta',
        'text-end',
        'response-end',
      ]);
      expect(textOf(parts)).toBe('It is sunny in Oslo.');
      const ids = new Set(parts.flatMap((part) => ('id' in part ? [part.id] : [])));
      expect(ids.size).toBe(1);
      expect(parts.at(-1)).toMatchObject({
        type: 'response-end',
        finishReason: 'stop',
        usage: { inputTokens: 8, outputTokens: 6, totalTokens: 14 },
        response: { modelId: 'gemini-3.5-flash' },
      });
    });

    it('calls streamGenerateContent with alt=sse', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await collect(kit.model().stream(ask('Hi')));
      const [request] = kit.emulator.requests;
      expect(request?.path).toBe('/google/v1beta/models/gemini-3.5-flash:streamGenerateContent');
      expect(request?.query).toEqual({ alt: 'sse' });
    });

    it('streams a long answer of 500 chunks in order', async () => {
      const words = Array.from({ length: 500 }, (_, index) => `w${String(index)} `);
      kit.emulator.enqueue({ text: words.join(''), textChunks: 500 });
      const parts = await collect(kit.model().stream(ask('Count.')));
      expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(500);
      expect(textOf(parts)).toBe(words.join(''));
      expect(parts.at(-1)?.type).toBe('response-end');
    });

    it('uses the last chunk usage, which Gemini reports as running totals', async () => {
      kit.emulator.enqueue({
        text: 'one two three four',
        usage: { inputTokens: 40, outputTokens: 90, cachedInputTokens: 30, reasoningTokens: 80 },
      });
      const parts = await collect(kit.model().stream(ask('Count.')));
      expect(parts.at(-1)).toMatchObject({
        type: 'response-end',
        usage: {
          inputTokens: 40,
          outputTokens: 90,
          totalTokens: 130,
          cachedInputTokens: 30,
          reasoningTokens: 80,
        },
      });
    });
  });

  describe('conversation', () => {
    it('sends the system prompt and system messages as systemInstruction, and turns as user and model contents', async () => {
      kit.emulator.enqueue({ text: 'Paris.' });
      await kit.model().generate({
        system: 'Answer in one word.',
        messages: [
          { role: 'system', content: 'Be exact.' },
          { role: 'user', content: [{ type: 'text', text: 'Capital of Italy?' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Rome.' }] },
          { role: 'user', content: [{ type: 'text', text: 'And of France?' }] },
        ],
      });
      const body = bodyOf(kit.emulator);
      expect(body['systemInstruction']).toEqual({
        parts: [{ text: 'Answer in one word.' }, { text: 'Be exact.' }],
      });
      expect(body['contents']).toEqual([
        { role: 'user', parts: [{ text: 'Capital of Italy?' }] },
        { role: 'model', parts: [{ text: 'Rome.' }] },
        { role: 'user', parts: [{ text: 'And of France?' }] },
      ]);
    });

    it('sends the sampling parameters and provider options in generationConfig', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await kit.model().generate(
        ask('Hi', {
          parameters: { temperature: 0.2, maxTokens: 256, topP: 0.9, stop: ['END'], seed: 7 },
          providerOptions: {
            google: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true }, topK: 20 },
          },
        }),
      );
      expect(bodyOf(kit.emulator)['generationConfig']).toEqual({
        temperature: 0.2,
        maxOutputTokens: 256,
        topP: 0.9,
        stopSequences: ['END'],
        seed: 7,
        topK: 20,
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      });
    });

    it('sends call options headers with the request', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await kit.model().generate(ask('Hi'), { headers: { 'x-trace-id': 'trace-42' } });
      expect(kit.emulator.requests[0]?.headers['x-trace-id']).toBe('trace-42');
    });
  });

  describe('tools', () => {
    it('sends tools as function declarations with their JSON Schema', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await kit.model().generate(ask('Weather?', { tools: [weatherTool] }));
      expect(bodyOf(kit.emulator)['tools']).toEqual([
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'The weather in a city.',
              parametersJsonSchema: weatherTool.inputSchema,
            },
          ],
        },
      ]);
    });

    it.each<[ToolChoice, Record<string, unknown>]>([
      ['auto', { mode: 'AUTO' }],
      ['none', { mode: 'NONE' }],
      ['required', { mode: 'ANY' }],
      [
        { type: 'tool', toolName: 'get_weather' },
        { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
      ],
    ])('sends tool choice %j as function calling config %j', async (toolChoice, expected) => {
      kit.emulator.enqueue({ text: 'ok' });
      await kit.model().generate(ask('Weather?', { tools: [weatherTool], toolChoice }));
      expect(bodyOf(kit.emulator)['toolConfig']).toEqual({ functionCallingConfig: expected });
    });

    it('returns parallel function calls with their call ids and tool-calls as finish reason', async () => {
      kit.emulator.enqueue({
        toolCalls: [
          { id: 'fc-oslo', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { id: 'fc-rome', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      });
      const response = await kit.model().generate(ask('Oslo and Rome?', { tools: [weatherTool] }));
      expect(response.finishReason).toBe('tool-calls');
      expect(response.content).toEqual([
        {
          type: 'tool-call',
          toolCallId: 'fc-oslo',
          toolName: 'get_weather',
          input: '{"city":"Oslo"}',
        },
        {
          type: 'tool-call',
          toolCallId: 'fc-rome',
          toolName: 'get_weather',
          input: '{"city":"Rome"}',
        },
      ]);
    });

    it('streams each whole function call as start, one delta with the arguments, and end', async () => {
      kit.emulator.enqueue({
        toolCalls: [
          { id: 'fc-oslo', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { id: 'fc-rome', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      });
      const parts = await collect(
        kit.model().stream(ask('Oslo and Rome?', { tools: [weatherTool] })),
      );
      expect(parts.filter((part) => part.type.startsWith('tool-call'))).toEqual([
        { type: 'tool-call-start', toolCallId: 'fc-oslo', toolName: 'get_weather' },
        { type: 'tool-call-delta', toolCallId: 'fc-oslo', delta: '{"city":"Oslo"}' },
        {
          type: 'tool-call-end',
          toolCallId: 'fc-oslo',
          toolName: 'get_weather',
          input: '{"city":"Oslo"}',
        },
        { type: 'tool-call-start', toolCallId: 'fc-rome', toolName: 'get_weather' },
        { type: 'tool-call-delta', toolCallId: 'fc-rome', delta: '{"city":"Rome"}' },
        {
          type: 'tool-call-end',
          toolCallId: 'fc-rome',
          toolName: 'get_weather',
          input: '{"city":"Rome"}',
        },
      ]);
      expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'tool-calls' });
    });

    it('assembles calls streamed in partialArgs pieces into one call each, with their names', async () => {
      const calls = [
        { id: 'fc-oslo', name: 'get_weather', arguments: '{"city":"Oslo, Norway","days":3}' },
        {
          id: 'fc-rome',
          name: 'plan_trip',
          arguments: '{"stops":[{"city":"Rome","nights":2}],"rail":true,"note":null}',
        },
      ];
      kit.emulator.enqueue({ toolCalls: calls, partialArguments: true, argumentChunks: 4 });
      const parts = await collect(
        kit.model().stream(ask('Oslo and Rome?', { tools: [weatherTool] })),
      );
      const ends = parts.filter((part) => part.type === 'tool-call-end');
      expect(ends.map((part) => [part.toolCallId, part.toolName])).toEqual([
        ['fc-oslo', 'get_weather'],
        ['fc-rome', 'plan_trip'],
      ]);
      expect(ends.map((part) => JSON.parse(part.input) as unknown)).toEqual(
        calls.map((call) => JSON.parse(call.arguments) as unknown),
      );
      expect(parts.filter((part) => part.type === 'tool-call-start')).toHaveLength(2);
      expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'tool-calls' });
    });

    it('refuses a function call without a name rather than passing it on', async () => {
      kit.emulator.enqueue({
        kind: 'error',
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        body: `data: ${JSON.stringify({
          candidates: [
            {
              content: { role: 'model', parts: [{ functionCall: { args: { city: 'Oslo' } } }] },
              finishReason: 'STOP',
              index: 0,
            },
          ],
          responseId: 'r-1',
        })}\n\n`,
      });
      const error = await collect(kit.model().stream(ask('Oslo?'))).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({ code: 'provider_unavailable' });
      expect((error as Error).message).toContain('without a name');
      kit.emulator.enqueue({
        kind: 'error',
        status: 200,
        body: {
          candidates: [
            {
              content: { role: 'model', parts: [{ functionCall: { args: { city: 'Oslo' } } }] },
              finishReason: 'STOP',
              index: 0,
            },
          ],
        },
      });
      await expect(kit.model().generate(ask('Oslo?'))).rejects.toMatchObject({
        code: 'provider_unavailable',
      });
    });

    it('gives calls without a Gemini id the stable ids call_0, call_1, … in generate and stream', async () => {
      const withoutIds = {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
                { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
              ],
            },
            finishReason: 'STOP',
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 10, totalTokenCount: 15 },
      };
      // A raw body stands in for an older model that sends no call ids.
      kit.emulator.enqueue({ kind: 'error', status: 200, body: withoutIds });
      const response = await kit.model().generate(ask('Oslo and Rome?'));
      expect(
        response.content.map((part) => (part.type === 'tool-call' ? part.toolCallId : part.type)),
      ).toEqual(['call_0', 'call_1']);
    });

    it('passes arguments that are not a JSON object through as they came', async () => {
      kit.emulator.enqueue({
        toolCalls: [{ id: 'fc-cut', name: 'get_weather', arguments: '{"city": "Os' }],
        finishReason: 'length',
      });
      const parts = await collect(kit.model().stream(ask('Weather?', { tools: [weatherTool] })));
      expect(parts.find((part) => part.type === 'tool-call-end')).toMatchObject({
        input: '{"city": "Os',
      });
    });

    it('sends calls and results back with their ids and tool names, results as output or error', async () => {
      kit.emulator.enqueue({ text: 'Oslo is 4 °C; Rome failed.' });
      const request: ModelRequest = {
        tools: [weatherTool],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Oslo and Rome?' }] },
          {
            role: 'assistant',
            content: [
              {
                type: 'tool-call',
                toolCallId: 'fc-oslo',
                toolName: 'get_weather',
                input: '{"city":"Oslo"}',
              },
              {
                type: 'tool-call',
                toolCallId: 'fc-rome',
                toolName: 'get_weather',
                input: '{"city":"Rome"}',
              },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'fc-oslo',
                toolName: 'get_weather',
                output: { celsius: 4 },
              },
              {
                type: 'tool-result',
                toolCallId: 'fc-rome',
                toolName: 'get_weather',
                output: 'service down',
                isError: true,
              },
            ],
          },
        ],
      };
      const parts = await collect(kit.model().stream(request));
      expect(textOf(parts)).toBe('Oslo is 4 °C; Rome failed.');
      expect(bodyOf(kit.emulator)['contents']).toEqual([
        { role: 'user', parts: [{ text: 'Oslo and Rome?' }] },
        {
          role: 'model',
          parts: [
            {
              functionCall: { id: 'fc-oslo', name: 'get_weather', args: { city: 'Oslo' } },
              thoughtSignature: 'skip_thought_signature_validator',
            },
            { functionCall: { id: 'fc-rome', name: 'get_weather', args: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                id: 'fc-oslo',
                name: 'get_weather',
                response: { output: { celsius: 4 } },
              },
            },
            {
              functionResponse: {
                id: 'fc-rome',
                name: 'get_weather',
                response: { error: 'service down' },
              },
            },
          ],
        },
      ]);
    });
  });

  describe('thinking', () => {
    it('streams thoughts as reasoning, and keeps the thought signature of a call for the next turn', async () => {
      kit.emulator.enqueue({
        reasoning: 'The user wants the weather.',
        toolCalls: [{ id: 'fc-1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
      });
      const parts = await collect(
        kit.model().stream(ask('Weather in Oslo?', { tools: [weatherTool] })),
      );
      expect(types(parts)).toEqual([
        'reasoning-start',
        'reasoning-delta',
        'reasoning-delta',
        'reasoning-delta',
        'reasoning-delta',
        'reasoning-delta',
        'reasoning-end',
        'reasoning-start',
        'reasoning-end',
        'tool-call-start',
        'tool-call-delta',
        'tool-call-end',
        'response-end',
      ]);
      const signed = parts.filter((part) => part.type === 'reasoning-end')[1];
      const signature =
        signed?.type === 'reasoning-end'
          ? (signed.providerMetadata?.['google']?.['thoughtSignature'] as string)
          : undefined;
      expect(signature).toEqual(expect.any(String));

      kit.emulator.enqueue({ text: 'It is 4 °C.' });
      await kit.model().generate({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
          {
            role: 'assistant',
            content: [
              {
                type: 'reasoning',
                text: '',
                providerMetadata: { google: { thoughtSignature: signature } },
              },
              {
                type: 'tool-call',
                toolCallId: 'fc-1',
                toolName: 'get_weather',
                input: '{"city":"Oslo"}',
              },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'fc-1', toolName: 'get_weather', output: 4 },
            ],
          },
        ],
      });
      const contents = bodyOf(kit.emulator, 1)['contents'] as { parts: unknown[] }[];
      expect(contents[1]?.parts).toEqual([
        {
          functionCall: { id: 'fc-1', name: 'get_weather', args: { city: 'Oslo' } },
          thoughtSignature: signature,
        },
      ]);
    });

    it('returns thoughts as reasoning and the text signature as an empty reasoning part after the text', async () => {
      kit.emulator.enqueue({ reasoning: 'Think it over.', text: 'Forty-two.' });
      const response = await kit.model().generate(ask('The answer?'));
      expect(response.content).toEqual([
        { type: 'reasoning', text: 'Think it over.' },
        { type: 'text', text: 'Forty-two.' },
        {
          type: 'reasoning',
          text: '',
          providerMetadata: { google: { thoughtSignature: expect.any(String) } },
        },
      ]);
    });

    it('sends a signed thought back as a thought part and a lone signature as an empty signed part', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await kit.model().generate({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Q' }] },
          {
            role: 'assistant',
            content: [
              {
                type: 'reasoning',
                text: 'Hmm.',
                providerMetadata: { google: { thoughtSignature: 'c2lnMQ==' } },
              },
              {
                type: 'reasoning',
                text: 'not from Gemini',
                providerMetadata: { anthropic: { signature: 'x' } },
              },
              { type: 'text', text: 'A' },
              {
                type: 'reasoning',
                text: '',
                providerMetadata: { google: { thoughtSignature: 'c2lnMg==' } },
              },
            ],
          },
          { role: 'user', content: [{ type: 'text', text: 'Q2' }] },
        ],
      });
      const contents = bodyOf(kit.emulator)['contents'] as { parts: unknown[] }[];
      expect(contents[1]?.parts).toEqual([
        { text: 'Hmm.', thought: true, thoughtSignature: 'c2lnMQ==' },
        { text: 'A' },
        { text: '', thoughtSignature: 'c2lnMg==' },
      ]);
    });
  });

  describe('images', () => {
    it('sends bytes and data URLs as inlineData, and http(s) and gs URLs as fileData', async () => {
      kit.emulator.enqueue({ text: 'Two cats.' });
      await kit.model().generate({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', image: new Uint8Array([137, 80, 78, 71]), mediaType: 'image/png' },
              { type: 'image', image: 'data:image/jpeg;base64,/9j/4AAQ' },
              { type: 'image', image: 'https://example.com/cat.webp' },
              { type: 'image', image: 'gs://bucket/cat.png', mediaType: 'image/png' },
              { type: 'image', image: 'iVBORw0KGgo=', mediaType: 'image/png' },
            ],
          },
        ],
      });
      const contents = bodyOf(kit.emulator)['contents'] as { parts: unknown[] }[];
      expect(contents[0]?.parts).toEqual([
        { text: 'What is in these?' },
        { inlineData: { mimeType: 'image/png', data: 'iVBORw==' } },
        { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
        { fileData: { fileUri: 'https://example.com/cat.webp', mimeType: 'image/webp' } },
        { fileData: { fileUri: 'gs://bucket/cat.png', mimeType: 'image/png' } },
        { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      ]);
    });

    it('refuses image bytes without a media type before any request', async () => {
      const failure = kit.model().generate({
        messages: [{ role: 'user', content: [{ type: 'image', image: new Uint8Array([1, 2]) }] }],
      });
      await expect(failure).rejects.toMatchObject({
        code: 'invalid_request',
        details: { path: ['messages', 0, 'content', 0] },
      });
      expect(kit.emulator.requests).toHaveLength(0);
    });
  });

  describe('structured output', () => {
    it('asks for JSON with responseMimeType and responseJsonSchema', async () => {
      const schema = {
        type: 'object',
        properties: { name: { type: 'string' }, moons: { type: 'integer' } },
        required: ['name', 'moons'],
      };
      kit.emulator.enqueue({ text: '{"name":"Jupiter","moons":95}' });
      const response = await kit
        .model()
        .generate(
          ask('Jupiter as JSON.', { responseFormat: { type: 'json', schema, name: 'planet' } }),
        );
      expect(response.content).toEqual([{ type: 'text', text: '{"name":"Jupiter","moons":95}' }]);
      expect(bodyOf(kit.emulator)['generationConfig']).toEqual({
        responseMimeType: 'application/json',
        responseJsonSchema: schema,
      });
    });
  });
});
