import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  startTestServer,
  rawGet,
  readSse,
  type TestServer,
} from '../__fixtures__/realtime-test-server.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  current = await startTestServer({ auth: 'none', ...options });
  return current;
}

async function createJsonChannel(url: string, channel: string, values: unknown[]): Promise<void> {
  const created = await fetch(`${url}/realtime/streams/${channel}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
  });
  expect(created.status).toBe(201);
  if (values.length > 0) {
    const appended = await fetch(`${url}/realtime/streams/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(values),
    });
    expect(appended.status).toBe(204);
  }
}

describe('streams routes', () => {
  describe('GET catch-up', () => {
    it('returns the entries after the offset with Stream-Next-Offset and Stream-Up-To-Date', async () => {
      const { url, log } = await start();
      await createJsonChannel(url, 'run/r-1', [{ n: 1 }, { n: 2 }, { n: 3 }]);
      const tail = (await log.info('run/r-1'))!.tailOffset;

      const all = await fetch(`${url}/realtime/streams/run/r-1?offset=-1`);
      expect(all.status).toBe(200);
      expect(await all.json()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(all.headers.get('stream-next-offset')).toBe(tail);
      expect(all.headers.get('stream-up-to-date')).toBe('true');

      const first = (await log.read('run/r-1', '-1')).entries[0]!.offset;
      const rest = await fetch(`${url}/realtime/streams/run/r-1?offset=${first}`);
      expect(await rest.json()).toEqual([{ n: 2 }, { n: 3 }]);

      const none = await fetch(`${url}/realtime/streams/run/r-1?offset=${tail}`);
      expect(await none.json()).toEqual([]);
      expect(none.headers.get('stream-next-offset')).toBe(tail);
    });

    it('answers 400 with an AgentryError body for offsets that are not offsets', async () => {
      const { url } = await start();
      await createJsonChannel(url, 'run/r-1', [1]);
      for (const bad of ['abc', '12', '0193a1b2c3d4_12', '-2', '', 'now&offset=-1']) {
        const response = await fetch(`${url}/realtime/streams/run/r-1?offset=${bad}`);
        expect(response.status, bad).toBe(400);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('validation_failed');
        expect(body.error.message).toContain('offset');
      }
      const sse = await fetch(`${url}/realtime/streams/run/r-1?offset=zz&live=sse`);
      expect(sse.status).toBe(400);
    });

    it('answers 410 offset_gone for an offset retention dropped', async () => {
      const { url, log } = await start();
      await log.create('run/r-2', { maxEntries: 2 });
      await log.append('run/r-2', ['1']);
      const dropped = (await log.info('run/r-2'))!.tailOffset;
      await log.append('run/r-2', ['2', '3', '4']);
      const response = await fetch(`${url}/realtime/streams/run/r-2?offset=${dropped}`);
      expect(response.status).toBe(410);
      const body = (await response.json()) as {
        error: { code: string; details: { retainedAfter: string } };
      };
      expect(body.error.code).toBe('offset_gone');
      expect(body.error.details.retainedAfter > dropped).toBe(true);
    });

    it.each(['', '&live=long-poll', '&live=sse'])(
      'carries the channel’s snapshot in the 410 body (query %s), as the JSON value',
      async (live) => {
        const { url, log } = await start();
        await log.create('run/r-snap', { contentType: 'application/json', maxEntries: 2 });
        const { offsets } = await log.append('run/r-snap', ['1', '2', '3']);
        await log.putSnapshot('run/r-snap', { offset: offsets[1]!, data: '{"messages":[1,2]}' });
        await log.append('run/r-snap', ['4']);
        const response = await fetch(
          `${url}/realtime/streams/run/r-snap?offset=${offsets[0]!}${live}`,
        );
        expect(response.status).toBe(410);
        const body = (await response.json()) as {
          error: { code: string; details: { retainedAfter: string; snapshot?: unknown } };
        };
        expect(body.error.code).toBe('offset_gone');
        expect(body.error.details.retainedAfter).toBe(offsets[1]);
        expect(body.error.details.snapshot).toEqual({
          offset: offsets[1],
          data: { messages: [1, 2] },
        });
      },
    );

    it('leaves out a snapshot older than the retained entries (it would leave a hole)', async () => {
      const { url, log } = await start();
      await log.create('run/r-old', { maxEntries: 2 });
      const { offsets } = await log.append('run/r-old', ['1', '2', '3', '4']);
      await log.putSnapshot('run/r-old', { offset: offsets[0]!, data: '{"messages":[1]}' });
      const response = await fetch(`${url}/realtime/streams/run/r-old?offset=${offsets[0]!}`);
      expect(response.status).toBe(410);
      const body = (await response.json()) as { error: { details: Record<string, unknown> } };
      expect(body.error.details.retainedAfter).toBe(offsets[1]);
      expect(body.error.details).not.toHaveProperty('snapshot');
    });

    it('answers 410 offset_gone for an offset of an older epoch', async () => {
      const { url, log } = await start();
      await createJsonChannel(url, 'run/r-3', [1, 2]);
      const old = (await log.info('run/r-3'))!.tailOffset;
      await fetch(`${url}/realtime/streams/run/r-3`, { method: 'DELETE' });
      await createJsonChannel(url, 'run/r-3', [3]);
      const response = await fetch(`${url}/realtime/streams/run/r-3?offset=${old}`);
      expect(response.status).toBe(410);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'offset_gone',
      );
    });

    it('answers 404 for a missing channel and 413 for a body over maxBodyBytes', async () => {
      const { url } = await start({ maxBodyBytes: 1024 });
      expect((await fetch(`${url}/realtime/streams/run/none?offset=-1`)).status).toBe(404);
      await createJsonChannel(url, 'run/big', []);
      const response = await fetch(`${url}/realtime/streams/run/big`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x'.repeat(4096) }),
      });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'limit_exceeded',
      );
    });

    it('answers 400 for a JSON body that does not parse', async () => {
      const { url } = await start();
      await createJsonChannel(url, 'run/json', []);
      const response = await fetch(`${url}/realtime/streams/run/json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'validation_failed',
      );
    });
  });

  describe('live=long-poll', () => {
    it('wakes with the entry appended while it waits', async () => {
      const { url, log } = await start({ longPollTimeout: 60_000 });
      await createJsonChannel(url, 'run/lp', [{ n: 1 }]);
      const tail = (await log.info('run/lp'))!.tailOffset;
      const waiting = fetch(`${url}/realtime/streams/run/lp?offset=${tail}&live=long-poll`);
      await log.append('run/lp', [JSON.stringify({ n: 2 })]);
      const response = await waiting;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([{ n: 2 }]);
      expect(response.headers.get('stream-next-offset')).toBe(
        (await log.info('run/lp'))!.tailOffset,
      );
      expect(response.headers.get('stream-cursor')).toMatch(/^\d+$/);
    });

    it('answers 204 with Stream-Up-To-Date when nothing arrives before the timeout', async () => {
      const { url, log } = await start({ longPollTimeout: 20 });
      await createJsonChannel(url, 'run/idle', [1]);
      const tail = (await log.info('run/idle'))!.tailOffset;
      const response = await fetch(
        `${url}/realtime/streams/run/idle?offset=${tail}&live=long-poll`,
      );
      expect(response.status).toBe(204);
      expect(response.headers.get('stream-up-to-date')).toBe('true');
      expect(response.headers.get('stream-next-offset')).toBe(tail);
    });

    it('is ended by close() instead of hanging', async () => {
      const server = await start({ longPollTimeout: 600_000 });
      await createJsonChannel(server.url, 'run/closing', []);
      const waiting = fetch(`${server.url}/realtime/streams/run/closing?offset=now&live=long-poll`);
      while (server.realtime.connections === 0)
        await new Promise((resolve) => setImmediate(resolve));
      await server.realtime.close();
      const response = await waiting;
      expect(response.status).toBe(204);
    });
  });

  describe('live=sse', () => {
    it('sends id: <offset> on data events, so Last-Event-ID resumes after the last one seen', async () => {
      const { url, log } = await start();
      await createJsonChannel(url, 'run/sse', [{ n: 1 }, { n: 2 }]);
      const first = await fetch(`${url}/realtime/streams/run/sse?offset=-1&live=sse`);
      expect(first.headers.get('content-type')).toBe('text/event-stream');
      const events = await readSse(first, (seen) =>
        seen.some((event) => event.event === 'control' && event.data.includes('upToDate')),
      );
      const data = events.filter((event) => event.event === 'data');
      expect(data.flatMap((event) => JSON.parse(event.data) as unknown[])).toEqual([
        { n: 1 },
        { n: 2 },
      ]);
      const lastId = data[data.length - 1]!.id!;
      expect(lastId).toBe((await log.info('run/sse'))!.tailOffset);

      await log.append('run/sse', [JSON.stringify({ n: 3 })]);
      const resumed = await fetch(`${url}/realtime/streams/run/sse?offset=-1&live=sse`, {
        headers: { 'last-event-id': lastId },
      });
      const more = await readSse(resumed, (seen) => seen.some((event) => event.event === 'data'));
      expect(JSON.parse(more.find((event) => event.event === 'data')!.data)).toEqual([{ n: 3 }]);
    });

    it('lists each entry’s offset in the control event after a JSON data event (agentryOffsets)', async () => {
      const { url, log } = await start();
      await createJsonChannel(url, 'run/offsets', [{ n: 1 }, { n: 2 }, { n: 3 }]);
      const response = await fetch(`${url}/realtime/streams/run/offsets?offset=-1&live=sse`);
      const appended = (async () => {
        await log.append('run/offsets', [JSON.stringify({ n: 4 }), JSON.stringify({ n: 5 })], {
          close: true,
        });
      })();
      const events = await readSse(response, () => false);
      await appended;
      const listed: string[] = [];
      events.forEach((event, index) => {
        if (event.event !== 'data') return;
        const control = events[index + 1]!;
        expect(control.event).toBe('control');
        const offsets = (JSON.parse(control.data) as { agentryOffsets: string[] }).agentryOffsets;
        expect(offsets).toHaveLength((JSON.parse(event.data) as unknown[]).length);
        expect(offsets.at(-1)).toBe(event.id);
        listed.push(...offsets);
      });
      const stored = await log.read('run/offsets', '-1');
      expect(listed).toEqual(stored.entries.map((entry) => entry.offset));
    });

    it('delivers entries appended while connected, then ends on close with streamClosed', async () => {
      const { url, log } = await start();
      await createJsonChannel(url, 'run/live', []);
      const response = await fetch(`${url}/realtime/streams/run/live?offset=now&live=sse`);
      const appended = (async () => {
        await log.append('run/live', [JSON.stringify('a')]);
        await log.append('run/live', [JSON.stringify('b')], { close: true });
      })();
      const events = await readSse(response, () => false);
      await appended;
      expect(
        events
          .filter((event) => event.event === 'data')
          .flatMap((event) => JSON.parse(event.data) as unknown[]),
      ).toEqual(['a', 'b']);
      const last = JSON.parse(events[events.length - 1]!.data) as { streamClosed?: boolean };
      expect(last.streamClosed).toBe(true);
    });

    it('ends the response after sseReconnectAfter, so the client reconnects from its offset', async () => {
      const { url } = await start({ sseReconnectAfter: 20 });
      await createJsonChannel(url, 'run/rotate', [1]);
      const response = await fetch(`${url}/realtime/streams/run/rotate?offset=-1&live=sse`);
      const events = await readSse(response, () => false);
      expect(events.map((event) => event.event)).toEqual(['data', 'control']);
    });

    it('ends the stream when the channel is deleted while a reader follows it', async () => {
      const { url, log } = await start();
      await createJsonChannel(url, 'run/gone', []);
      const response = await fetch(`${url}/realtime/streams/run/gone?offset=now&live=sse`);
      const reading = readSse(response, () => false);
      await fetch(`${url}/realtime/streams/run/gone`, { method: 'DELETE' });
      const events = await reading;
      expect(events.map((event) => event.event)).toEqual(['control']);
      expect(await log.info('run/gone')).toBeUndefined();
    });

    it('sends heartbeat comments every heartbeatInterval', async () => {
      const { url } = await start({
        config: {
          realtime: { protocol: 'sse', maxLatency: 100, bufferSize: 100, heartbeatInterval: 5 },
        },
      });
      await createJsonChannel(url, 'run/beat', []);
      const response = await fetch(`${url}/realtime/streams/run/beat?offset=now&live=sse`);
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes(': keep-alive'))
        text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      expect(text).toContain(': keep-alive\n\n');
    });
  });

  describe('compression', () => {
    it('gzips catch-up and SSE when compression is on and the client accepts gzip', async () => {
      const { url } = await start({
        config: {
          protocols: [{ name: 'http', version: '1.1', encryption: false, compression: true }],
        },
      });
      await createJsonChannel(url, 'run/zip', [{ text: 'hello '.repeat(50) }]);
      const zipped = await rawGet(`${url}/realtime/streams/run/zip?offset=-1`, {
        'accept-encoding': 'gzip',
      });
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual([
        { text: 'hello '.repeat(50) },
      ]);
      const plain = await rawGet(`${url}/realtime/streams/run/zip?offset=-1`);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(plain.body.toString('utf8'))).toEqual([{ text: 'hello '.repeat(50) }]);

      const sse = await fetch(`${url}/realtime/streams/run/zip?offset=-1&live=sse`, {
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(sse.headers.get('content-encoding')).toBe('gzip');
      const events = await readSse(sse, (seen) => seen.some((event) => event.event === 'control'));
      expect(JSON.parse(events.find((event) => event.event === 'data')!.data)).toEqual([
        { text: 'hello '.repeat(50) },
      ]);
    });

    it('does not gzip when compression is off', async () => {
      const { url } = await start();
      await createJsonChannel(url, 'run/nozip', [{ text: 'hello '.repeat(50) }]);
      const response = await rawGet(`${url}/realtime/streams/run/nozip?offset=-1`, {
        'accept-encoding': 'gzip',
      });
      expect(response.headers['content-encoding']).toBeUndefined();
    });
  });
});
