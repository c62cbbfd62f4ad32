import type { ModelAssistantMessage, ReasoningPart } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { toResponsesRequest } from './to-responses-request.js';

const reasoning = (openai: Record<string, unknown> | undefined): ReasoningPart => ({
  type: 'reasoning',
  text: 'Think.',
  ...(openai === undefined ? {} : { providerMetadata: { openai } }),
});
const call = { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: '{}' } as const;
const linked = { itemId: 'rs_1', functionCallItemIds: { call_1: 'fc_1' } };

function inputFor(message: ModelAssistantMessage, providerOptions = {}) {
  return toResponsesRequest({ messages: [message], providerOptions }, 'gpt-5.4').input;
}

describe('toResponsesRequest', () => {
  describe('reasoning sent back', () => {
    it('sends a stored reasoning item by id with the function call it was paired with', () => {
      expect(inputFor({ role: 'assistant', content: [reasoning(linked), call] })).toEqual([
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Think.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{}', id: 'fc_1' },
      ]);
    });

    it('sends the message item id with the text that followed the reasoning', () => {
      const input = inputFor({
        role: 'assistant',
        content: [
          reasoning({ itemId: 'rs_1', messageItemId: 'msg_1' }),
          { type: 'text', text: 'Hi' },
        ],
      });
      expect(input).toEqual([
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Think.' }] },
        {
          type: 'message',
          id: 'msg_1',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Hi', annotations: [] }],
        },
      ]);
    });

    it.each([
      ['another provider', undefined, {}],
      ['a store: false call without encrypted content', linked, { openai: { store: false } }],
      [
        'a paired function call that is missing',
        { itemId: 'rs_1', functionCallItemIds: { call_9: 'fc_9' } },
        {},
      ],
    ])('leaves out reasoning from %s, and the item ids with it', (_name, metadata, options) => {
      const input = inputFor({ role: 'assistant', content: [reasoning(metadata), call] }, options);
      expect(input).toEqual([
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{}' },
      ]);
    });
  });

  it('asks for encrypted reasoning with store: false, keeping includes of its own', () => {
    const request = toResponsesRequest(
      {
        messages: [],
        providerOptions: { openai: { store: false, include: ['web_search_call.results'] } },
      },
      'gpt-5.4',
    );
    expect(request.include).toEqual(['web_search_call.results', 'reasoning.encrypted_content']);
    expect(request.store).toBe(false);
  });
});
