import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Headers as UndiciHeaders } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import { createPooledFetch, type PooledFetch } from './create-pooled-fetch.js';

interface TestServer {
  readonly url: string;
  /** Sockets open now. */
  readonly open: number;
  /** The most sockets open at once so far. */
  readonly maxOpen: number;
  /** Requests seen: the socket number and the `connection` header of each. */
  readonly requests: { socket: number; connection: string | undefined; body: string }[];
  /** Resolves when socket number `socket` has closed. */
  closed(socket: number): Promise<void>;
  close(): Promise<void>;
}

/** A loopback server that answers each request with the number of the socket it came on. */
async function startServer(
  handle: (request: IncomingMessage, response: ServerResponse, socket: number) => void = (
    _request,
    response,
    socket,
  ) => response.end(String(socket)),
): Promise<TestServer> {
  const socketIds = new WeakMap<Socket, number>();
  const closes = new Map<number, Promise<void>>();
  const sockets = new Set<Socket>();
  const requests: TestServer['requests'] = [];
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((request, response) => {
    const socket = socketIds.get(request.socket) ?? -1;
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      requests.push({ socket, connection: request.headers.connection, body });
      handle(request, response, socket);
    });
  });
  server.on('connection', (socket) => {
    const id = closes.size + 1;
    socketIds.set(socket, id);
    sockets.add(socket);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    closes.set(
      id,
      new Promise((resolve) =>
        socket.on('close', () => {
          open -= 1;
          sockets.delete(socket);
          resolve();
        }),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get open() {
      return open;
    },
    get maxOpen() {
      return maxOpen;
    },
    requests,
    closed: (socket) => closes.get(socket) ?? Promise.reject(new Error(`no socket ${socket}`)),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(
  config: Parameters<typeof createPooledFetch>[0],
  handle?: Parameters<typeof startServer>[0],
): Promise<{ server: TestServer; fetch: PooledFetch }> {
  const server = await startServer(handle);
  cleanups.push(() => server.close());
  const fetch = createPooledFetch(config);
  cleanups.push(() => fetch.close());
  return { server, fetch };
}

async function sequence(fetch: PooledFetch, url: string, count: number): Promise<string[]> {
  const sockets: string[] = [];
  for (let index = 0; index < count; index += 1) {
    sockets.push(await (await fetch(url)).text());
  }
  return sockets;
}

describe('createPooledFetch', () => {
  it('does reuse one keep-alive connection for sequential requests', async () => {
    const { server, fetch } = await setUp({ maxConnections: 1 });
    expect(await sequence(fetch, server.url, 5)).toEqual(['1', '1', '1', '1', '1']);
    expect(server.requests.every((request) => request.connection === 'keep-alive')).toBe(true);
  });

  it('does keep reusing warm connections under the default settings', async () => {
    const { server, fetch } = await setUp({});
    await sequence(fetch, server.url, 10);
    // undici lets a connection rest for one event-loop turn after a response, so back-to-back
    // requests alternate between two connections instead of opening ten.
    expect(server.maxOpen).toBeLessThanOrEqual(2);
    expect(server.open).toBe(server.maxOpen);
  });

  it('does retire a connection after maxReuseCount reuses and reuse the next one', async () => {
    const { server, fetch } = await setUp({ maxConnections: 1, maxReuseCount: 2 });
    const sockets = await sequence(fetch, server.url, 6);
    expect(sockets).toEqual(['1', '1', '1', '2', '2', '2']);
    expect(server.requests.map((request) => request.connection)).toEqual([
      'keep-alive',
      'keep-alive',
      'close',
      'keep-alive',
      'keep-alive',
      'close',
    ]);
    await server.closed(1);
  });

  it('does open at most maxConnections connections to an origin', async () => {
    const held: ServerResponse[] = [];
    const { server, fetch } = await setUp({ maxConnections: 2 }, (_request, response, socket) => {
      held.push(response);
      // Answer once both connections carry a request, so requests had to queue for them.
      if (held.length === 2) {
        for (const waiting of held.splice(0)) waiting.end(String(socket));
      }
    });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => fetch(server.url).then((response) => response.text())),
    );
    expect(responses).toHaveLength(6);
    expect(server.maxOpen).toBe(2);
  });

  it('does close a connection idle for idleTimeout even when the server allows longer', async () => {
    const { server, fetch } = await setUp({ idleTimeout: 50 });
    const started = Date.now();
    await sequence(fetch, server.url, 1);
    await server.closed(1);
    // Node's server hints `Keep-Alive: timeout=5`, which undici alone would follow for 4 s.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does send a Request built with the global Request class', async () => {
    const { server, fetch } = await setUp({}, (request, response) => {
      response.end(`${request.method ?? ''} ${String(request.headers['x-test'])}`);
    });
    const request = new Request(server.url, {
      method: 'POST',
      headers: { 'x-test': 'yes' },
      body: '{"a":1}',
    });
    const response = await fetch(request);
    expect(await response.text()).toBe('POST yes');
    expect(server.requests[0]?.body).toBe('{"a":1}');
  });

  it('does close its connections on close() and refuse later requests', async () => {
    const server = await startServer();
    cleanups.push(() => server.close());
    const fetch = createPooledFetch();
    await sequence(fetch, server.url, 1);
    expect(server.open).toBe(1);
    await fetch.close();
    await server.closed(1);
    expect(server.open).toBe(0);
    await expect(fetch.close()).resolves.toBeUndefined();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('does send a string body with the headers given and the defaults fetch adds', async () => {
    const { server, fetch } = await setUp({}, (request, response) => {
      response.setHeader('x-seen', JSON.stringify(request.headers));
      response.end('ok');
    });
    const response = await fetch(`${server.url}/path?q=1#part`, {
      method: 'post',
      headers: new Headers({ 'X-Test': 'yes' }),
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${server.url}/path?q=1`);
    expect(await response.text()).toBe('ok');
    expect(JSON.parse(response.headers.get('x-seen') ?? '{}')).toMatchObject({
      'x-test': 'yes',
      'content-type': 'text/plain;charset=UTF-8',
      accept: '*/*',
      'accept-encoding': 'gzip, deflate',
    });
    expect(server.requests[0]?.body).toBe('{"a":1}');
  });

  it('does decode a gzip body', async () => {
    const { server, fetch } = await setUp({}, (_request, response) => {
      response.setHeader('content-encoding', 'gzip');
      response.end(gzipSync('squeezed'));
    });
    expect(await (await fetch(server.url)).text()).toBe('squeezed');
  });

  it('does give a null body for a 204 and follow a redirect', async () => {
    const { server, fetch } = await setUp({}, (request, response) => {
      if (request.url === '/old') {
        response.statusCode = 307;
        response.setHeader('location', '/new');
        response.end();
      } else if (request.url === '/empty') {
        response.statusCode = 204;
        response.end();
      } else response.end(`${request.method ?? ''} ${request.url ?? ''}`);
    });
    const empty = await fetch(`${server.url}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const moved = await fetch(`${server.url}/old`, { method: 'POST', body: 'x' });
    expect(await moved.text()).toBe('POST /new');
    expect(moved.redirected).toBe(true);
  });

  it('follows a redirect as fetch does, sending the request to each server once', async () => {
    const seen: string[] = [];
    const other = await startServer((request, response) => {
      seen.push(
        `other ${request.method ?? ''} ${request.url ?? ''} ${String(request.headers.authorization)}`,
      );
      response.end('elsewhere');
    });
    cleanups.push(() => other.close());
    const { server, fetch } = await setUp({}, (request, response) => {
      seen.push(
        `${request.method ?? ''} ${request.url ?? ''} ${String(request.headers.authorization)}`,
      );
      const to: Record<string, string> = {
        '/create': '/created',
        '/away': `${other.url}/landing`,
        '/loop': '/loop',
        '/file': 'file:///etc/passwd',
      };
      const location = to[request.url ?? ''];
      if (location === undefined) return void response.end(`${request.method ?? ''} done`);
      response.statusCode = request.url === '/create' ? 303 : 307;
      response.setHeader('location', location);
      response.end();
    });
    const headers = { authorization: 'Bearer t0ken', 'content-type': 'application/json' };

    // A 303 after a POST: the POST is sent once, then the new place is fetched with GET.
    const created = await fetch(`${server.url}/create`, { method: 'POST', body: '{}', headers });
    expect(await created.text()).toBe('GET done');
    expect(created.redirected).toBe(true);
    expect(created.url).toBe(`${server.url}/created`);
    expect(seen.splice(0)).toEqual(['POST /create Bearer t0ken', 'GET /created Bearer t0ken']);
    expect(server.requests.map((request) => request.body)).toEqual(['{}', '']);

    // Another origin gets the request without its credentials.
    const away = await fetch(`${server.url}/away`, { method: 'POST', body: '{}', headers });
    expect(await away.text()).toBe('elsewhere');
    expect(seen.splice(0)).toEqual(['POST /away Bearer t0ken', 'other POST /landing undefined']);

    // Too many redirects, or one to a scheme that is not http(s), fail as fetch fails.
    for (const path of ['/loop', '/file']) {
      const failure = await fetch(`${server.url}${path}`).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TypeError);
      expect((failure as Error).message).toBe('fetch failed');
    }
    expect(seen.filter((line) => line.startsWith('GET /loop'))).toHaveLength(21);
  });

  describe('headers', () => {
    const seenHeaders = async () => {
      const seen: IncomingMessage['headers'][] = [];
      const { server, fetch } = await setUp({}, (request, response) => {
        seen.push(request.headers);
        response.end('ok');
      });
      return { server, fetch, seen };
    };
    const token = () => `Bearer ${'t'.repeat(24)}`;

    it.each([
      ['a plain object', () => ({ Authorization: token(), 'X-Trace': 'a' })],
      ['a global Headers', () => new Headers({ Authorization: token(), 'X-Trace': 'a' })],
      ["undici's Headers", () => new UndiciHeaders({ Authorization: token(), 'X-Trace': 'a' })],
      [
        'a Map',
        () =>
          new Map([
            ['Authorization', token()],
            ['X-Trace', 'a'],
          ]),
      ],
      [
        'an array of pairs',
        () => [
          ['Authorization', token()],
          ['X-Trace', 'a'],
        ],
      ],
      [
        'an iterable of pairs',
        () =>
          (function* () {
            yield ['Authorization', token()];
            yield new Set(['X-Trace', 'a']);
          })(),
      ],
    ])('does send every header given as %s, on both paths', async (_form, make) => {
      const { server, fetch, seen } = await seenHeaders();
      // A string body goes straight to the pool; a Blob body through undici's fetch.
      for (const body of ['{}', new Blob(['{}'])]) {
        const headers = make() as unknown as RequestInit['headers'];
        const response = await fetch(`${server.url}/x`, { method: 'POST', headers, body });
        expect(await response.text()).toBe('ok');
      }
      expect(seen).toHaveLength(2);
      for (const headers of seen) {
        expect(headers).toMatchObject({ authorization: token(), 'x-trace': 'a' });
      }
    });

    it('does join repeated names and refuse a pair that is not a pair, as fetch does', async () => {
      const { server, fetch, seen } = await seenHeaders();
      await fetch(server.url, {
        headers: [
          ['X-Trace', 'a'],
          ['x-trace', 'b'],
        ],
      });
      expect(seen[0]?.['x-trace']).toBe('a, b');
      const headers = [['X-Trace', 'a', 'b']] as unknown as RequestInit['headers'];
      await expect(fetch(server.url, { headers })).rejects.toBeInstanceOf(TypeError);
      expect(seen).toHaveLength(1);
    });
  });

  describe('redirects', () => {
    // Every header the providers send a credential in, and some that carry none.
    const credentialHeaders = {
      authorization: 'Bearer a-token-of-the-caller',
      'proxy-authorization': 'Basic cHJveHk6cGFzcw==',
      cookie: 'session=abc',
      'x-api-key': 'the-anthropic-key',
      'x-goog-api-key': 'the-google-key',
      'api-key': 'the-azure-key',
      'cf-aig-authorization': 'Bearer the-gateway-token',
      'x-auth-token': 'another-token',
    };
    const plainHeaders = { 'anthropic-version': '2026-10-21', 'x-trace': 'a' };

    async function redirecting(status: number) {
      const landed: IncomingMessage['headers'][] = [];
      const other = await startServer((request, response) => {
        landed.push(request.headers);
        response.end('elsewhere');
      });
      cleanups.push(() => other.close());
      const { server, fetch } = await setUp({}, (request, response) => {
        if (request.url === '/here') {
          landed.push(request.headers);
          return void response.end('here');
        }
        response.statusCode = status;
        response.setHeader('location', request.url === '/away' ? `${other.url}/landing` : '/here');
        response.end();
      });
      return { server, fetch, landed };
    }

    it.each([307, 308, 302])(
      'does drop every credential header on a %i to another origin, on both paths',
      async (status) => {
        const { server, fetch, landed } = await redirecting(status);
        for (const body of ['{}', new Blob(['{}'])]) {
          const headers = { ...credentialHeaders, ...plainHeaders };
          const response = await fetch(`${server.url}/away`, { method: 'PUT', headers, body });
          expect(await response.text()).toBe('elsewhere');
        }
        expect(landed).toHaveLength(2);
        for (const headers of landed) {
          for (const name of Object.keys(credentialHeaders))
            expect(headers).not.toHaveProperty(name);
          expect(headers).toMatchObject(plainHeaders);
        }
      },
    );

    it('does keep the credential headers on a redirect within the origin', async () => {
      const { server, fetch, landed } = await redirecting(307);
      for (const body of ['{}', new Blob(['{}'])]) {
        const headers = { ...credentialHeaders, ...plainHeaders };
        const response = await fetch(`${server.url}/near`, { method: 'PUT', headers, body });
        expect(await response.text()).toBe('here');
      }
      expect(landed).toHaveLength(2);
      for (const headers of landed) expect(headers).toMatchObject(credentialHeaders);
    });
  });

  it('does reject with the signal reason when aborted before or during the body', async () => {
    const { server, fetch } = await setUp({}, (_request, response) => {
      response.write('first');
    });
    const early = new AbortController();
    early.abort(new Error('early'));
    await expect(fetch(server.url, { signal: early.signal })).rejects.toThrow('early');
    const late = new AbortController();
    const response = await fetch(server.url, { signal: late.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first');
    late.abort(new Error('late'));
    await expect(reader.read()).rejects.toThrow('late');
  });

  it('does reject with TypeError when the server cannot be reached', async () => {
    const { server, fetch } = await setUp({});
    const url = server.url;
    await server.close();
    const failure = await fetch(url).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as Error).message).toBe('fetch failed');
  });

  it.each([
    [{ maxConnections: 0 }, 'maxConnections'],
    [{ idleTimeout: 1.5 }, 'idleTimeout'],
    [{ maxReuseCount: -1 }, 'maxReuseCount'],
  ])('does refuse %j with validation_failed', (config, field) => {
    let thrown: unknown;
    try {
      createPooledFetch(config);
    } catch (error) {
      thrown = error;
    }
    expect(AgentryError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'validation_failed' });
    expect((thrown as Error).message).toContain(field);
  });
});
