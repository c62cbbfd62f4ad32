import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { SecurityEvent } from '@agentry/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';
import { RedisLimitStore } from './redis-store.js';
import { createTokenBudget } from './token-budget.js';

// These tests need a real Redis at 127.0.0.1:6379 (`.ci/run` starts one when it is down) and the
// `redis-server` program for the outage test. They fail, never skip, when either is missing.
const URL_6379 = 'redis://127.0.0.1:6379';
let redis: Redis;
const prefix = () => `agentry-test:${randomUUID()}:`;

beforeAll(async () => {
  redis = new Redis(URL_6379, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(
      'Redis is not reachable at 127.0.0.1:6379: start it (redis-server --daemonize yes) or run .ci/run, which starts it.',
    );
  }
});
afterAll(() => {
  redis.disconnect();
});

const worker = fileURLToPath(new URL('./__fixtures__/redis-worker.ts', import.meta.url));

/** Runs `processes` workers against one key and returns each one's counts. */
async function runWorkers(mode: 'atomic' | 'naive', keyPrefix: string, processes = 4) {
  const startAt = Date.now() + 1500;
  const children = Array.from({ length: processes }, () =>
    spawn(
      process.execPath,
      [
        '--conditions=@agentry/source',
        '--import',
        'tsx',
        worker,
        URL_6379,
        keyPrefix,
        '100',
        '60',
        '60',
        mode,
        String(startAt),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  return Promise.all(children.map((child) => outputOf(child)));
}

function outputOf(child: ChildProcess): Promise<{ accepted: number; refused: number }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as { accepted: number; refused: number });
      else reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
}

describe('the Redis store across processes', () => {
  it('holds 4 processes making 100 calls each within a minute to a limit of 60 to exactly 60 accepted', async () => {
    const results = await runWorkers('atomic', prefix());
    const accepted = results.reduce((sum, result) => sum + result.accepted, 0);
    const refused = results.reduce((sum, result) => sum + result.refused, 0);
    expect(accepted).toBe(60);
    expect(refused).toBe(340);
  }, 90_000);

  it('catches races: a read-then-write store (two round trips) overshoots under the same load', async () => {
    const results = await runWorkers('naive', prefix());
    const accepted = results.reduce((sum, result) => sum + result.accepted, 0);
    expect(accepted).toBeGreaterThan(60);
  }, 90_000);

  it('gives the same answers as the memory store in one process: bucket, window, retryAfterMs', async () => {
    const limiter = createRateLimiter({
      requestsPerMinute: 60,
      burstLimit: 3,
      penaltyStrategy: 'reject',
      redis,
      keyPrefix: prefix(),
    });
    for (let index = 0; index < 3; index += 1) await limiter.acquire('k{1}');
    await expect(limiter.acquire('k{1}')).rejects.toMatchObject({
      code: 'rate_limited',
      details: { key: 'k{1}', retryAfterMs: expect.any(Number) },
    });
    const error = await limiter.acquire('k{1}').catch((caught: unknown) => caught);
    const retryAfterMs = (error as { details: { retryAfterMs: number } }).details.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(900);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    await expect(limiter.acquire('k{2}')).resolves.toBeUndefined();
    limiter.close();
  });

  it('runs the rolling window on the server clock: no burst doubles at its edge', async () => {
    // A 400 ms window and a bucket as large as it, so only the window holds the calls back.
    const store = new RedisLimitStore(redis, { limit: 5, capacity: 5, windowMs: 400 }, prefix());
    const accepted: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 1300) {
      if ((await store.consume('k', 1)).ok) accepted.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Client times lag the server's by the round trip: allow 20 ms when sliding the window.
    for (let start = 0; start < accepted.length; start += 1) {
      const inWindow = accepted.filter(
        (at) => at >= accepted[start]! && at < accepted[start]! + 380,
      );
      expect(inWindow.length).toBeLessThanOrEqual(5);
    }
    expect(accepted.length).toBeGreaterThanOrEqual(15);
    const refused = await store.consume('k', 1);
    if (!refused.ok) expect(refused.retryAfterMs).toBeLessThanOrEqual(400);
  });

  it('settles token reservations on the server: refunds and charges', async () => {
    const budget = createTokenBudget({
      tokensPerMinute: 1000,
      penaltyStrategy: 'reject',
      redis,
      keyPrefix: prefix(),
    });
    const first = await budget.reserve('k', 900);
    await expect(budget.reserve('k', 200)).rejects.toMatchObject({ code: 'rate_limited' });
    await first.settle(100);
    const second = await budget.reserve('k', 900);
    await second.settle(1000);
    await expect(budget.reserve('k', 1)).rejects.toMatchObject({ code: 'rate_limited' });
    budget.close();
  });
});

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts a redis-server of the test's own, never the machine's one on 6379. */
async function ownRedis(port: number): Promise<ChildProcess> {
  if (spawnSync('redis-server', ['--version']).status !== 0)
    throw new Error(
      'redis-server is not installed: the outage test needs it (apt-get install redis-server).',
    );
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis(port, '127.0.0.1', {
    retryStrategy: () => 50,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  probe.on('error', () => undefined);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      await probe.connect().catch(() => undefined);
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  return server;
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

const until = async (check: () => boolean, ms = 5000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('Redis stopped mid-test', () => {
  it('insurance: queued calls all settle on the in-memory share, one event per outage, one on recovery', async () => {
    const port = await freePort();
    let server = await ownRedis(port);
    const client = new Redis(port, '127.0.0.1', { retryStrategy: () => 50 });
    client.on('error', () => undefined);
    const events: SecurityEvent[] = [];
    try {
      await client.ping();
      const limiter = createRateLimiter({
        requestsPerMinute: 60,
        burstLimit: 4,
        penaltyStrategy: 'queue',
        redis: client,
        keyPrefix: prefix(),
        onStoreUnavailable: 'insurance',
        expectedProcesses: 2,
        onEvent: (event) => events.push(event),
      });
      for (let index = 0; index < 4; index += 1) await limiter.acquire('k');
      const settled: string[] = [];
      const queued = Array.from({ length: 3 }, (_, index) =>
        limiter.acquire('k').then(
          () => void settled.push(`ok ${index}`),
          (error: { code: string }) => void settled.push(`${error.code} ${index}`),
        ),
      );
      await stop(server);
      await Promise.all(queued);
      // The insurance share is 2 at once (4 / 2 processes), then 1 a second (60 / 2 a minute).
      expect(settled).toEqual(['ok 0', 'ok 1', 'ok 2']);
      expect(events).toEqual([
        expect.objectContaining({
          type: 'security',
          category: 'rate-limit-store-unavailable',
          severity: 'high',
        }),
      ]);
      server = await ownRedis(port);
      await until(() => client.status === 'ready');
      await limiter.acquire('other');
      expect(events.map((event) => event.category)).toEqual([
        'rate-limit-store-unavailable',
        'rate-limit-store-recovered',
      ]);
      expect(JSON.stringify(events)).not.toContain(String(port));
      limiter.close();
    } finally {
      client.disconnect();
      await stop(server);
    }
  }, 30_000);

  it('insurance enforces the share: limits divided by expectedProcesses', async () => {
    const port = await freePort();
    const server = await ownRedis(port);
    const client = new Redis(port, '127.0.0.1', { retryStrategy: () => 50 });
    client.on('error', () => undefined);
    try {
      await client.ping();
      await stop(server);
      await until(() => client.status === 'reconnecting');
      const limiter = createRateLimiter({
        requestsPerMinute: 60,
        burstLimit: 6,
        penaltyStrategy: 'reject',
        redis: client,
        expectedProcesses: 3,
      });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, () => limiter.acquire('k')),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
      limiter.close();
    } finally {
      client.disconnect();
      await stop(server);
    }
  }, 30_000);

  it('fail-closed: refuses new calls and fails queued ones with a clear error, none dropped', async () => {
    const port = await freePort();
    const server = await ownRedis(port);
    const client = new Redis(port, '127.0.0.1', { retryStrategy: () => 50 });
    client.on('error', () => undefined);
    const events: SecurityEvent[] = [];
    try {
      await client.ping();
      const limiter = createRateLimiter({
        requestsPerMinute: 60,
        burstLimit: 2,
        penaltyStrategy: 'queue',
        redis: client,
        keyPrefix: prefix(),
        onStoreUnavailable: 'fail-closed',
        onEvent: (event) => events.push(event),
      });
      await limiter.acquire('k');
      await limiter.acquire('k');
      const queued = [limiter.acquire('k'), limiter.acquire('k')].map((call) =>
        call.then(
          () => 'ok',
          (error: { code: string; details: { storeUnavailable?: boolean } }) =>
            `${error.code}${error.details.storeUnavailable === true ? ' (store unavailable)' : ''}`,
        ),
      );
      await stop(server);
      expect(await Promise.all(queued)).toEqual([
        'rate_limited (store unavailable)',
        'rate_limited (store unavailable)',
      ]);
      await expect(limiter.acquire('k')).rejects.toMatchObject({
        code: 'rate_limited',
        message: expect.stringContaining('fail-closed'),
      });
      expect(events).toEqual([
        expect.objectContaining({ category: 'rate-limit-store-unavailable', severity: 'high' }),
      ]);
      limiter.close();
    } finally {
      client.disconnect();
      await stop(server);
    }
  }, 30_000);
});
