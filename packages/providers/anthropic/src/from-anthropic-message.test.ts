import { describe, expect, it } from 'vitest';
import { useEmulator, userRequest } from '../test/anthropic-test-kit.js';
import { recordedMessage, replay } from '../test/recordings.js';

const kit = useEmulator();

describe('fromAnthropicMessage', () => {
  describe('recorded messages', () => {
    it('returns the recorded text message with its usage, finish reason and ids', async () => {
      kit.emulator.enqueue(replay('anthropic-text', false));
      const response = await kit.model().generate(userRequest('How are you?'));
      expect(response).toEqual({
        content: [{ type: 'text', text: recordedMessage('anthropic-text').content[0].text }],
        finishReason: 'stop',
        usage: { inputTokens: 12, outputTokens: 29, totalTokens: 41 },
        response: { id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ', modelId: 'claude-sonnet-4-5-20250929' },
      });
    });

    it('returns the recorded tool call without arguments as input {}', async () => {
      kit.emulator.enqueue(replay('anthropic-tool-no-args', false));
      const response = await kit.model().generate(userRequest('Update the issues.'));
      expect(response.content).toEqual([
        { type: 'text', text: expect.stringContaining('update the current issue list') },
        {
          type: 'tool-call',
          toolCallId: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1',
          toolName: 'updateIssueList',
          input: '{}',
        },
      ]);
      expect(response.finishReason).toBe('tool-calls');
    });

    it('returns the recorded tool call input as JSON text', async () => {
      kit.emulator.enqueue(replay('anthropic-json-tool.1', false));
      const response = await kit.model().generate(userRequest('Weather?'));
      const call = response.content[0];
      expect(call).toMatchObject({ type: 'tool-call', toolName: 'json' });
      expect(JSON.parse(call?.type === 'tool-call' ? call.input : '')).toEqual(
        recordedMessage('anthropic-json-tool.1').content[0].input,
      );
    });

    it('returns the recorded refusal as finish reason content-filter with its stop details', async () => {
      kit.emulator.enqueue(replay('anthropic-refusal', false));
      const response = await kit.model().generate(userRequest('Something refused.'));
      expect(response.content).toEqual([]);
      expect(response.finishReason).toBe('content-filter');
      expect(response.providerMetadata).toEqual({
        anthropic: { stopDetails: recordedMessage('anthropic-refusal').stop_details },
      });
    });
  });

  describe('emulated messages', () => {
    it('returns what the recording returns for the same text', async () => {
      const recorded = recordedMessage('anthropic-text');
      kit.emulator.enqueue({
        text: recorded.content[0].text,
        usage: { inputTokens: 12, outputTokens: 29 },
      });
      const response = await kit.model().generate(userRequest('How are you?'));
      expect(response).toMatchObject({
        content: [{ type: 'text', text: recorded.content[0].text }],
        finishReason: 'stop',
        usage: { inputTokens: 12, outputTokens: 29, totalTokens: 41 },
      });
    });

    it('returns reasoning first, with its signature for the next turn', async () => {
      kit.emulator.enqueue({
        reasoning: 'The user greets me.',
        text: 'Hello!',
        usage: { outputTokens: 20, reasoningTokens: 6 },
      });
      const response = await kit.model().generate(userRequest('Hi'));
      expect(response.content).toEqual([
        {
          type: 'reasoning',
          text: 'The user greets me.',
          providerMetadata: { anthropic: { signature: expect.any(String) } },
        },
        { type: 'text', text: 'Hello!' },
      ]);
      expect(response.usage).toMatchObject({ outputTokens: 20, reasoningTokens: 6 });
    });

    it('returns parallel tool calls in order with their arguments', async () => {
      kit.emulator.enqueue({
        toolCalls: [
          { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { id: 'toolu_b', name: 'get_weather', arguments: '{"city":"Lima"}' },
        ],
      });
      const response = await kit.model().generate(userRequest('Weather in Oslo and Lima?'));
      expect(response.content).toEqual([
        {
          type: 'tool-call',
          toolCallId: 'toolu_a',
          toolName: 'get_weather',
          input: '{"city":"Oslo"}',
        },
        {
          type: 'tool-call',
          toolCallId: 'toolu_b',
          toolName: 'get_weather',
          input: '{"city":"Lima"}',
        },
      ]);
      expect(response.finishReason).toBe('tool-calls');
    });

    it('counts cached prompt tokens in the input and reports them apart', async () => {
      kit.emulator.enqueue({
        text: 'Cached.',
        usage: { inputTokens: 2048, cachedInputTokens: 2000, outputTokens: 3 },
      });
      const response = await kit.model().generate(userRequest('Again'));
      expect(response.usage).toEqual({
        inputTokens: 2048,
        cachedInputTokens: 2000,
        outputTokens: 3,
        totalTokens: 2051,
      });
    });

    it('returns structured output as JSON text', async () => {
      kit.emulator.enqueue({ text: '{"name":"Oslo","population":709000}' });
      const response = await kit.model().generate(
        userRequest('A city.', {
          responseFormat: {
            type: 'json',
            schema: { type: 'object', properties: { name: { type: 'string' } } },
          },
        }),
      );
      const text = response.content[0]?.type === 'text' ? response.content[0].text : '';
      expect(JSON.parse(text)).toEqual({ name: 'Oslo', population: 709000 });
    });

    it.each([
      ['stop', 'stop'],
      ['length', 'length'],
      ['tool-calls', 'tool-calls'],
      ['content-filter', 'content-filter'],
    ] as const)('reports the finish reason %s', async (scripted, expected) => {
      kit.emulator.enqueue({ text: 'x', finishReason: scripted });
      expect((await kit.model().generate(userRequest('Hi'))).finishReason).toBe(expected);
    });
  });
});
