import type { ModelMessage, ModelStreamPart, ToolSpec } from '@agentry/core';
import { startEmulator } from '@agentry/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  ask,
  bodyOf,
  collect,
  failureOf,
  testKey,
  textOf,
  useEmulator,
  user,
} from '../test/openai-test-kit.js';
import { createOpenAI } from './create-openai.js';

const kit = useEmulator();

const weatherTool: ToolSpec = {
  name: 'weather',
  description: 'The weather in a city.',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};
const looseTool: ToolSpec = {
  name: 'search',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
};

const types = (parts: readonly ModelStreamPart[]) => parts.map((part) => part.type);

describe.each(['responses', 'chat'] as const)('createOpenAI (api %s)', (api) => {
  const model = (id = 'gpt-5.4-mini', options = {}) => kit.provider(api, options).createModel(id);

  describe('generate', () => {
    it('returns the text, the finish reason, the usage and the response id', async () => {
      kit.emulator.enqueue({ text: 'Hello there', usage: { inputTokens: 12, outputTokens: 3 } });
      const response = await model().generate(ask('Hi'));
      expect(response.content).toEqual([{ type: 'text', text: 'Hello there' }]);
      expect(response.finishReason).toBe('stop');
      expect(response.usage).toMatchObject({ inputTokens: 12, outputTokens: 3, totalTokens: 15 });
      expect(response.response?.modelId).toBe('gpt-5.4-mini');
      expect(response.response?.id).toMatch(api === 'chat' ? /^chatcmpl-/ : /^resp_/);
      expect(kit.emulator.requests[0]?.stream).toBe(false);
    });

    it('reports cached and reasoning tokens', async () => {
      kit.emulator.enqueue({
        text: 'Done',
        usage: {
          inputTokens: 2000,
          outputTokens: 300,
          cachedInputTokens: 1536,
          reasoningTokens: 256,
        },
      });
      expect((await model().generate(ask('Hi'))).usage).toEqual({
        inputTokens: 2000,
        outputTokens: 300,
        totalTokens: 2300,
        cachedInputTokens: 1536,
        reasoningTokens: 256,
      });
    });

    it('returns parallel tool calls with their arguments as the model wrote them', async () => {
      kit.emulator.enqueue({
        toolCalls: [
          { id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'weather', arguments: '{"city": "Os' },
        ],
      });
      const response = await model().generate(ask('Weather?', { tools: [weatherTool] }));
      expect(response.content).toEqual([
        { type: 'tool-call', toolCallId: 'call_a', toolName: 'weather', input: '{"city":"Paris"}' },
        { type: 'tool-call', toolCallId: 'call_b', toolName: 'weather', input: '{"city": "Os' },
      ]);
      expect(response.finishReason).toBe('tool-calls');
    });

    it('reports a stop at the token limit as length', async () => {
      kit.emulator.enqueue({ text: 'Cut sh', finishReason: 'length' });
      expect((await model().generate(ask('Hi'))).finishReason).toBe('length');
    });

    it('returns a refusal as the answer, with finish reason content-filter', async () => {
      kit.emulator.enqueue({ refusal: 'I cannot help with that.' });
      const response = await model().generate(ask('Something bad'));
      expect(response.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
      expect(response.finishReason).toBe('content-filter');
    });
  });

  describe('stream', () => {
    it('streams text as one block, then one response-end', async () => {
      kit.emulator.enqueue({
        text: 'Hello there, friend',
        usage: { inputTokens: 9, outputTokens: 4 },
      });
      const parts = await collect(model().stream(ask('Hi')));
      expect(types(parts)).toEqual([
        'text-start',
        'text-delta',
        'text-delta',
        'text-delta',
        'text-end',
        'response-end',
      ]);
      expect(textOf(parts)).toBe('Hello there, friend');
      expect(parts.at(-1)).toMatchObject({
        type: 'response-end',
        finishReason: 'stop',
        usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 },
      });
      expect(kit.emulator.requests[0]?.stream).toBe(true);
    });

    it('streams parallel tool calls with arguments split across many chunks', async () => {
      const paris = '{"city":"Paris","unit":"celsius","days":3}';
      const oslo = '{"city":"Oslo","unit":"fahrenheit","days":1}';
      kit.emulator.enqueue({
        toolCalls: [
          { id: 'call_1', name: 'weather', arguments: paris },
          { id: 'call_2', name: 'weather', arguments: oslo },
        ],
        argumentChunks: 12,
      });
      const parts = await collect(model().stream(ask('Weather?', { tools: [weatherTool] })));
      const deltas = (id: string) =>
        parts.flatMap((part) =>
          part.type === 'tool-call-delta' && part.toolCallId === id ? [part.delta] : [],
        );
      expect(deltas('call_1')).toHaveLength(12);
      expect(deltas('call_1').join('')).toBe(paris);
      expect(deltas('call_2').join('')).toBe(oslo);
      expect(parts.filter((part) => part.type === 'tool-call-start')).toEqual([
        { type: 'tool-call-start', toolCallId: 'call_1', toolName: 'weather' },
        { type: 'tool-call-start', toolCallId: 'call_2', toolName: 'weather' },
      ]);
      expect(parts.filter((part) => part.type === 'tool-call-end')).toEqual([
        { type: 'tool-call-end', toolCallId: 'call_1', toolName: 'weather', input: paris },
        { type: 'tool-call-end', toolCallId: 'call_2', toolName: 'weather', input: oslo },
      ]);
      expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'tool-calls' });
    });

    it('sends all 500 pieces of a long stream in order', async () => {
      const words = Array.from({ length: 500 }, (_, index) => `w${index} `);
      kit.emulator.enqueue({ text: words.join(''), textChunks: 500 });
      const parts = await collect(model().stream(ask('Count')));
      expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(500);
      expect(textOf(parts)).toBe(words.join(''));
      expect(parts.at(-1)?.type).toBe('response-end');
    });

    it('streams a refusal as text, with finish reason content-filter', async () => {
      kit.emulator.enqueue({ refusal: 'I cannot help with that.' });
      const parts = await collect(model().stream(ask('Something bad')));
      expect(textOf(parts)).toBe('I cannot help with that.');
      expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'content-filter' });
    });

    it('starts the request on the first next(), not when stream() is called', async () => {
      kit.emulator.enqueue({ text: 'Later' });
      const iterable = model().stream(ask('Hi'));
      expect(kit.emulator.requests).toHaveLength(0);
      expect(textOf(await collect(iterable))).toBe('Later');
    });
  });

  describe('requests', () => {
    it('makes exactly one HTTP request per call, also when it fails', async () => {
      kit.emulator.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 503 });
      const subject = model();
      await failureOf(subject.generate(ask('Hi')));
      await failureOf(collect(subject.stream(ask('Hi'))));
      expect(kit.emulator.requests).toHaveLength(2);
      expect(kit.emulator.pending).toBe(0);
    });

    it('sends the key as a bearer token and the call headers', async () => {
      kit.emulator.enqueue({ text: 'Hi' });
      await model().generate(ask('Hi'), { headers: { 'x-trace-id': 'trace-123' } });
      const { headers } = kit.emulator.requests[0]!;
      expect(headers.authorization).toBe(`Bearer ${testKey()}`);
      expect(headers['x-trace-id']).toBe('trace-123');
      expect(headers['x-stainless-retry-count']).toBe('0');
      expect(headers['user-agent']).toContain('agentry-openai/');
    });

    it('sends the system instructions', async () => {
      kit.emulator.enqueue({ text: 'Ahoy' });
      await model().generate(ask('Hi', { system: 'Talk like a pirate.' }));
      const body = bodyOf(kit.emulator);
      if (api === 'chat') {
        expect(body.messages[0]).toEqual({ role: 'system', content: 'Talk like a pirate.' });
      } else {
        expect(body.instructions).toBe('Talk like a pirate.');
      }
    });

    it('sends a whole conversation with tool calls and their results', async () => {
      const messages: ModelMessage[] = [
        user('Weather in Paris and Oslo?'),
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            {
              type: 'tool-call',
              toolCallId: 'call_1',
              toolName: 'weather',
              input: '{"city":"Paris"}',
            },
            {
              type: 'tool-call',
              toolCallId: 'call_2',
              toolName: 'weather',
              input: '{"city":"Oslo"}',
            },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_1',
              toolName: 'weather',
              output: { celsius: 21 },
            },
            {
              type: 'tool-result',
              toolCallId: 'call_2',
              toolName: 'weather',
              output: 'timeout',
              isError: true,
            },
          ],
        },
      ];
      kit.emulator.enqueue({ text: 'Paris is 21 °C; Oslo did not answer.' });
      const response = await model().generate({ messages, tools: [weatherTool] });
      expect(response.content).toEqual([
        { type: 'text', text: 'Paris is 21 °C; Oslo did not answer.' },
      ]);
      const body = bodyOf(kit.emulator);
      if (api === 'chat') {
        expect(body.messages.slice(1)).toEqual([
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'weather', arguments: '{"city":"Paris"}' },
              },
              {
                id: 'call_2',
                type: 'function',
                function: { name: 'weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"celsius":21}' },
          { role: 'tool', tool_call_id: 'call_2', content: 'Error: timeout' },
        ]);
      } else {
        expect(body.input.slice(1)).toEqual([
          { role: 'assistant', content: 'Checking.' },
          {
            type: 'function_call',
            call_id: 'call_1',
            name: 'weather',
            arguments: '{"city":"Paris"}',
          },
          {
            type: 'function_call',
            call_id: 'call_2',
            name: 'weather',
            arguments: '{"city":"Oslo"}',
          },
          { type: 'function_call_output', call_id: 'call_1', output: '{"celsius":21}' },
          { type: 'function_call_output', call_id: 'call_2', output: 'Error: timeout' },
        ]);
      }
    });

    it('sends tools as JSON Schema, strict when the schema allows it, and the tool choice', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await model().generate(
        ask('Hi', {
          tools: [weatherTool, looseTool],
          toolChoice: { type: 'tool', toolName: 'weather' },
        }),
      );
      const body = bodyOf(kit.emulator);
      if (api === 'chat') {
        expect(body.tools).toEqual([
          {
            type: 'function',
            function: {
              name: 'weather',
              description: 'The weather in a city.',
              parameters: weatherTool.inputSchema,
              strict: true,
            },
          },
          { type: 'function', function: { name: 'search', parameters: looseTool.inputSchema } },
        ]);
        expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'weather' } });
      } else {
        expect(body.tools).toEqual([
          {
            type: 'function',
            name: 'weather',
            description: 'The weather in a city.',
            parameters: weatherTool.inputSchema,
            strict: true,
          },
          { type: 'function', name: 'search', parameters: looseTool.inputSchema, strict: false },
        ]);
        expect(body.tool_choice).toEqual({ type: 'function', name: 'weather' });
      }
    });

    it('sends images by URL and by bytes as a data URL', async () => {
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
      kit.emulator.enqueue({ text: 'A cat and a dot.' });
      await model().generate({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', image: 'https://example.com/cat.jpg' },
              { type: 'image', image: png },
            ],
          },
        ],
      });
      const dataUrl = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
      const body = bodyOf(kit.emulator);
      if (api === 'chat') {
        expect(body.messages[0].content).toEqual([
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'image_url', image_url: { url: dataUrl } },
        ]);
      } else {
        expect(body.input[0].content).toEqual([
          { type: 'input_text', text: 'What is in these?' },
          { type: 'input_image', detail: 'auto', image_url: 'https://example.com/cat.jpg' },
          { type: 'input_image', detail: 'auto', image_url: dataUrl },
        ]);
      }
    });

    it('asks for structured output with the native JSON schema format', async () => {
      const schema = {
        type: 'object',
        properties: { answer: { type: 'number' } },
        required: ['answer'],
        additionalProperties: false,
      };
      kit.emulator.enqueue({ text: '{"answer":42}' });
      const response = await model().generate(
        ask('The answer?', { responseFormat: { type: 'json', schema, name: 'the answer' } }),
      );
      expect(response.content).toEqual([{ type: 'text', text: '{"answer":42}' }]);
      const body = bodyOf(kit.emulator);
      const format = { type: 'json_schema', name: 'the_answer', schema, strict: true };
      if (api === 'chat') {
        expect(body.response_format).toEqual({
          type: 'json_schema',
          json_schema: { name: 'the_answer', schema, strict: true },
        });
      } else {
        expect(body.text).toEqual({ format });
      }
    });

    it('passes provider options through over the built body', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await model().generate(
        ask('Hi', {
          providerOptions: { openai: { service_tier: 'flex', user: 'u-1' }, anthropic: { x: 1 } },
        }),
      );
      expect(bodyOf(kit.emulator)).toMatchObject({ service_tier: 'flex', user: 'u-1' });
      expect(bodyOf(kit.emulator)).not.toHaveProperty('x');
    });

    it('leaves sampling parameters out for reasoning models unless reasoning is off', async () => {
      kit.emulator.enqueue({ text: 'a' }, { text: 'b' });
      const subject = model('gpt-5.4');
      await subject.generate(ask('Hi', { parameters: { temperature: 0.2, topP: 0.9 } }));
      expect(bodyOf(kit.emulator)).not.toHaveProperty('temperature');
      const off = api === 'chat' ? { reasoning_effort: 'none' } : { reasoning: { effort: 'none' } };
      await subject.generate(
        ask('Hi', { parameters: { temperature: 0.2 }, providerOptions: { openai: off } }),
      );
      expect(bodyOf(kit.emulator).temperature).toBe(0.2);
    });

    it('refuses images for a model without vision before any request', async () => {
      const subject = kit.provider(api, {
        models: [
          {
            name: 'text-only',
            capabilities: {
              maxTokens: 1000,
              supportsStreaming: true,
              supportsFunctions: true,
              supportsVision: false,
              maxConcurrency: 1,
            },
          },
        ],
      });
      const error = await failureOf(
        subject.createModel('text-only').generate({
          messages: [
            { role: 'user', content: [{ type: 'image', image: 'https://example.com/a.png' }] },
          ],
        }),
      );
      expect(error.code).toBe('invalid_request');
      expect(kit.emulator.requests).toHaveLength(0);
    });
  });

  describe('malformed and stalled streams', () => {
    /** How many events come before the first text delta. */
    const beforeText = api === 'chat' ? 1 : 4;

    /** A stream's parts and how it failed: its iterator's error, or its `error` part. */
    async function outcome(stream: AsyncIterable<ModelStreamPart>) {
      const parts: ModelStreamPart[] = [];
      try {
        for await (const part of stream) parts.push(part);
      } catch (error) {
        return { parts, error: error as { code?: string; message?: string }, thrown: true };
      }
      const last = parts.at(-1);
      return { parts, error: last?.type === 'error' ? last.error : undefined, thrown: false };
    }

    it('ends a stream that stalls after some parts with timeout, keeping them partial', async () => {
      kit.emulator.enqueue({ text: 'one two three four', stallAfterChunks: beforeText + 2 });
      const { parts, error, thrown } = await outcome(
        model('gpt-5.4-mini', { timeout: 150 }).stream(ask('Count')),
      );
      expect(thrown).toBe(false);
      expect(error?.code).toBe('timeout');
      expect(error?.message).toContain('150 ms');
      expect(textOf(parts)).toBe('one two ');
    });

    it('throws timeout when the stream stalls before its first part', async () => {
      kit.emulator.enqueue({ text: 'one two', stallAfterChunks: 0 });
      const { error, thrown } = await outcome(
        model('gpt-5.4-mini', { timeout: 150 }).stream(ask('Count')),
      );
      expect(thrown).toBe(true);
      expect(error?.code).toBe('timeout');
    });

    it('does not count the time the consumer spends between parts', async () => {
      kit.emulator.enqueue({ text: 'one two three' });
      const parts: ModelStreamPart[] = [];
      for await (const part of model('gpt-5.4-mini', { timeout: 150 }).stream(ask('Count'))) {
        parts.push(part);
        if (part.type === 'text-start') await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(parts.at(-1)?.type).toBe('response-end');
    });

    it('refuses a second response spliced into the stream with provider_unavailable', async () => {
      kit.emulator.enqueue({
        text: 'Partial answer',
        textChunks: 2,
        splice: { afterChunks: beforeText + 1, reply: { text: 'Fresh answer.' } },
      });
      const { parts, error, thrown } = await outcome(model().stream(ask('Hi')));
      expect(thrown).toBe(false);
      expect(error?.code).toBe('provider_unavailable');
      expect(textOf(parts)).toBe('Partial');
      expect(parts.some((part) => part.type === 'response-end')).toBe(false);
    });

    it('reads events with id, retry, comment and unknown fields before their data', async () => {
      kit.emulator.enqueue({
        text: 'one two three',
        sseFields: ['id: {n}', 'retry: 3000', ': proxied', 'x-proxy: edge'],
      });
      const parts = await collect(model().stream(ask('Hi')));
      expect(textOf(parts)).toBe('one two three');
      expect(parts.at(-1)?.type).toBe('response-end');
    });
  });

  describe('aborts', () => {
    it('closes the socket and ends with aborted when the signal aborts mid-stream', async () => {
      // Its own emulator and pool, so that no other test's keep-alive sockets are counted.
      const emulator = await startEmulator();
      const provider = createOpenAI({
        api,
        apiKey: testKey(),
        endpoint: emulator.baseURL(api === 'chat' ? 'openai-chat' : 'openai-responses'),
      });
      try {
        emulator.enqueue({
          text: 'one two three four five six seven eight nine ten',
          chunkDelayMs: 100,
        });
        const controller = new AbortController();
        const parts: ModelStreamPart[] = [];
        let thrown: unknown;
        try {
          for await (const part of provider.createModel('gpt-5.4-mini').stream(ask('Count'), {
            signal: controller.signal,
          })) {
            parts.push(part);
            if (part.type === 'text-delta') controller.abort();
          }
        } catch (error) {
          thrown = error;
        }
        const last = parts.at(-1);
        const failure = last?.type === 'error' ? last.error : thrown;
        expect(failure).toMatchObject({ code: 'aborted' });
        expect(textOf(parts)).toBe('one ');
        await vi.waitFor(() => expect(emulator.openConnections).toBe(0), { timeout: 2000 });
      } finally {
        await provider.close();
        await emulator.close();
      }
    });

    it('fails with aborted, making no request, when the signal has already aborted', async () => {
      const error = await failureOf(model().generate(ask('Hi'), { signal: AbortSignal.abort() }));
      expect(error.code).toBe('aborted');
      expect(kit.emulator.requests).toHaveLength(0);
    });
  });
});

