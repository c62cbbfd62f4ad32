import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatReply } from '../src/chat-answer.js';
import { startChatServer, type ChatServer } from '../src/chat-server.js';

let emulator: Emulator;
let server: ChatServer;
let directory: string;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-chat-server-test-'));
  emulator = await startEmulator({ defaultTurn: chatReply(1) });
  server = await startChatServer({
    databasePath: join(directory, 'realtime.db'),
    modelUrl: emulator.baseURL('openai-responses'),
  });
});
afterEach(async () => {
  await server.close();
  await emulator.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Loads the page as a browser would and returns the cookie it sets. */
async function visitor(): Promise<string> {
  const page = await fetch(server.url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script type="module" src="/page.js">');
  const cookie = page.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/^chat-user=[0-9a-f-]{36}; Path=\/; HttpOnly; SameSite=Strict$/);
  return cookie.split(';')[0]!;
}

const post = (path: string, body: unknown, cookie?: string) =>
  fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

describe('the chat server', () => {
  it('serves the page’s script, bundled for the browser with the realtime client', async () => {
    const script = await fetch(new URL('/page.js', server.url));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const text = await script.text();
    expect(text).toContain('agentry.realtime.v1');
    expect(text).not.toMatch(/from\s*["']node:/);
  });

  it('starts a run for the visitor and gives a ticket for its channel to that visitor only', async () => {
    const alice = await visitor();
    const bob = await visitor();
    const started = await post('/api/chat', { message: 'Hello?' }, alice);
    expect(started.status).toBe(200);
    const { channel } = (await started.json()) as { channel: string };
    expect(channel).toMatch(/^run\//);

    const ticket = await post('/api/ticket', { channel }, alice);
    expect(ticket.status).toBe(200);
    const { ticket: credential } = (await ticket.json()) as { ticket: string };
    const read = await fetch(new URL(`/realtime/streams/${channel}?offset=-1`, server.url), {
      headers: { authorization: `Bearer ${credential}` },
    });
    expect(read.status).toBe(200);
    const entries = (await read.json()) as { type: string }[];
    expect(entries[0]).toMatchObject({ type: 'RUN_STARTED' });

    const refused = await post('/api/ticket', { channel }, bob);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'permission_denied' });
    const anonymous = await fetch(new URL(`/realtime/streams/${channel}?offset=-1`, server.url));
    expect(anonymous.status).toBe(401);
  });

  it('refuses a message without the cookie, an empty message and a body that is not JSON', async () => {
    const cookie = await visitor();
    const noCookie = await post('/api/chat', { message: 'Hello?' });
    expect(noCookie.status).toBe(401);
    expect(await noCookie.json()).toMatchObject({ code: 'unauthenticated' });
    const empty = await post('/api/chat', { message: '  ' }, cookie);
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      code: 'validation_failed',
      details: { path: 'message' },
    });
    const notJson = await fetch(new URL('/api/chat', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: '{"message":',
    });
    expect(notJson.status).toBe(400);
    const unknown = await fetch(new URL('/api/nothing', server.url));
    expect(unknown.status).toBe(404);
  });
});
