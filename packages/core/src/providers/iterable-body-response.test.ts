import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createPooledFetch } from './create-pooled-fetch.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback server; `closed` resolves when a connection closes. */
async function setUp(handle: (path: string, response: ServerResponse) => void) {
  let closes = 0;
  const waiting: (() => void)[] = [];
  const server: Server = createServer((request, response) => handle(request.url ?? '', response));
  server.on('connection', (socket) =>
    socket.on('close', () => {
      closes += 1;
      for (const wake of waiting.splice(0)) wake();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pool = createPooledFetch({ maxConnections: 4 });
  cleanups.push(
    () => new Promise((resolve) => server.close(() => resolve())),
    () => {
      server.closeAllConnections();
      return pool.close();
    },
  );
  const closed = () =>
    closes > 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
  return { url, pool, closed };
}

/** Answers with `events` as separate writes, the way a server streams events. */
function streamEvents(events: string[], response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_1' });
  let index = 0;
  const next = (): void => {
    if (index === events.length) {
      response.end();
      return;
    }
    response.write(events[index]);
    index += 1;
    setImmediate(next);
  };
  next();
}

async function readAll(body: unknown): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body as AsyncIterable<Uint8Array>)
    text += decoder.decode(chunk, { stream: true });
  return text;
}

describe('createPooledFetch', () => {
  describe('sdkFetch', () => {
    it('does stream a body to for-await straight from the connection, with the status line and headers', async () => {
      const events = ['data: 1\n\n', 'data: 2\n\n', 'data: [DONE]\n\n'];
      const { url, pool } = await setUp((_path, response) => streamEvents(events, response));
      const response = await pool.sdkFetch(`${url}/v1/chat#part`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(200);
      expect(response.ok).toBe(true);
      expect(response.url).toBe(`${url}/v1/chat`);
      expect(response.redirected).toBe(false);
      expect(response.headers).toBeInstanceOf(Headers);
      expect(response.headers.get('x-request-id')).toBe('req_1');
      // What the official SDKs look for before they fall back to getReader().
      expect(
        typeof (response.body as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator],
      ).toBe('function');
      expect(response.body).not.toBeInstanceOf(ReadableStream);
      expect(response.bodyUsed).toBe(false);
      expect(await readAll(response.body)).toBe(events.join(''));
      expect(response.bodyUsed).toBe(true);
      await expect(response.text()).rejects.toThrow(TypeError);
    });

    it('does hand over every chunk in order to a reader slower than the server', async () => {
      const events = Array.from({ length: 200 }, (_, index) => `data: ${index}\n\n`);
      const { url, pool } = await setUp((_path, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of events) response.write(event);
        response.end();
      });
      const response = await pool.sdkFetch(url);
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(text).toBe(events.join(''));
    });

    it('does read a body with text(), json() and clone() as a Response does', async () => {
      const { url, pool } = await setUp((path, response) => {
        response.writeHead(path === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ path }));
      });
      expect(await (await pool.sdkFetch(`${url}/a`)).json()).toEqual({ path: '/a' });
      const missing = await pool.sdkFetch(`${url}/missing`);
      expect(missing.ok).toBe(false);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toBe('{"path":"/missing"}');
      expect(missing.bodyUsed).toBe(true);
      const original = await pool.sdkFetch(`${url}/b`);
      const copy = original.clone();
      expect(await copy.json()).toEqual({ path: '/b' });
      expect(await original.json()).toEqual({ path: '/b' });
      // Once a body method ran, the body is the standard Response's web stream.
      expect(original.body).toBeInstanceOf(ReadableStream);
    });

    it('does decode a compressed body and give no body for HEAD', async () => {
      const { url, pool } = await setUp((_path, response) => {
        response.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
        response.end(gzipSync('squeezed'));
      });
      expect(await readAll((await pool.sdkFetch(url)).body)).toBe('squeezed');
      expect((await pool.sdkFetch(url, { method: 'HEAD' })).body).toBeNull();
    });

    it('does close the connection when iteration stops early, as cancelling a web stream does', async () => {
      const { url, pool, closed } = await setUp((_path, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write('data: first\n\n');
        // Never ends: only the client can stop it.
      });
      const response = await pool.sdkFetch(url);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        expect(new TextDecoder().decode(chunk)).toBe('data: first\n\n');
        break;
      }
      await closed();
    });

    it('does fail iteration with the same error as the standard fetch when the signal aborts mid-stream', async () => {
      const { url, pool } = await setUp((_path, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write('data: first\n\n');
      });
      const failureOf = async (
        fetch: typeof pool.sdkFetch,
        iterate: (body: unknown) => Promise<unknown>,
      ) => {
        const controller = new AbortController();
        const response = await fetch(url, { signal: controller.signal });
        const reading = iterate(response.body);
        controller.abort(new Error('stop'));
        return reading.then(
          () => 'no error',
          (error: unknown) => error,
        );
      };
      const standard = await failureOf(pool, (body) =>
        (body as ReadableStream<Uint8Array>).pipeTo(new WritableStream()),
      );
      const iterated = await failureOf(pool.sdkFetch, readAll);
      expect(iterated).toBeInstanceOf(Error);
      expect((iterated as Error).message).toBe((standard as Error).message);
    });
  });
});
