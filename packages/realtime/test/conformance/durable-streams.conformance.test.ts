import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  runConformanceTests,
  type ConformanceTestOptions,
} from '@durable-streams/server-conformance-tests';
import { afterAll, beforeAll, beforeEach, vi, type TestContext } from 'vitest';
import { createMemoryRealtimeLog } from '../../src/index.js';
import { createRealtimeServer, type RealtimeServer } from '../../src/server.js';
import { excludedConformanceTests } from './excluded-tests.js';

// The published Durable Streams conformance suite against our HTTP routes, over loopback, with
// auth: 'none' (the suite sends no credentials). Excluded tests and why: README, "Durable Streams
// compatibility", and ./excluded-tests.ts.
// Some tests check 100 KiB byte by byte; give them room on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

const options: ConformanceTestOptions = { baseUrl: '', longPollTimeoutMs: 2_000 };
let server: Server;
let realtime: RealtimeServer;

beforeAll(async () => {
  realtime = createRealtimeServer({
    log: createMemoryRealtimeLog(),
    auth: 'none',
    longPollTimeout: 2_000,
    maxBodyBytes: 1024 * 1024,
    config: {
      realtime: { protocol: 'sse', maxLatency: 100, bufferSize: 10_000, heartbeatInterval: 15_000 },
    },
  });
  server = createServer();
  realtime.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  options.baseUrl = `http://127.0.0.1:${port}/realtime/streams`;
});

afterAll(async () => {
  await realtime.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function suitesOf(context: TestContext): string[] {
  const names: string[] = [];
  for (let suite = context.task.suite; suite !== undefined; suite = suite.suite)
    names.push(suite.name);
  return names;
}

beforeEach((context) => {
  const suites = suitesOf(context);
  const excluded = excludedConformanceTests.find(
    (entry) =>
      (entry.test !== undefined && entry.test === context.task.name) ||
      (entry.suite !== undefined && suites.some((name) => entry.suite!.test(name))),
  );
  if (excluded) context.skip(excluded.reason);
});

runConformanceTests(options);
