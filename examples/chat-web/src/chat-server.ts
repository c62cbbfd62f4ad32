import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentryError, createAgentry, toAgentryError, type Agentry } from '@agentry/core';
import { openaiModels, openaiPlugin } from '@agentry/openai';
import { realtime, realtimeChannels } from '@agentry/realtime';
import { createSqliteRealtimeLog } from '@agentry/store-sqlite';
import { providerConfiguration } from '@agentry/testing';
import { bundlePage, type PageBundle } from './page-bundle.js';

/** What {@link startChatServer} takes. */
export interface ChatServerOptions {
  /** The SQLite file the realtime log is kept in; a restarted server serves what it holds. */
  readonly databasePath: string;
  /**
   * The OpenAI Responses API base URL: the emulator's (`emulator.baseURL('openai-responses')`),
   * or undefined for the real API with `apiKey`.
   */
  readonly modelUrl: string | undefined;
  /** The OpenAI key; a throwaway one is made for the emulator. */
  readonly apiKey?: string;
  /** The port (default 0: a free one) and address (default 127.0.0.1). */
  readonly port?: number;
  readonly host?: string;
  /** Events kept per channel (`communication.realtime.bufferSize`); default 10 000. */
  readonly bufferSize?: number;
  /** A run's snapshot is stored after this many entries (default 100), and at its end. */
  readonly snapshotEvery?: number;
}

/** A running chat server. */
export interface ChatServer {
  /** The page's address, such as `http://127.0.0.1:3000/`. */
  readonly url: string;
  /** Stops taking requests, shuts the Agentry instance down and closes the log. */
  close(): Promise<void>;
}

const model = openaiModels.find((info) => info.name === 'gpt-5.4-mini');
const userCookie = 'chat-user';
/** A browser's ticket is good for ten minutes; the page asks for a new one on each connection. */
const ticketTtl = 10 * 60_000;

/**
 * Starts the chat example's server: the page at `/`, its script at `/page.js`, `POST /api/chat`
 * (starts an agent run and answers with the run's channel), `POST /api/ticket` (a ticket for a
 * channel of the caller's own), and the realtime routes under `/realtime` from
 * `agentry.realtime.attach(server)`.
 *
 * Every run's events go to a SQLite realtime log, so a server started again on the same file
 * serves them all, and ends with a `RUN_ERROR` the runs the stopped one left unfinished.
 *
 * @example
 * ```ts
 * import { startEmulator } from '@agentry/testing';
 * import { chatReply } from './chat-answer.js';
 * import { startChatServer } from './chat-server.js';
 *
 * const emulator = await startEmulator({ defaultTurn: chatReply(100) });
 * const server = await startChatServer({
 *   databasePath: 'chat-web.db',
 *   modelUrl: emulator.baseURL('openai-responses'),
 * });
 * console.log(`Open ${server.url}`);
 * ```
 */
export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  if (model === undefined) throw new Error('gpt-5.4-mini is not in the OpenAI catalogue.');
  const page = await bundlePage();
  const log = createSqliteRealtimeLog({ path: options.databasePath });
  let agentry: Agentry | undefined;
  try {
    agentry = await createAgentry({
      config: {
        ...providerConfiguration({
          type: 'openai',
          model: model.name,
          capabilities: model.capabilities,
          ...(options.modelUrl === undefined ? {} : { endpoint: options.modelUrl }),
          authentication: { type: 'api_key', configuration: { apiKey: '${env:OPENAI_API_KEY}' } },
        }),
        communication: {
          realtime: {
            protocol: 'websocket',
            maxLatency: 100,
            bufferSize: options.bufferSize ?? 10_000,
            heartbeatInterval: 15_000,
          },
          batching: { enabled: true, maxBatchSize: 32, maxWaitTime: 20, flushInterval: 50 },
          connectionPool: { maxConnections: 1_000, idleTimeout: 300_000, maxReuseCount: 1_000 },
          // Plain HTTP on loopback; behind TLS set encryption: true and the server refuses plain HTTP.
          protocols: [
            { name: 'websocket', version: '13', encryption: false, compression: true },
            { name: 'sse', version: '1', encryption: false, compression: true },
            { name: 'long_polling', version: '1', encryption: false, compression: true },
          ],
        },
      },
      // A throwaway key of the right shape for the emulator, made at run time.
      env: {
        OPENAI_API_KEY: options.apiKey ?? `sk-proj-${randomBytes(32).toString('hex')}`,
      },
      plugins: [openaiPlugin(), realtime({ log, snapshotEvery: options.snapshotEvery ?? 100 })],
    });
  } catch (error) {
    await log.close();
    throw error;
  }
  const instance = agentry;
  const server = createServer((request, response) => {
    // The realtime listener added by attach() answers everything under /realtime.
    if (request.url?.startsWith('/realtime/') === true) return;
    route(instance, page, request, response).catch((error: unknown) => {
      const failure = toAgentryError(error);
      if (!response.headersSent) sendJson(response, failure.httpStatus, failure.toJSON());
      else response.destroy();
    });
  });
  instance.realtime.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await instance.shutdown();
      await closed;
      await log.close();
    },
  };
}

