import { describe, expect, it } from 'vitest';
import type { EmulatorRequest } from './emulator-types.js';
import { normalizeReply } from './normalize-reply.js';

const request: EmulatorRequest = {
  api: 'openai-chat',
  method: 'POST',
  path: '/openai/v1/chat/completions',
  query: {},
  headers: {},
  body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] },
  model: 'gpt-4o',
  stream: true,
};

describe('normalizeReply', () => {
  it('splits text and reasoning into one piece per word that join back exactly', () => {
    const text = '  Hello,  wide\nworld! ';
    const reply = normalizeReply({ text, reasoning: 'Think first.' }, request);
    expect(reply.textChunks).toEqual(['  Hello,  ', 'wide\n', 'world! ']);
    expect(reply.textChunks.join('')).toBe(text);
    expect(reply.reasoningChunks).toEqual(['Think ', 'first.']);
    expect(reply.reasoning).toBe('Think first.');
  });

  it('splits into textChunks even pieces when asked, never splitting a character', () => {
    const reply = normalizeReply({ text: 'abcde', reasoning: '😀😀', textChunks: 2 }, request);
    expect(reply.textChunks).toEqual(['abc', 'de']);
    expect(reply.reasoningChunks).toEqual(['😀', '😀']);
    expect(normalizeReply({ text: 'ab', textChunks: 5 }, request).textChunks).toEqual(['a', 'b']);
  });

  it('has no pieces for missing text', () => {
    const reply = normalizeReply({}, request);
    expect(reply).toMatchObject({ text: '', textChunks: [], reasoning: '', reasoningChunks: [] });
  });

  it('splits tool arguments into argumentChunks pieces and makes up missing ids', () => {
    const reply = normalizeReply(
      {
        toolCalls: [
          { name: 'search', arguments: '{"q":"oslo"}' },
          { id: 'call_given', name: 'noop', arguments: '' },
        ],
        argumentChunks: 3,
      },
      request,
    );
    const [first, second] = reply.toolCalls;
    expect(first?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(first?.argumentChunks).toEqual(['{"q"', ':"os', 'lo"}']);
    expect(second).toEqual({ id: 'call_given', name: 'noop', arguments: '', argumentChunks: [''] });
    expect(
      normalizeReply({ toolCalls: [{ name: 'a', arguments: '{}' }] }, request).toolCalls[0]
        ?.argumentChunks,
    ).toEqual(['{}']);
  });

  it.each([
    [{}, 'stop'],
    [{ toolCalls: [{ name: 'a', arguments: '{}' }] }, 'tool-calls'],
    [{ refusal: 'I cannot help with that.' }, 'content-filter'],
    [{ text: 'cut', finishReason: 'length' as const }, 'length'],
  ])('works out the finish reason of %j', (reply, finishReason) => {
    expect(normalizeReply(reply, request).finishReason).toBe(finishReason);
  });

  it('estimates usage at four characters a token unless given', () => {
    const reply = normalizeReply({ text: 'abcdefgh', reasoning: 'abcd' }, request);
    expect(reply.usage).toEqual({
      inputTokens: Math.ceil(JSON.stringify(request.body).length / 4),
      outputTokens: 3,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 1,
    });
    const given = normalizeReply(
      {
        usage: {
          inputTokens: 7,
          outputTokens: 8,
          cachedInputTokens: 2,
          cacheWriteInputTokens: 3,
          reasoningTokens: 1,
        },
      },
      request,
    );
    expect(given.usage).toEqual({
      inputTokens: 7,
      outputTokens: 8,
      cachedInputTokens: 2,
      cacheWriteInputTokens: 3,
      reasoningTokens: 1,
    });
  });

  it('gives each reply a unique id and its creation time in seconds', () => {
    const ids = new Set(Array.from({ length: 20 }, () => normalizeReply({}, request).id));
    expect(ids.size).toBe(20);
    const reply = normalizeReply({}, request, {
      now: () => 1_700_000_000_999,
      generateId: (p) => `${p}x`,
    });
    expect(reply.created).toBe(1_700_000_000);
    expect(reply.id).toBe('x');
  });
});
