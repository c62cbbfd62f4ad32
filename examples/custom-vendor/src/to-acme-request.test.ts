import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { toAcmeRequest } from './to-acme-request.js';

describe('toAcmeRequest', () => {
  it('maps messages, tools and parameters to Acme turns', () => {
    const body = toAcmeRequest(
      {
        system: 'Be brief.',
        messages: [
          { role: 'system', content: 'Answer in French.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather?' },
              { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/jpeg' },
              { type: 'image', image: 'https://example.com/sky.png' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Look it up.' },
              {
                type: 'tool-call',
                toolCallId: 'c1',
                toolName: 'get_weather',
                input: '{"city":"Paris"}',
              },
            ],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'c1',
                toolName: 'get_weather',
                output: { sky: 'clear' },
              },
              {
                type: 'tool-result',
                toolCallId: 'c2',
                toolName: 'get_time',
                output: 'down',
                isError: true,
              },
            ],
          },
        ],
        tools: [{ name: 'get_weather', description: 'Weather.', inputSchema: { type: 'object' } }],
        toolChoice: { type: 'tool', toolName: 'get_weather' },
        parameters: { maxTokens: 100, temperature: 0.2, stop: ['END'] },
      },
      'acme-large',
    );
    expect(body).toEqual({
      model: 'acme-large',
      brief: 'Be brief.\n\nAnswer in French.',
      turns: [
        {
          speaker: 'user',
          items: [
            { text: 'Weather?' },
            { image: { mime: 'image/jpeg', base64: 'AQID' } },
            { image: { url: 'https://example.com/sky.png' } },
          ],
        },
        {
          speaker: 'agent',
          items: [
            { thought: 'Look it up.' },
            { call: { ref: 'c1', tool: 'get_weather', args: '{"city":"Paris"}' } },
          ],
        },
        {
          speaker: 'tool',
          items: [
            { result: { ref: 'c1', tool: 'get_weather', output: '{"sky":"clear"}' } },
            { result: { ref: 'c2', tool: 'get_time', output: 'down', failed: true } },
          ],
        },
      ],
      tools: [{ name: 'get_weather', about: 'Weather.', params: { type: 'object' } }],
      tool_use: 'get_weather',
      max_output: 100,
      temperature: 0.2,
      halt_on: ['END'],
    });
  });

  it.each([
    ['auto', undefined],
    ['none', 'never'],
    ['required', 'always'],
  ] as const)('maps tool choice %s to tool_use %s', (toolChoice, expected) => {
    const body = toAcmeRequest({ messages: [], toolChoice }, 'acme-small');
    expect(body.tool_use).toBe(expected);
  });

  it('refuses a JSON response format with invalid_request', () => {
    let caught: unknown;
    try {
      toAcmeRequest({ messages: [], responseFormat: { type: 'json', schema: {} } }, 'acme-large');
    } catch (error) {
      caught = error;
    }
    expect(AgentryError.isInstance(caught) && caught.code).toBe('invalid_request');
    expect((caught as Error).message).toMatch(
      /no JSON output mode \(request\.responseFormat\.type "json"\)/,
    );
  });
});
