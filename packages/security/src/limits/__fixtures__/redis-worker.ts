// One process of the cross-process test: waits for the common start, then makes its calls against
// the shared limit in waves of concurrent calls, and prints how many were accepted.
// argv: url prefix calls requestsPerMinute burstLimit mode(atomic|naive) startAt
import { Redis } from 'ioredis';
import { LimiterCore, type CoreStore } from '../limiter-core.js';
import type { LimitStore } from '../limit-store.js';
import { createRateLimiter } from '../rate-limiter.js';

const [url, prefix, callsText, rpmText, burstText, mode, startAtText] = process.argv.slice(2);
const calls = Number(callsText);
const requestsPerMinute = Number(rpmText);
const redis = new Redis(url!, { maxRetriesPerRequest: 1 });

/**
 * The negative control: a counter read and written in two round trips, as a limiter without an
 * atomic script would. Concurrent callers read the same count and all pass.
 */
function naiveStore(): CoreStore {
  const noAdjust: LimitStore = {
    consume: () => ({ ok: false, retryAfterMs: 1 }),
    adjust: () => undefined,
  };
  return {
    async consume(key) {
      const counter = `${prefix}naive:${key}`;
      const count = Number((await redis.get(counter)) ?? '0');
      if (count >= requestsPerMinute) return { ok: false, retryAfterMs: 1000 };
      await redis.set(counter, String(count + 1), 'PX', 60_000);
      return { ok: true, id: count + 1, charged: 1, store: noAdjust };
    },
  };
}

const acquire: (key: string) => Promise<unknown> =
  mode === 'naive'
    ? (() => {
        const core = new LimiterCore({
          store: naiveStore(),
          strategy: 'reject',
          maxQueue: 1000,
          maxKeys: 1000,
          spacingMs: 0,
          unit: 'requests',
        });
        return (key: string) => core.acquire(key, 1, undefined);
      })()
    : (() => {
        const limiter = createRateLimiter({
          requestsPerMinute,
          burstLimit: Number(burstText),
          penaltyStrategy: 'reject',
          redis,
          keyPrefix: prefix!,
          onStoreUnavailable: 'fail-closed',
        });
        return (key: string) => limiter.acquire(key);
      })();

await redis.ping();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAtText) - Date.now())));
let accepted = 0;
let refused = 0;
const wave = 10;
for (let sent = 0; sent < calls; sent += wave) {
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.min(wave, calls - sent) }, () => acquire('user=shared')),
  );
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') accepted += 1;
    else if ((outcome.reason as { code?: string }).code === 'rate_limited') refused += 1;
    else throw outcome.reason;
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.stdout.write(`${JSON.stringify({ accepted, refused })}\n`);
redis.disconnect();
