import type { ModelRequest, ToolSpec } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { MODEL_ID, rejection, useEmulator, userRequest } from '../test/anthropic-test-kit.js';

const kit = useEmulator();

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'The weather in a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** Sends a request and returns the JSON body the emulator received. */
async function sentBody(request: ModelRequest, modelId = MODEL_ID): Promise<Record<string, any>> {
  kit.emulator.enqueue({ text: 'ok' });
  await kit.model(modelId).generate(request);
  expect(kit.emulator.requests).toHaveLength(1);
  return kit.emulator.requests[0]?.body as Record<string, any>;
}

// A 1×1 transparent PNG.
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

describe('toAnthropicRequest', () => {
  describe('messages', () => {
    it('sends the model id, the catalogue output limit as max_tokens and one user turn', async () => {
      expect(await sentBody(userRequest('Hello'))).toEqual({
        model: MODEL_ID,
        max_tokens: 128_000,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
        stream: false,
      });
    });

    it('uses the default output limit for a model the catalogue does not list', async () => {
      expect(await sentBody(userRequest('Hi'), 'claude-next-7')).toMatchObject({
        model: 'claude-next-7',
        max_tokens: 64_000,
      });
    });

    it('puts system text and leading system messages in the top-level system', async () => {
      const body = await sentBody({
        system: 'Be brief.',
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
        ],
      });
      expect(body['system']).toBe('Be brief.\n\nAnswer in French.');
      expect(body['messages']).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
      ]);
    });

    it('keeps a system message later in the conversation in place', async () => {
      const body = await sentBody({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Hi.' }] },
          { role: 'system', content: 'From now on, answer in French.' },
          { role: 'user', content: [{ type: 'text', text: 'How are you?' }] },
        ],
      });
      expect(body['system']).toBeUndefined();
      expect(body['messages'].map((message: { role: string }) => message.role)).toEqual([
        'user',
        'assistant',
        'system',
        'user',
      ]);
    });

    it('sends a tool round trip as tool_use and tool_result blocks, merging turns of one role', async () => {
      const body = await sentBody({
        system: 'Use tools.',
        tools: [weather],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Lima?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Let me check.' },
              {
                type: 'tool-call',
                toolCallId: 'toolu_1',
                toolName: 'get_weather',
                input: '{"city":"Oslo"}',
              },
              {
                type: 'tool-call',
                toolCallId: 'toolu_2',
                toolName: 'get_weather',
                input: '{"city":"Lima"}',
              },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'toolu_1',
                toolName: 'get_weather',
                output: { celsius: 4 },
              },
              {
                type: 'tool-result',
                toolCallId: 'toolu_2',
                toolName: 'get_weather',
                output: 'The weather service is down.',
                isError: true,
              },
            ],
          },
          { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
        ],
      });
      expect(body['messages']).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Lima?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Lima' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"celsius":4}' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              content: 'The weather service is down.',
              is_error: true,
            },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ]);
    });

    it('puts tool results first in a merged user turn', async () => {
      const body = await sentBody({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Go on.' }] },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'toolu_1', toolName: 'f', output: 'done' },
            ],
          },
        ],
      });
      expect(body['messages']).toEqual([
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' },
            { type: 'text', text: 'Go on.' },
          ],
        },
      ]);
    });

    it('replays a call without arguments as an empty input and leaves out empty text', async () => {
      const body = await sentBody({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Update.' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: '' },
              { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'updateIssueList', input: '' },
            ],
          },
        ],
      });
      expect(body['messages'][1]).toEqual({
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'updateIssueList', input: {} }],
      });
    });

    it('replays signed reasoning as thinking blocks and drops reasoning without a signature', async () => {
      const body = await sentBody({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Think.' }] },
          {
            role: 'assistant',
            content: [
              {
                type: 'reasoning',
                text: 'Step one.',
                providerMetadata: { anthropic: { signature: 'c2lnbmF0dXJl' } },
              },
              {
                type: 'reasoning',
                text: '',
                providerMetadata: { anthropic: { redactedData: 'b3BhcXVl' } },
              },
              { type: 'reasoning', text: 'From another provider.' },
              { type: 'text', text: 'Done.' },
            ],
          },
          { role: 'user', content: [{ type: 'text', text: 'Again.' }] },
        ],
      });
      expect(body['messages'][1].content).toEqual([
        { type: 'thinking', thinking: 'Step one.', signature: 'c2lnbmF0dXJl' },
        { type: 'redacted_thinking', data: 'b3BhcXVl' },
        { type: 'text', text: 'Done.' },
      ]);
    });
  });

  describe('images', () => {
    it('sends an https URL as a URL source and bytes as a base64 source', async () => {
      const bytes = Uint8Array.from(Buffer.from(PNG_BASE64, 'base64'));
      const body = await sentBody({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image', image: 'https://example.com/cat.jpg' },
              { type: 'image', image: bytes, mediaType: 'image/png' },
              { type: 'image', image: PNG_BASE64, mediaType: 'image/png' },
              { type: 'image', image: `data:image/png;base64,${PNG_BASE64}` },
            ],
          },
        ],
      });
      const png = { type: 'base64', media_type: 'image/png', data: PNG_BASE64 };
      expect(body['messages'][0].content).toEqual([
        { type: 'text', text: 'What is in these?' },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        { type: 'image', source: png },
        { type: 'image', source: png },
        { type: 'image', source: png },
      ]);
    });

    it.each([
      ['bytes without a media type', { type: 'image', image: new Uint8Array([1, 2, 3]) }],
      [
        'a media type the API does not read',
        { type: 'image', image: PNG_BASE64, mediaType: 'image/tiff' },
      ],
      ['an http URL', { type: 'image', image: 'http://example.com/cat.jpg' }],
      ['a file URL', { type: 'image', image: 'file:///tmp/cat.jpg', mediaType: 'image/jpeg' }],
    ] as const)('refuses %s with invalid_request before any request', async (_name, image) => {
      const error = await rejection(
        kit.model().generate({ messages: [{ role: 'user', content: [{ ...image }] }] }),
      );
      expect(error.code).toBe('invalid_request');
      expect(error.details).toMatchObject({ path: 'messages[0].content[0]' });
      expect(kit.emulator.requests).toHaveLength(0);
    });
  });

  describe('tools', () => {
    it('sends tools with their input schemas and leaves tool_choice out unless asked', async () => {
      const body = await sentBody(userRequest('Weather?', { tools: [weather] }));
      expect(body['tools']).toEqual([
        {
          name: 'get_weather',
          description: 'The weather in a city.',
          input_schema: weather.inputSchema,
        },
      ]);
      expect(body['tool_choice']).toBeUndefined();
    });

    it.each([
      ['auto', { type: 'auto' }],
      ['none', { type: 'none' }],
      ['required', { type: 'any' }],
      [
        { type: 'tool', toolName: 'get_weather' },
        { type: 'tool', name: 'get_weather' },
      ],
    ] as const)('maps tool choice %j to %j', async (toolChoice, expected) => {
      const body = await sentBody(userRequest('Weather?', { tools: [weather], toolChoice }));
      expect(body['tool_choice']).toEqual(expected);
    });
  });

  describe('response format', () => {
    it('asks for JSON through output_config.format with the schema made strict', async () => {
      const body = await sentBody(
        userRequest('A city, please.', {
          responseFormat: {
            type: 'json',
            schema: {
              type: 'object',
              properties: { name: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
              required: ['name', 'population'],
            },
          },
        }),
      );
      expect(body['output_config']).toEqual({
        format: {
          type: 'json_schema',
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              population: { type: 'integer', description: '{minimum: 0}' },
            },
            additionalProperties: false,
            required: ['name', 'population'],
          },
        },
      });
      expect(body['tools']).toBeUndefined();
    });

    it('sends nothing for free text', async () => {
      const body = await sentBody(userRequest('Hi', { responseFormat: { type: 'text' } }));
      expect(body['output_config']).toBeUndefined();
    });
  });

  describe('parameters', () => {
    it('sends maxTokens and stop sequences, and leaves out the sampling parameters the API refuses', async () => {
      kit.emulator.enqueue({ text: 'ok' });
      const response = await kit.model().generate(
        userRequest('Hi', {
          parameters: { maxTokens: 300, stop: ['END'], temperature: 0.2, topP: 0.9, seed: 7 },
        }),
      );
      const body = kit.emulator.requests[0]?.body as Record<string, unknown>;
      expect(body).toMatchObject({ max_tokens: 300, stop_sequences: ['END'] });
      expect(body).not.toHaveProperty('temperature');
      expect(body).not.toHaveProperty('top_p');
      expect(response.providerMetadata).toEqual({
        anthropic: { ignoredParameters: ['temperature', 'topP', 'seed'] },
      });
    });

    it('merges providerOptions.anthropic over the request, output_config field by field', async () => {
      const body = await sentBody(
        userRequest('Think hard.', {
          responseFormat: { type: 'json', schema: { type: 'object', properties: {} } },
          providerOptions: {
            anthropic: {
              thinking: { type: 'adaptive' },
              output_config: { effort: 'high' },
              metadata: { user_id: 'user-42' },
            },
            openai: { store: false },
          },
        }),
      );
      expect(body).toMatchObject({
        thinking: { type: 'adaptive' },
        metadata: { user_id: 'user-42' },
        output_config: { effort: 'high', format: { type: 'json_schema' } },
      });
      expect(body).not.toHaveProperty('store');
    });
  });
});
