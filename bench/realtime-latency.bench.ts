/**
 * Realtime latency and ingest benchmarks (`@agentry/realtime`), against the realtime work's targets:
 * 1. append → live reader p50 at most 1 ms on the memory log and 5 ms on the SQLite log, p99 at
 *    most 25 ms on both;
 * 2. at least 2,000 token events a second per run with coalescing, on the SQLite log.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`.
 * (1) One WebSocket gateway on loopback over each log (SQLite with its default, `synchronous:
 * 'full'`, in a temporary file), one `ws` reader in this process following the channel from `now`,
 * batching off (batching holds an event up to `maxWaitTime` on purpose; `maxLatency` bounds that).
 * 2,000 single-event appends, each made once the reader has the previous one; the figure is the time
 * from calling `append` to the reader's `message` event: the durable write, the gateway's read and
 * framing, the socket and the reader's parse. The floor, in the same run, is a bare `ws` echo of the
 * same frame over the same loopback (what the socket alone costs).
 * (2) An Agentry instance with `realtime()` on the SQLite log and a model that streams 20,000 text
 * deltas as fast as the agent takes them; the figure is deltas per second from the run's start to
 * its channel being closed (every delta durable, coalesced by the default batching: at most 64
 * events or 20 ms a batch). The run's channel, its agent channel and its session channel are all
 * written, as by default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createAgentry,
  type LanguageModel,
  type ModelStreamPart,
  type RealtimeLog,
} from '@agentry/core';
import {
  createMemoryRealtimeLog,
  defaultCommunicationConfig,
  realtime,
  realtimeChannels,
} from '@agentry/realtime';
import { REALTIME_SUBPROTOCOL, createWebSocketGateway } from '@agentry/realtime/server';
import { createSqliteRealtimeLog } from '@agentry/store-sqlite';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { WebSocket, WebSocketServer } from 'ws';

const APPENDS = 2_000;
const DELTAS = 20_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
};

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  return (server.address() as AddressInfo).port;
}

/** Append → reader latency through the gateway over one log, in milliseconds per append. */
async function appendToReader(log: RealtimeLog): Promise<number[]> {
  const channel = 'run/latency';
  await log.create(channel, { maxEntries: 100_000 });
  const server = createServer();
  const gateway = createWebSocketGateway({
    log,
    config: {
      ...defaultCommunicationConfig,
      batching: { ...defaultCommunicationConfig.batching, enabled: false },
    },
    auth: {
      authenticate: () => Promise.resolve({ id: 'bench' }),
      authorize: () => Promise.resolve(),
    },
  });
  server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  const port = await listen(server);
  const reader = new WebSocket(`ws://127.0.0.1:${port}/realtime/ws`, REALTIME_SUBPROTOCOL);
  let received: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    reader.once('error', reject);
    reader.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string };
      if (message.type === 'subscribed') resolve();
      if (message.type === 'events') received?.();
    });
    reader.once('open', () =>
      reader.send(JSON.stringify({ type: 'subscribe', channel, offset: 'now' })),
    );
  });
  const times: number[] = [];
  for (let n = 0; n < APPENDS; n += 1) {
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const started = performance.now();
    await log.append(channel, [
      JSON.stringify({ type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: `token ${n} ` }),
    ]);
    await arrived;
    times.push(performance.now() - started);
  }
  reader.close();
  await gateway.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return times;
}

/** The floor: a bare `ws` server echoing a frame of the same size to the same kind of reader. */
async function bareEcho(): Promise<number[]> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  let peer: WebSocket | undefined;
  wss.on('connection', (socket) => (peer = socket));
  const port = await listen(server);
  const reader = new WebSocket(`ws://127.0.0.1:${port}`);
  let received: (() => void) | undefined;
  reader.on('message', () => received?.());
  await new Promise<void>((resolve) => reader.once('open', () => resolve()));
  while (peer === undefined) await new Promise((resolve) => setImmediate(resolve));
  const times: number[] = [];
  for (let n = 0; n < APPENDS; n += 1) {
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const started = performance.now();
    peer.send(
      JSON.stringify({
        type: 'events',
        channel: 'run/latency',
        events: [
          {
            offset: '0193a1b2c3d4_0000000000000001',
            data: { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: `token ${n} ` },
          },
        ],
        upToDate: true,
      }),
    );
    await arrived;
    times.push(performance.now() - started);
  }
  reader.close();
  wss.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return times;
}