describe('createOpenAI (api responses)', () => {
  describe('reasoning', () => {
    it('streams the reasoning summary and keeps what sends it back', async () => {
      kit.emulator.enqueue({
        reasoning: 'Paris first, then Oslo.',
        toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }],
      });
      const parts = await collect(
        kit
          .provider('responses')
          .createModel('gpt-5.4')
          .stream(ask('Weather?', { tools: [weatherTool] })),
      );
      const reasoning = parts
        .flatMap((part) => (part.type === 'reasoning-delta' ? [part.delta] : []))
        .join('');
      expect(reasoning).toBe('Paris first, then Oslo.');
      const end = parts.find((part) => part.type === 'reasoning-end');
      expect(end).toMatchObject({
        providerMetadata: {
          openai: {
            itemId: expect.stringMatching(/^rs_/),
            functionCallItemIds: { call_1: expect.stringMatching(/^fc_/) },
          },
        },
      });
    });

    it('sends reasoning back with its paired function call, encrypted when OpenAI does not store it', async () => {
      const provider = kit.provider('responses');
      const model = provider.createModel('gpt-5.4');
      const store = { openai: { store: false } };
      kit.emulator.enqueue(
        {
          reasoning: 'Look it up.',
          toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{}' }],
        },
        { text: 'Sunny.' },
      );
      const first = await model.generate(
        ask('Weather?', { tools: [weatherTool], providerOptions: store }),
      );
      expect(bodyOf(kit.emulator).include).toEqual(['reasoning.encrypted_content']);
      const [reasoning] = first.content;
      expect(reasoning).toMatchObject({
        type: 'reasoning',
        providerMetadata: { openai: { encryptedContent: expect.any(String) } },
      });
      await model.generate({
        messages: [
          user('Weather?'),
          { role: 'assistant', content: first.content },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: 'sun' },
            ],
          },
        ],
        tools: [weatherTool],
        providerOptions: store,
      });
      const metadata = (reasoning as any).providerMetadata.openai;
      expect(bodyOf(kit.emulator).input.slice(1, 3)).toEqual([
        {
          type: 'reasoning',
          id: metadata.itemId,
          summary: [{ type: 'summary_text', text: 'Look it up.' }],
          encrypted_content: metadata.encryptedContent,
        },
        {
          type: 'function_call',
          call_id: 'call_1',
          name: 'weather',
          arguments: '{}',
          id: metadata.functionCallItemIds.call_1,
        },
      ]);
    });

    it('refuses stop sequences, which the Responses API does not have', async () => {
      const error = await failureOf(
        kit
          .provider('responses')
          .createModel('gpt-5.4-mini')
          .generate(ask('Hi', { parameters: { stop: ['END'] } })),
      );
      expect(error.code).toBe('invalid_request');
      expect(error.suggestions.join(' ')).toContain("api: 'chat'");
      expect(kit.emulator.requests).toHaveLength(0);
    });

    it('sends the parameters it has', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      await kit
        .provider('responses')
        .createModel('gpt-4.1')
        .generate(
          ask('Hi', { parameters: { temperature: 0.3, topP: 0.8, maxTokens: 99, seed: 7 } }),
        );
      expect(bodyOf(kit.emulator)).toMatchObject({
        temperature: 0.3,
        top_p: 0.8,
        max_output_tokens: 99,
      });
      expect(bodyOf(kit.emulator)).not.toHaveProperty('seed');
    });
  });
});

