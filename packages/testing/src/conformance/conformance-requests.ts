import type { ModelRequest, ToolSpec } from '@agentry/core';

/**
 * The tools the checks offer: a weather and a time look-up.
 *
 * @internal
 */
export const conformanceTools: ToolSpec[] = [
  {
    name: 'get_weather',
    description: 'The current weather in a city.',
    inputSchema: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'The city.' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
      additionalProperties: false,
    },
  },
  {
    name: 'get_time',
    description: 'The current time in a time zone.',
    inputSchema: {
      type: 'object',
      properties: { timezone: { type: 'string', description: 'An IANA time zone.' } },
      required: ['timezone'],
      additionalProperties: false,
    },
  },
];

/**
 * A request of one user message.
 *
 * @internal
 */
export function userRequest(text: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

/**
 * A 1×1 transparent PNG, as base64.
 *
 * @internal
 */
export const ONE_PIXEL_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/**
 * A request whose user message holds text and the PNG above, as bytes.
 *
 * @internal
 */
export function imageRequest(): ModelRequest {
  return {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          {
            type: 'image',
            image: new Uint8Array(Buffer.from(ONE_PIXEL_PNG_BASE64, 'base64')),
            mediaType: 'image/png',
          },
        ],
      },
    ],
  };
}
