/**
 * Idle WebSocket connections (`@agentry/realtime/server`), against the realtime work's targets:
 * 1. an idle connection retains at most 4 KiB of server heap;
 * 2. 10,000 idle connections are held by one process.
 *
 * Method: the compiled benchmark runs on the built packages under `node --expose-gc`. The
 * measuring process runs an HTTP server on loopback with the WebSocket gateway (memory log,
 * default limits, heartbeats every 30 s); a child process (`realtime-ws-clients.js`) opens the
 * connections and keeps them idle, so client memory is not counted. (1) The heap after GC is
 * taken before and after 2,000 connections are open and authenticated; the figure is the delta
 * divided by 2,000 (array buffers, where socket buffers would live, are reported beside it).
 * (2) 10,000 connections are opened and the gateway's count is checked; the open-file limit of
 * the process is printed, since each connection holds one descriptor here and one in the child.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { createMemoryRealtimeLog, type CommunicationConfig } from '@agentry/realtime';
import { createWebSocketGateway } from '@agentry/realtime/server';

const config: CommunicationConfig = {
  realtime: {
    protocol: 'websocket',
    maxLatency: 100,
    bufferSize: 10_000,
    heartbeatInterval: 30_000,
  },
  batching: { enabled: true, maxBatchSize: 64, maxWaitTime: 20, flushInterval: 50 },
  connectionPool: { maxConnections: 20_000, idleTimeout: 300_000, maxReuseCount: 1_000 },
  protocols: [{ name: 'websocket', version: '13', encryption: false, compression: false }],
};

function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, arrayBuffers: usage.arrayBuffers, rss: usage.rss };
}

async function measure(count: number) {
  const gateway = createWebSocketGateway({
    log: createMemoryRealtimeLog(),
    config,
    auth: {
      authenticate: () => Promise.resolve({ id: 'bench' }),
      authorize: () => Promise.resolve(),
    },
  });
  const server = createServer();
  server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve),
  );
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/realtime/ws`;
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = memory();
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./realtime-ws-clients.js', import.meta.url)), url, String(count)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve) =>
    child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
  );
  // Let the last upgrades settle before the heap is read.
  for (let wait = 0; wait < 50 && gateway.connections < count; wait++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = memory();
  const held = gateway.connections;
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  await gateway.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    count,
    clients: line,
    held,
    heapPerConnection: (after.heap - before.heap) / count,
    arrayBuffersPerConnection: (after.arrayBuffers - before.arrayBuffers) / count,
    rssPerConnection: (after.rss - before.rss) / count,
  };
}

async function main(): Promise<void> {
  let limit = 'unknown';
  try {
    limit = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a POSIX shell: the figure is still measured.
  }
  console.log(`open-file limit (ulimit -n): ${limit}`);
  const idle = await measure(2_000);
  console.log(
    `2,000 idle connections: ${idle.held} held (${idle.clients}); server heap ${(idle.heapPerConnection / 1024).toFixed(2)} KiB per connection ` +
      `(target <= 4 KiB), array buffers ${(idle.arrayBuffersPerConnection / 1024).toFixed(2)} KiB, RSS ${(idle.rssPerConnection / 1024).toFixed(1)} KiB`,
  );
  const many = await measure(10_000);
  console.log(
    `10,000 idle connections: ${many.held} held (${many.clients}); server heap ${(many.heapPerConnection / 1024).toFixed(2)} KiB per connection, ` +
      `RSS ${(many.rssPerConnection / 1024).toFixed(1)} KiB per connection`,
  );
  if (idle.heapPerConnection > 4096 || many.held !== 10_000) process.exitCode = 1;
}

void main();