describe('createOpenAI (api chat)', () => {
  it('sends every parameter, the token limit as max_completion_tokens to OpenAI', async () => {
    kit.emulator.enqueue({ text: 'ok' });
    await kit
      .provider('chat')
      .createModel('gpt-4.1')
      .generate(
        ask('Hi', {
          parameters: { temperature: 0.3, topP: 0.8, maxTokens: 99, stop: ['END'], seed: 7 },
        }),
      );
    expect(bodyOf(kit.emulator)).toMatchObject({
      temperature: 0.3,
      top_p: 0.8,
      max_completion_tokens: 99,
      stop: ['END'],
      seed: 7,
    });
  });

  it('serves an unknown model id on an OpenAI-compatible server, with max_tokens', async () => {
    const provider = kit.provider('chat', {
      endpoint: `${kit.emulator.url}/openai/v1`,
      apiKey: 'ollama',
    });
    const model = provider.createModel('llama3.3:70b');
    expect(model.capabilities).toMatchObject({ supportsVision: false, supportsStreaming: true });
    kit.emulator.enqueue({ text: 'Hello from a local model' });
    const parts = await collect(model.stream(ask('Hi', { parameters: { maxTokens: 50 } })));
    expect(textOf(parts)).toBe('Hello from a local model');
    expect(kit.emulator.requests[0]?.model).toBe('llama3.3:70b');
    expect(bodyOf(kit.emulator).max_tokens).toBe(50);
    expect(kit.emulator.requests[0]?.headers.authorization).toBe('Bearer ollama');
  });
});
