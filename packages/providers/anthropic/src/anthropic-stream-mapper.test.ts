import type { ModelStreamPart } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { collect, streamedText, useEmulator, userRequest } from '../test/anthropic-test-kit.js';
import { recordedEvents, replay } from '../test/recordings.js';

const kit = useEmulator();

const types = (parts: readonly ModelStreamPart[]): string[] => parts.map((part) => part.type);

describe('createAnthropicStreamMapper', () => {
  describe('recorded streams', () => {
    it('streams the recorded text as one text block and one response-end', async () => {
      kit.emulator.enqueue(replay('anthropic-text', true));
      const parts = await collect(kit.model().stream(userRequest('How are you?')));
      const deltas = recordedEvents('anthropic-text').flatMap((event) =>
        event['delta']?.type === 'text_delta' ? [event['delta'].text as string] : [],
      );
      expect(parts).toEqual([
        { type: 'text-start', id: 'text-0' },
        ...deltas.map((delta) => ({ type: 'text-delta', id: 'text-0', delta })),
        { type: 'text-end', id: 'text-0' },
        {
          type: 'response-end',
          finishReason: 'stop',
          usage: { inputTokens: 12, outputTokens: 30, totalTokens: 42 },
          response: { id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', modelId: 'claude-sonnet-4-5-20250929' },
        },
      ]);
    });

    it('streams the recorded tool call without arguments as a start and an end with input {}', async () => {
      kit.emulator.enqueue(replay('anthropic-tool-no-args', true));
      const parts = await collect(kit.model().stream(userRequest('Update the issues.')));
      expect(parts.filter((part) => part.type.startsWith('tool-call'))).toEqual([
        {
          type: 'tool-call-start',
          toolCallId: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP',
          toolName: 'updateIssueList',
        },
        {
          type: 'tool-call-end',
          toolCallId: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP',
          toolName: 'updateIssueList',
          input: '{}',
        },
      ]);
      expect(streamedText(parts)).toBe("I'll update the issue list for you.");
      expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'tool-calls' });
    });

    it('streams the recorded input_json_delta pieces as tool-call-delta parts', async () => {
      kit.emulator.enqueue(replay('anthropic-json-tool.1', true));
      const parts = await collect(kit.model().stream(userRequest('Weather?')));
      const pieces = recordedEvents('anthropic-json-tool.1').flatMap((event) =>
        event['delta']?.type === 'input_json_delta' && event['delta'].partial_json !== ''
          ? [event['delta'].partial_json as string]
          : [],
      );
      expect(parts.filter((part) => part.type === 'tool-call-delta')).toEqual(
        pieces.map((delta) => ({
          type: 'tool-call-delta',
          toolCallId: 'toolu_01KFbKqPYSuAKujiL6mTfzYA',
          delta,
        })),
      );
      expect(parts.find((part) => part.type === 'tool-call-end')).toMatchObject({
        input: pieces.join(''),
      });
    });

    it('ends the recorded refusal with finish reason content-filter and its stop details', async () => {
      kit.emulator.enqueue(replay('anthropic-refusal', true));
      const parts = await collect(kit.model().stream(userRequest('Something refused.')));
      expect(parts).toEqual([
        {
          type: 'response-end',
          finishReason: 'content-filter',
          usage: { inputTokens: 18, outputTokens: 5, totalTokens: 23 },
          response: { id: 'msg_01RefusalStreamAbcdefghijk', modelId: 'claude-fable-5' },
          providerMetadata: {
            anthropic: {
              stopDetails: expect.objectContaining({ type: 'refusal', category: 'cyber' }),
            },
          },
        },
      ]);
    });
  });

  describe('emulated streams', () => {
    it('streams what the recording streams for the same text', async () => {
      const deltas = recordedEvents('anthropic-text').flatMap((event) =>
        event['delta']?.type === 'text_delta' ? [event['delta'].text as string] : [],
      );
      kit.emulator.enqueue(replay('anthropic-text', true));
      const recorded = await collect(kit.model().stream(userRequest('How are you?')));
      kit.emulator.enqueue({
        text: deltas.join(''),
        textChunks: deltas.length,
        usage: { inputTokens: 12, outputTokens: 30 },
      });
      const emulated = await collect(kit.model().stream(userRequest('How are you?')));
      const withoutIds = (parts: ModelStreamPart[]) =>
        parts.map((part) => (part.type === 'response-end' ? { ...part, response: {} } : part));
      expect(types(emulated)).toEqual(types(recorded));
      expect(streamedText(emulated)).toBe(streamedText(recorded));
      expect(withoutIds(emulated).at(-1)).toEqual(withoutIds(recorded).at(-1));
    });

    it('streams parallel tool calls whose arguments arrive in many pieces', async () => {
      const oslo = '{"city":"Oslo","unit":"celsius","days":3}';
      const lima = '{"city":"Lima","unit":"fahrenheit","days":5}';
      kit.emulator.enqueue({
        toolCalls: [
          { id: 'toolu_a', name: 'get_weather', arguments: oslo },
          { id: 'toolu_b', name: 'get_weather', arguments: lima },
        ],
        argumentChunks: 12,
      });
      const parts = await collect(kit.model().stream(userRequest('Weather in Oslo and Lima?')));
      for (const [id, argumentsText] of [
        ['toolu_a', oslo],
        ['toolu_b', lima],
      ] as const) {
        const mine = parts.filter((part) => 'toolCallId' in part && part.toolCallId === id);
        const deltas = mine.flatMap((part) =>
          part.type === 'tool-call-delta' ? [part.delta] : [],
        );
        expect(deltas).toHaveLength(12);
        expect(deltas.join('')).toBe(argumentsText);
        expect(mine[0]).toEqual({
          type: 'tool-call-start',
          toolCallId: id,
          toolName: 'get_weather',
        });
        expect(mine.at(-1)).toEqual({
          type: 'tool-call-end',
          toolCallId: id,
          toolName: 'get_weather',
          input: argumentsText,
        });
      }
      expect(parts.at(-1)).toMatchObject({ type: 'response-end', finishReason: 'tool-calls' });
    });

    it('streams reasoning before the text and puts its signature on reasoning-end', async () => {
      kit.emulator.enqueue({ reasoning: 'They said hi.', text: 'Hello!', textChunks: 2 });
      const parts = await collect(kit.model().stream(userRequest('Hi')));
      expect(parts.slice(0, 4)).toEqual([
        { type: 'reasoning-start', id: 'reasoning-0' },
        { type: 'reasoning-delta', id: 'reasoning-0', delta: 'They sa' },
        { type: 'reasoning-delta', id: 'reasoning-0', delta: 'id hi.' },
        {
          type: 'reasoning-end',
          id: 'reasoning-0',
          providerMetadata: { anthropic: { signature: expect.any(String) } },
        },
      ]);
      expect(types(parts.slice(4))).toEqual([
        'text-start',
        'text-delta',
        'text-delta',
        'text-end',
        'response-end',
      ]);
    });

    it('reports cached prompt tokens in response-end', async () => {
      kit.emulator.enqueue({
        text: 'Cached.',
        usage: { inputTokens: 5000, cachedInputTokens: 4096, outputTokens: 4, reasoningTokens: 0 },
      });
      const parts = await collect(kit.model().stream(userRequest('Again')));
      expect(parts.at(-1)).toMatchObject({
        type: 'response-end',
        usage: { inputTokens: 5000, cachedInputTokens: 4096, outputTokens: 4, totalTokens: 5004 },
      });
    });

    it('streams 500 text pieces in order', async () => {
      const text = Array.from({ length: 500 }, (_, index) => `w${String(index)} `).join('');
      kit.emulator.enqueue({ text, textChunks: 500 });
      const parts = await collect(kit.model().stream(userRequest('Count.')));
      expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(500);
      expect(streamedText(parts)).toBe(text);
      expect(parts.at(-1)?.type).toBe('response-end');
      expect(kit.emulator.requests).toHaveLength(1);
    });
  });
});
