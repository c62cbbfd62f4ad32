import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealtimeLog } from '@agentry/core';
import { createSqliteRealtimeLog } from '@agentry/store-sqlite';
import { startEmulator, type Emulator } from '@agentry/testing';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatAnswer, chatReply } from '../src/chat-answer.js';
import { openChatPage, type ChatPage, type PageState } from './chat-page.js';
import { chromiumPath, hasChromium, launchChromium } from './chromium.js';
import { startNetworkProxy, type NetworkProxy } from './network-proxy.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

/** Milliseconds between the emulator's words: a run lasts a few seconds (about 150 words). */
const wordDelay = 40;

let browser: Browser;
let emulator: Emulator;
let directory: string;
let databasePath: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (!hasChromium) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with apt-get install -y chromium.`,
    );
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'agentry-chat-web-test-'));
  databasePath = join(directory, 'realtime.db');
  emulator = await startEmulator({ defaultTurn: chatReply(wordDelay) });
  cleanups.push(() => emulator.close());
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  rmSync(directory, { recursive: true, force: true });
});

async function server(
  options: { port?: number; bufferSize?: number; snapshotEvery?: number } = {},
) {
  const started: ServerProcess = await startServerProcess({
    databasePath,
    modelUrl: emulator.baseURL('openai-responses'),
    ...options,
  });
  cleanups.push(() => started.kill());
  return started;
}

async function proxy(port: number): Promise<NetworkProxy> {
  const started = await startNetworkProxy(port);
  cleanups.push(() => started.close());
  return started;
}

async function page(url: string, prepare?: Parameters<typeof openChatPage>[2]): Promise<ChatPage> {
  const opened = await openChatPage(browser, url, prepare);
  cleanups.push(() => opened.context.close());
  return opened;
}

/** The channel's entries, read directly from the SQLite file after the server is gone. */
async function logEntries(channel: string): Promise<{ offset: string; data: unknown }[]> {
  const log: RealtimeLog = createSqliteRealtimeLog({ path: databasePath });
  try {
    const read = await log.read(channel, '-1', { limit: 100_000 });
    return read.entries.map((entry) => ({
      offset: entry.offset,
      data: JSON.parse(
        typeof entry.data === 'string' ? entry.data : new TextDecoder().decode(entry.data),
      ),
    }));
  } finally {
    await log.close();
  }
}

/**
 * Waits until the log (read directly from the SQLite file) no longer holds the entry after
 * `offset`: a reader resuming from `offset` meets a gap.
 */
async function untilRetentionPasses(channel: string, offset: string): Promise<void> {
  const log = createSqliteRealtimeLog({ path: databasePath });
  try {
    for (;;) {
      const info = await log.info(channel);
      if (info !== undefined && info.retainedAfter > offset) return;
      if (info?.closed === true) throw new Error('The run ended before retention passed the page.');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await log.close();
  }
}

/** The event types, in order, of what the page applied. */
const typesOf = (state: PageState): string[] =>
  state.applied.map((event) => String((event.data as { type?: unknown }).type));

describe('examples/chat-web in Chromium', () => {
  it('streams a run into the page: the answer shown is the emulator’s, token by token, over WebSocket', async () => {
    const running = await server();
    const chat = await page(running.url);
    const channel = await chat.ask('How does a durable stream survive a restart?');
    expect(channel).toMatch(/^run\//);

    const state = await chat.ended();
    expect(state.failure).toBeUndefined();
    expect(state.view.status).toBe('finished');
    expect(await chat.answer()).toBe(chatAnswer);
    expect(await chat.status()).toBe('Finished.');
    // Streamed, not delivered whole: many content events, each a piece of the answer.
    const contents = typesOf(state).filter((type) => type === 'TEXT_MESSAGE_CONTENT');
    expect(contents.length).toBeGreaterThan(20);
    expect(state.transports).toEqual(['websocket']);
    expect(await chat.transport()).toBe('websocket, closed');

    await running.stop();
    const entries = await logEntries(channel);
    expect(state.applied).toEqual(entries);
  });

  it('survives a network drop mid-run: the whole answer, each event once, back on WebSocket', async () => {
    const running = await server();
    const network = await proxy(running.port);
    const chat = await page(network.url);
    const channel = await chat.ask('How does a durable stream survive a restart?');
    await chat.applied(25);
    const before = network.accepted;
    network.drop();

    const state = await chat.ended();
    expect(state.failure).toBeUndefined();
    expect(state.view.status).toBe('finished');
    expect(await chat.answer()).toBe(chatAnswer);
    expect(state.transports).toEqual(['websocket']);
    // The page connected again after the drop (its ticket request, then its socket).
    expect(network.accepted).toBeGreaterThan(before);

    await running.stop();
    expect(state.applied).toEqual(await logEntries(channel));
  });

  it('carries on across a SIGKILL of the server mid-run: exactly the log’s sequence, then the interrupted run’s visible end', async () => {
    const first = await server();
    const chat = await page(first.url);
    const channel = await chat.ask('How does a durable stream survive a restart?');
    await chat.applied(25);
    await first.kill();
    const killedAt = (await chat.state()).applied.length;
    expect((await chat.state()).closed).toBe(false);

    // A new process on the same SQLite file and port: it ends the run the killed one left open.
    const second = await server({ port: first.port });
    const state = await chat.ended();
    expect(state.failure).toBeUndefined();
    expect(state.view.status).toBe('failed');
    expect(state.view.error?.code).toBe('aborted');
    expect(typesOf(state).at(-1)).toBe('RUN_ERROR');
    expect(await chat.status()).toMatch(/^The run ended with an error\. aborted: /);
    const answer = await chat.answer();
    expect(answer.length).toBeGreaterThan(0);
    expect(answer.length).toBeLessThan(chatAnswer.length);
    expect(chatAnswer.startsWith(answer)).toBe(true);

    await second.stop();
    const entries = await logEntries(channel);
    // No loss, no duplicate: the page applied the log's entries, each once, in order.
    expect(state.applied).toEqual(entries);
    expect(new Set(state.applied.map((event) => event.offset)).size).toBe(state.applied.length);
    expect(entries.length).toBeGreaterThan(killedAt);
  });

  it('falls back to SSE when WebSocket is blocked, then to long polling when SSE is blocked too, with the same sequence', async () => {
    const running = await server();
    const network = await proxy(running.port);
    const chat = await page(network.url, async (opened) => {
      // As a proxy that refuses WebSocket would: every socket the page opens fails to connect.
      await opened.addInitScript({
        content: `{
          const Original = globalThis.WebSocket;
          globalThis.WebSocket = class extends Original {
            constructor(_url, protocols) { super('ws://127.0.0.1:9/blocked', protocols); }
          };
        }`,
      });
    });
    await chat.ask('How does a durable stream survive a restart?');
    await chat.applied(25);
    expect(await chat.transport()).toBe('sse');

    // Now SSE is refused as well, and the network drops, which ends the open stream.
    await chat.page.route(/[?&]live=sse/, (route) => route.abort('blockedbyclient'));
    network.drop();

    const state = await chat.ended();
    expect(state.failure).toBeUndefined();
    expect(state.view.status).toBe('finished');
    expect(await chat.answer()).toBe(chatAnswer);
    expect(state.transports).toEqual(['sse', 'long_polling']);
    expect(await chat.transport()).toBe('long_polling, closed');

    await running.stop();
    expect(state.applied).toEqual(await logEntries(state.channel!));
  });

  it('shows a gap after the tab slept past retention, and rebuilds the answer from the snapshot', async () => {
    // Ten entries kept per channel, a snapshot every five: a short sleep outlasts retention.
    const running = await server({ bufferSize: 10, snapshotEvery: 5 });
    const chat = await page(running.url);
    const channel = await chat.ask('How does a durable stream survive a restart?');
    await chat.applied(5);

    // The tab sleeps. Chrome tells a page it freezes with `freeze` and wakes it with `resume`;
    // a headless page is never frozen, so the test sends the same events. The page closes its
    // client on freeze (no connection held while asleep) and follows again on resume.
    await chat.page.evaluate("document.dispatchEvent(new Event('freeze'))");
    await chat.page.waitForFunction(
      "document.getElementById('transport').textContent === 'asleep'",
    );
    const slept = (await chat.state()).position;
    await untilRetentionPasses(channel, slept);
    expect((await chat.state()).position).toBe(slept);
    await chat.page.evaluate("document.dispatchEvent(new Event('resume'))");

    const state = await chat.ended();
    expect(state.failure).toBeUndefined();
    expect(state.view.status).toBe('finished');
    // The gap is shown, with the snapshot it was rebuilt from: never a silent skip.
    expect(state.view.gaps).toHaveLength(1);
    const [gap] = state.view.gaps;
    expect(gap!.reason).toBe('retention');
    expect(gap!.snapshotOffset! > slept).toBe(true);
    const notices = await chat.notices('gap');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`rebuilt from the snapshot at ${gap!.snapshotOffset!}`);
    // Rebuilt from the snapshot plus what followed it: the whole answer, no word lost or repeated.
    expect(await chat.answer()).toBe(chatAnswer);

    await running.stop();
    const offsets = state.applied.map((event) => event.offset);
    const before = offsets.filter((offset) => offset <= slept);
    const after = offsets.filter((offset) => offset > slept);
    expect([...before, ...after]).toEqual(offsets);
    // After the gap, only events after the snapshot, and every one the log still holds.
    expect(after.every((offset) => offset > gap!.snapshotOffset!)).toBe(true);
    const retained = await logEntries(channel);
    expect(state.applied.slice(-retained.length)).toEqual(retained);
  });
});
