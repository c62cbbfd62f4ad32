/**
 * Broadcast throughput of the WebSocket gateway (`@agentry/realtime/server`), against the realtime
 * work's targets, with 10 clients on loopback:
 * 1. at least 0.75x a bare `ws` server that serializes each event once and corks its sends;
 * 2. at least 3x a bare `ws` server that serializes each event once per client.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`. Each run starts one
 * server in this process and a child process (`realtime-broadcast-clients.js`) holding 10
 * clients; once every client listens, 20,000 AG-UI `TEXT_MESSAGE_CONTENT` events (~90 bytes of
 * JSON) are produced, yielding to the event loop every 100, and the figure is events delivered
 * per second (20,000 x 10 over the time until the last client has them all). Agentry appends each
 * event to the memory log (one append per event, serialized once by the producer), which mints its
 * offset; the gateway's fan-out builds each batch's frame once and sends it to every subscriber.
 * It runs twice: with the default batching (events coalesced, at most 64 per frame, maxLatency
 * 100 ms) and with batching off (one frame per event, like the bare servers). The bare servers
 * send `{"offset":n,"data":event}` per event. Servers run in turn, 3 rounds; medians are reported.
 * The send buffer bound is raised to 256 MiB so a client process slowed by a busy machine is not
 * closed as a slow consumer mid-run (that bound is tested separately).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { createMemoryRealtimeLog, type CommunicationConfig } from '@agentry/realtime';
import { createWebSocketGateway } from '@agentry/realtime/server';
import { WebSocketServer, type WebSocket } from 'ws';

const events = 20_000;
const clients = 10;
const channel = 'run/bench';

type Mode = 'agentry-batched' | 'agentry-unbatched' | 'bare-once-corked' | 'bare-per-client';

function event(n: number) {
  return { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-1', delta: `token ${n} ` };
}

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/realtime/ws`;
}

async function run(mode: Mode): Promise<number> {
  const server = createServer();
  let produce: () => Promise<void>;
  let stop: () => Promise<void>;
  if (mode === 'agentry-batched' || mode === 'agentry-unbatched') {
    const log = createMemoryRealtimeLog();
    await log.create(channel);
    const config: CommunicationConfig = {
      realtime: {
        protocol: 'websocket',
        maxLatency: 100,
        bufferSize: 100_000,
        heartbeatInterval: 30_000,
      },
      batching: {
        enabled: mode === 'agentry-batched',
        maxBatchSize: 64,
        maxWaitTime: 20,
        flushInterval: 50,
      },
      connectionPool: { maxConnections: 1_000, idleTimeout: 300_000, maxReuseCount: 1_000 },
      protocols: [{ name: 'websocket', version: '13', encryption: false, compression: false }],
    };
    const gateway = createWebSocketGateway({
      log,
      config,
      auth: {
        authenticate: () => Promise.resolve({ id: 'bench' }),
        authorize: () => Promise.resolve(),
      },
      limits: { sendBufferBytes: 256 * 1024 * 1024 },
    });
    server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
    produce = async () => {
      for (let n = 0; n < events; n++) {
        await log.append(channel, [JSON.stringify(event(n))]);
        if (n % 100 === 99) await yieldToLoop();
      }
    };
    stop = () => gateway.close();
  } else {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const sockets: WebSocket[] = [];
    server.on('upgrade', (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => sockets.push(ws)),
    );
    produce = async () => {
      for (let start = 0; start < events; start += 100) {
        if (mode === 'bare-once-corked') {
          for (const ws of sockets) (ws as unknown as { _socket: { cork(): void } })._socket.cork();
          for (let n = start; n < start + 100; n++) {
            const frame = JSON.stringify({ offset: n, data: event(n) });
            for (const ws of sockets) ws.send(frame);
          }
          for (const ws of sockets)
            (ws as unknown as { _socket: { uncork(): void } })._socket.uncork();
        } else {
          for (let n = start; n < start + 100; n++) {
            for (const ws of sockets) ws.send(JSON.stringify({ offset: n, data: event(n) }));
          }
        }
        await yieldToLoop();
      }
    };
    stop = async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    };
  }
  const url = await listen(server);
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('./realtime-broadcast-clients.js', import.meta.url)),
      url,
      mode.startsWith('agentry') ? 'agentry' : 'bare',
      String(events),
      String(clients),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (data: string) => {
    lines.push(...data.split('\n').filter((line) => line.length > 0));
    for (const waiter of waiters.splice(0)) waiter();
  });
  const line = async (text: string) => {
    while (!lines.includes(text)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  await line('ready');
  const started = performance.now();
  await produce();
  await line('done');
  const elapsed = performance.now() - started;
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  await stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return (events * clients) / (elapsed / 1000);
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const all: Mode[] = [
    'bare-once-corked',
    'bare-per-client',
    'agentry-batched',
    'agentry-unbatched',
  ];
  const only = process.argv.slice(2) as Mode[];
  const modes = only.length > 0 ? all.filter((mode) => only.includes(mode)) : all;
  const results = new Map<Mode, number[]>(modes.map((mode) => [mode, []]));
  for (let round = 0; round < 3; round++) {
    for (const mode of modes) results.get(mode)!.push(await run(mode));
  }
  const figure = (mode: Mode) => median(results.get(mode)!);
  for (const mode of modes) {
    console.log(
      `${mode}: ${Math.round(figure(mode)).toLocaleString('en')} events/s delivered (runs: ${results
        .get(mode)!
        .map((value) => Math.round(value))
        .join(', ')})`,
    );
  }
  for (const mode of (['agentry-batched', 'agentry-unbatched'] as const).filter((each) =>
    modes.includes(each),
  )) {
    if (!modes.includes('bare-once-corked') || !modes.includes('bare-per-client')) break;
    const once = figure(mode) / figure('bare-once-corked');
    const perClient = figure(mode) / figure('bare-per-client');
    console.log(
      `${mode}: ${once.toFixed(2)}x bare serialize-once-and-cork (target >= 0.75), ${perClient.toFixed(2)}x bare serialize-per-client (target >= 3)`,
    );
  }
}

void main();
