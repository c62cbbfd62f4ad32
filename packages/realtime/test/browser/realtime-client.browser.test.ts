import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeChannelEvent } from '../../src/client.js';
import { startRealServer, type RealServer } from '../../src/client/__fixtures__/real-server.js';
import { bundleClient } from './client-bundle.js';
import { pageHtml } from './page.js';

const executablePath = '/usr/bin/chromium';
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

let browser: Browser;
let clientCode: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is missing at ${executablePath}: install it with apt-get install -y chromium.`,
    );
  }
  clientCode = (await bundleClient()).code;
  browser = await chromium.launch({ executablePath, args: flags, headless: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(): Promise<RealServer> {
  const real = await startRealServer(
    { longPollTimeout: 200 },
    {
      serve(request, response) {
        if (request.url === '/') {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageHtml);
          return true;
        }
        if (request.url === '/client.js') {
          response
            .writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' })
            .end(clientCode);
          return true;
        }
        return false;
      },
    },
  );
  cleanups.push(() => real.close());
  return real;
}

async function open(real: RealServer): Promise<Page> {
  const context = await browser.newContext();
  cleanups.push(() => context.close());
  const page = await context.newPage();
  await page.goto(real.url.replace(/\/realtime$/, '/'));
  await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
  return page;
}

const json = (values: readonly unknown[]): string[] => values.map((value) => JSON.stringify(value));
const range = (count: number, from = 0): number[] =>
  Array.from({ length: count }, (_, index) => index + from);

interface PageResult {
  received: RealtimeChannelEvent[];
  transportsUsed: string[];
}

function follow(
  page: Page,
  options: { channel: string; blockWebSocket?: boolean; offset?: string; transports?: string[] },
): Promise<PageResult> {
  return page.evaluate(
    (argument) =>
      (globalThis as unknown as { follow: (options: unknown) => Promise<PageResult> }).follow(
        argument,
      ),
    options,
  );
}

async function receivedCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (expected) => (globalThis as unknown as { received: unknown[] }).received.length >= expected,
    count,
  );
}

async function logOf(
  real: RealServer,
  channel: string,
): Promise<{ offsets: string[]; data: unknown[] }> {
  const read = await real.log.read(channel, '-1', { limit: 10_000 });
  return {
    offsets: read.entries.map((entry) => entry.offset),
    data: read.entries.map((entry) => JSON.parse(String(entry.data)) as unknown),
  };
}

describe('@agentry/realtime/client in Chromium', () => {
  it('receives a run’s sequence exactly, across a dropped connection', async () => {
    const real = await serve();
    await real.log.create('run/browser');
    await real.log.append('run/browser', json(range(100)));
    const page = await open(real);
    const result = follow(page, { channel: 'run/browser' });
    await receivedCount(page, 100);
    real.dropAll();
    await real.log.append('run/browser', json(range(100, 100)));
    await receivedCount(page, 150);
    await real.log.append('run/browser', json([200]), { close: true });
    const { received, transportsUsed } = await result;
    const log = await logOf(real, 'run/browser');
    const events = received.filter((event) => event.type === 'event');
    expect(events.map((event) => event.offset)).toEqual(log.offsets);
    expect(events.map((event) => event.data)).toEqual(log.data);
    expect(received.at(-1)).toEqual({ type: 'closed', offset: log.offsets.at(-1) });
    expect(transportsUsed[0]).toBe('websocket');
  }, 60_000);

  it('falls back to SSE when the WebSocket upgrade is refused, then to long polling, with the same sequence', async () => {
    const real = await serve();
    real.block.websocket = true;
    await real.log.create('run/fallback');
    await real.log.append('run/fallback', json(range(50)));
    const page = await open(real);
    const result = follow(page, { channel: 'run/fallback' });
    await receivedCount(page, 50);
    real.block.sse = true;
    real.dropAll();
    await real.log.append('run/fallback', json(range(50, 50)));
    await receivedCount(page, 100);
    await real.log.append('run/fallback', json([100]), { close: true });
    const { received, transportsUsed } = await result;
    const log = await logOf(real, 'run/fallback');
    const events = received.filter((event) => event.type === 'event');
    expect(events.map((event) => event.offset)).toEqual(log.offsets);
    expect(events.map((event) => event.data)).toEqual(log.data);
    expect(transportsUsed).toEqual(['sse', 'long_polling']);
  }, 60_000);

  it('falls back at once when the page forbids WebSocket', async () => {
    const real = await serve();
    await real.log.create('run/no-websocket');
    await real.log.append('run/no-websocket', json(range(20)), { close: false });
    const page = await open(real);
    const result = follow(page, { channel: 'run/no-websocket', blockWebSocket: true });
    await receivedCount(page, 20);
    await real.log.append('run/no-websocket', json(range(5, 20)), { close: true });
    const { received, transportsUsed } = await result;
    const log = await logOf(real, 'run/no-websocket');
    expect(received.filter((event) => event.type === 'event').map((event) => event.data)).toEqual(
      log.data,
    );
    expect(transportsUsed).toEqual(['sse']);
  }, 60_000);

  it('shows a gap with the snapshot to rebuild from when the tab comes back after retention, over each transport', async () => {
    const real = await serve();
    for (const transport of ['websocket', 'sse', 'long_polling']) {
      const channel = `run/asleep-${transport}`;
      await real.log.create(channel, { maxEntries: 5 });
      const first = await real.log.append(channel, json(range(3)));
      const later = await real.log.append(channel, json(range(7, 3)));
      await real.log.putSnapshot(channel, {
        offset: later.offsets[1]!,
        data: JSON.stringify({ messages: range(5) }),
      });
      await real.log.append(channel, [], { close: true });
      const page = await open(real);
      const { received } = await follow(page, {
        channel,
        offset: first.offsets[0]!,
        transports: [transport],
      });
      expect(received[0]).toMatchObject({ type: 'gap', reason: 'retention' });
      if (transport === 'websocket') {
        // The gateway sends the snapshot with the gap: rebuild from it, then the events after it.
        expect(received[0]).toEqual({
          type: 'gap',
          reason: 'retention',
          snapshot: { offset: later.offsets[1], data: { messages: range(5) } },
        });
      }
      expect(received.filter((event) => event.type === 'event').map((event) => event.data)).toEqual(
        [5, 6, 7, 8, 9],
      );
      expect(received.at(-1)?.type).toBe('closed');
    }
  }, 60_000);
});