async function route(
  agentry: Agentry,
  page: PageBundle,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = `${request.method ?? 'GET'} ${path}`;
  if (route === 'GET /') {
    const cookie = userOf(request) === undefined ? `${userCookie}=${randomUUID()}` : undefined;
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(cookie === undefined
        ? {}
        : { 'set-cookie': `${cookie}; Path=/; HttpOnly; SameSite=Strict` }),
    });
    response.end(page.html);
    return;
  }
  if (route === 'GET /page.js') {
    response.writeHead(200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(page.script);
    return;
  }
  if (route === 'POST /api/chat') {
    const userId = requireUser(request);
    const { message } = await readJson(request);
    if (typeof message !== 'string' || message.trim() === '' || message.length > 4_000) {
      throw new AgentryError({
        code: 'validation_failed',
        message: 'message must be a non-empty string of at most 4 000 characters.',
        details: { path: 'message' },
        suggestions: ['Send {"message": "your question"}.'],
      });
    }
    const agent = agentry.createAgent({
      instructions:
        'You explain how Agentry streams answers to web pages. Answer in one paragraph.',
      context: { userId },
    });
    const run = agent.send(message);
    // The agent is only for this run: shut it down when the run ends, however it ends.
    void run.result.then(
      () => agent.shutdown(),
      () => agent.shutdown(),
    );
    const channel = realtimeChannels.run(run.id);
    await channelCreated(agentry, channel);
    sendJson(response, 200, { channel });
    return;
  }
  if (route === 'POST /api/ticket') {
    const userId = requireUser(request);
    const { channel } = await readJson(request);
    const info = typeof channel === 'string' ? await agentry.realtime.log.info(channel) : undefined;
    // Only the user who started a run gets a ticket for its channel.
    if (typeof channel !== 'string' || info?.options.labels.userId !== userId) {
      throw new AgentryError({
        code: 'permission_denied',
        message: `No run of yours has the channel ${JSON.stringify(channel)}.`,
        details: { path: 'channel' },
        suggestions: ['Ask for a ticket for a channel that POST /api/chat gave you.'],
      });
    }
    const ticket = agentry.realtime.issueTicket({ userId, channels: [channel], ttl: ticketTtl });
    sendJson(response, 200, { ticket });
    return;
  }
  sendJson(response, 404, { code: 'not_found', message: `No route ${route}.` });
}

/**
 * Waits until the run's channel exists in the log (the plug-in creates it with the run's first
 * events, within `maxLatency`), so the page never subscribes to a channel that is not there yet.
 */
async function channelCreated(agentry: Agentry, channel: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await agentry.realtime.log.info(channel)) === undefined) {
    if (Date.now() > deadline) {
      throw new AgentryError({
        code: 'timeout',
        message: `The run's channel ${channel} was not created within 10 s.`,
        details: { channel },
        suggestions: ['Check the server log for a realtime-error.'],
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function userOf(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === userCookie && value !== undefined && value !== '') return value;
  }
  return undefined;
}

function requireUser(request: IncomingMessage): string {
  const userId = userOf(request);
  if (userId !== undefined) return userId;
  throw new AgentryError({
    code: 'unauthenticated',
    message: 'The request has no chat-user cookie.',
    suggestions: ['Load the page first: it sets the cookie.'],
  });
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) {
      throw new AgentryError({
        code: 'validation_failed',
        message: 'The request body is larger than 64 KiB.',
        suggestions: ['Send a shorter message.'],
      });
    }
    chunks.push(chunk);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  throw new AgentryError({
    code: 'validation_failed',
    message: 'The request body is not a JSON object.',
    suggestions: ['Send a JSON object with content-type application/json.'],
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
