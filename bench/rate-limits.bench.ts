/**
 * Rate limit benchmarks, against the targets of the security work:
 * 1. an in-memory limiter check (`acquire`, accepted) takes at most 2 µs (median);
 * 2. the Redis limiter answers at least 10,000 checks a second from one process with 64 concurrent
 *    callers on loopback.
 *
 * Method: the compiled benchmark runs on the built packages under plain `node`. Each figure is
 * shown beside a floor measured in the same run on the same machine state:
 * - memory: batches of 10,000 awaited `acquire` calls over 10,000 keys (a key every call, as many
 *   users would; each key stays under its limit, so every call is accepted and recorded in the
 *   key's bucket and rolling window). The figure is the median over batches of the mean per call.
 *   The floor is the same loop awaiting a bare `Map` read and write per call.
 * - Redis: 64 callers, each awaiting its checks one after another for 3 seconds, over 64 keys
 *   (one atomic Lua script per check, run by EVALSHA on the server). The floor is the same 64
 *   callers sending a bare `INCR`, one round trip each: the most a one-round-trip check can do.
 */
import { createRateLimiter } from '@agentry/security';
import { Redis } from 'ioredis';
import { median } from './instant-model.js';

const KEYS = 10_000;
const BATCH = 10_000;
const keys = Array.from({ length: KEYS }, (_, index) => `user=user-${index}`);

async function memoryBatch(
  acquire: (key: string) => Promise<void>,
  offset: number,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < BATCH; index += 1) await acquire(keys[(offset + index) % KEYS]!);
  return Number(process.hrtime.bigint() - started) / 1000 / BATCH;
}

async function memoryCheck() {
  const limiter = createRateLimiter({
    requestsPerMinute: 600,
    burstLimit: 50,
    penaltyStrategy: 'reject',
  });
  const bare = new Map<string, number>();
  const floorAcquire = async (key: string): Promise<void> => {
    bare.set(key, (bare.get(key) ?? 0) + 1);
    await Promise.resolve();
  };
  const acquire = (key: string) => limiter.acquire(key);
  let offset = 0;
  for (let warm = 0; warm < 10; warm += 1) {
    await memoryBatch(acquire, offset);
    await memoryBatch(floorAcquire, offset);
    offset += BATCH;
  }
  const times: number[] = [];
  const floors: number[] = [];
  for (let batch = 0; batch < 30; batch += 1) {
    times.push(await memoryBatch(acquire, offset));
    floors.push(await memoryBatch(floorAcquire, offset));
    offset += BATCH;
  }
  limiter.close();
  return { check: median(times), floor: median(floors) };
}

async function throughput(
  check: (caller: number) => Promise<unknown>,
  seconds: number,
): Promise<number> {
  let count = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: 64 }, async (_, caller) => {
      while (Date.now() < until) {
        await check(caller);
        count += 1;
      }
    }),
  );
  return count / seconds;
}

async function redisCheck() {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(
      'Redis is not reachable at 127.0.0.1:6379: start it (redis-server), as .ci/run does.',
    );
  }
  const prefix = `agentry-bench:${process.pid}:${Date.now()}:`;
  // Limits no caller reaches in the run, so that every check is an accepted one.
  const limiter = createRateLimiter({
    requestsPerMinute: 100_000_000,
    burstLimit: 100_000_000,
    penaltyStrategy: 'reject',
    redis,
    keyPrefix: prefix,
    onStoreUnavailable: 'fail-closed',
  });
  const callerKeys = Array.from({ length: 64 }, (_, caller) => `user=bench-${caller}`);
  const floorKeys = callerKeys.map((key) => `${prefix}floor:${key}`);
  await throughput((caller) => limiter.acquire(callerKeys[caller]!), 1);
  const floor = await throughput((caller) => redis.incr(floorKeys[caller]!), 3);
  const checks = await throughput((caller) => limiter.acquire(callerKeys[caller]!), 3);
  limiter.close();
  const leftovers = await redis.keys(`${prefix}*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
  return { checks, floor };
}

const memory = await memoryCheck();
const shared = await redisCheck();

const rows = [
  ['in-memory check (median, µs)', memory.check.toFixed(3), '<= 2', memory.check <= 2],
  ['  floor: awaited Map read+write (µs)', memory.floor.toFixed(3), '', true],
  ['Redis checks/s, 64 callers', shared.checks.toFixed(0), '>= 10000', shared.checks >= 10_000],
  ['  floor: bare INCR/s, 64 callers', shared.floor.toFixed(0), '', true],
] as const;
for (const [name, value, target, ok] of rows)
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(38)} ${value.padStart(10)}  ${target}`);
if (rows.some(([, , , ok]) => !ok)) process.exitCode = 1;