/** A model whose one answer is `DELTAS` text deltas, streamed without waiting on anything. */
function tokenModel(): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: 'openai',
    modelId: 'tokens',
    capabilities: {
      maxTokens: 100_000,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: false,
      maxConcurrency: 10,
    },
    generate: () => Promise.reject(new Error('the benchmark streams')),
    // eslint-disable-next-line @typescript-eslint/require-await
    async *stream(): AsyncGenerator<ModelStreamPart> {
      yield { type: 'text-start', id: 't' };
      for (let n = 0; n < DELTAS; n += 1) yield { type: 'text-delta', id: 't', delta: `t${n} ` };
      yield { type: 'text-end', id: 't' };
      yield {
        type: 'response-end',
        finishReason: 'stop',
        usage: { inputTokens: 1, outputTokens: DELTAS, totalTokens: DELTAS + 1 },
      };
    },
  };
}

/** Token events a second for one run through `realtime()` on the SQLite log. */
async function ingest(path: string): Promise<{ perSecond: number; entries: number }> {
  const log = createSqliteRealtimeLog({ path });
  const agentry = await createAgentry({
    config: providerConfiguration({
      type: 'openai',
      model: 'tokens',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:BENCH_KEY}' } },
    }),
    env: { BENCH_KEY: ['mock', 'bench', 'key', String(process.pid)].join('-') },
    plugins: [
      {
        name: 'bench-provider',
        version: '1.0.0',
        providers: [createMockProvider({ model: tokenModel() })],
      },
      realtime({ log }),
    ],
  });
  const agent = agentry.createAgent({});
  const started = performance.now();
  const run = agent.send('go');
  const channel = realtimeChannels.run(run.id);
  await run;
  // The run's events are durable once its channel is closed (its last append closes it).
  for (;;) {
    const info = await log.info(channel);
    if (info?.closed === true) break;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const seconds = (performance.now() - started) / 1000;
  const entries = (await log.read(channel, '-1', { limit: 100_000 })).entries.length;
  await agentry.shutdown();
  await log.close();
  return { perSecond: DELTAS / seconds, entries };
}

const directory = mkdtempSync(join(tmpdir(), 'agentry-realtime-bench-'));
try {
  const floor = await bareEcho();
  const memory = await appendToReader(createMemoryRealtimeLog());
  const sqliteLog = createSqliteRealtimeLog({ path: join(directory, 'latency.db') });
  const sqlite = await appendToReader(sqliteLog);
  await sqliteLog.close();
  const tokens = await ingest(join(directory, 'ingest.db'));

  const rows = [
    [
      'append → reader, memory log, p50 (ms)',
      percentile(memory, 50),
      '<= 1',
      percentile(memory, 50) <= 1,
    ],
    [
      'append → reader, memory log, p99 (ms)',
      percentile(memory, 99),
      '<= 25',
      percentile(memory, 99) <= 25,
    ],
    [
      'append → reader, SQLite log, p50 (ms)',
      percentile(sqlite, 50),
      '<= 5',
      percentile(sqlite, 50) <= 5,
    ],
    [
      'append → reader, SQLite log, p99 (ms)',
      percentile(sqlite, 99),
      '<= 25',
      percentile(sqlite, 99) <= 25,
    ],
    ['  floor: bare ws frame to reader, p50 (ms)', percentile(floor, 50), '', true],
    [
      'token events per run with coalescing, SQLite (/s)',
      tokens.perSecond,
      '>= 2000',
      tokens.perSecond >= 2_000,
    ],
    ['  entries written to the run channel', tokens.entries, '', true],
  ] as const;
  for (const [name, value, target, ok] of rows)
    console.log(
      `${ok ? 'ok  ' : 'MISS'} ${name.padEnd(50)} ${(Number.isInteger(value) ? String(value) : value.toFixed(3)).padStart(10)}  ${target}`,
    );
  if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
