import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorApi } from './emulator-types.js';
import { startEmulator, type Emulator } from './start-emulator.js';

const opened: Emulator[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((emulator) => emulator.close()));
});

const calls: {
  api: EmulatorApi;
  path: string;
  body: Record<string, unknown>;
  streamPath?: string;
}[] = [
  {
    api: 'openai-chat',
    path: '/chat/completions',
    body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] },
  },
  { api: 'openai-responses', path: '/responses', body: { model: 'gpt-4o', input: 'Hi' } },
  {
    api: 'anthropic',
    path: '/v1/messages',
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    },
  },
  {
    api: 'google',
    path: '/v1beta/models/gemini-2.5-flash:generateContent',
    streamPath: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
  },
];

describe('startEmulator', () => {
  it.each(calls)('serves $api with the default wire formats, whole and streamed', async (call) => {
    const emulator = await startEmulator({ defaultTurn: { text: 'Hello there' } });
    opened.push(emulator);
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${emulator.baseURL(call.api)}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const whole = await post(call.path, call.body);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toContain('application/json');
    await whole.text();

    const streamed =
      call.streamPath === undefined
        ? await post(call.path, { ...call.body, stream: true })
        : await post(call.streamPath, call.body);
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toBe('text/event-stream');
    await streamed.text();

    expect(emulator.requests.map((request) => [request.api, request.stream])).toEqual([
      [call.api, false],
      [call.api, true],
    ]);
  });
});
