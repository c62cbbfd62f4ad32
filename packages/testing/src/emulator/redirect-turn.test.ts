import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from './emulator.js';
import { redirectTurn } from './redirect-turn.js';
import { startEmulator } from './start-emulator.js';

const started: Emulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()));
});

async function start(): Promise<Emulator> {
  const emulator = await startEmulator();
  started.push(emulator);
  return emulator;
}

describe('redirectTurn', () => {
  it('does send the client to the same path and query on another emulator', async () => {
    const [first, second] = [await start(), await start()];
    first.enqueue(redirectTurn(second));
    second.enqueue({ text: 'from the other origin' });
    const url = `${first.baseURL('google')}/v1beta/models/gemini-3.5-flash:generateContent?alt=json`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace': 'a' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
    });
    expect(response.redirected).toBe(true);
    expect(JSON.stringify(await response.json())).toContain('from the other origin');
    expect(first.requests).toHaveLength(1);
    expect(second.requests[0]).toMatchObject({
      method: 'POST',
      path: first.requests[0]?.path,
      query: { alt: 'json' },
      headers: { 'x-trace': 'a' },
    });
  });

  it('does answer with the status and location given, to a base URL', async () => {
    const first = await start();
    first.enqueue(redirectTurn('http://127.0.0.1:9/', 303));
    const response = await fetch(`${first.baseURL('anthropic')}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'claude', messages: [], max_tokens: 1 }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/anthropic/v1/messages');
  });
});
