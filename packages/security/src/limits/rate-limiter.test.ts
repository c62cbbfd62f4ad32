import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Settles every limiter promise that can settle at the current fake time. */
const flush = () => vi.advanceTimersByTimeAsync(0);

/** Takes `count` requests at once and reports how many were accepted. */
async function burst(limiter: RateLimiter, key: string, count: number): Promise<number> {
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, () => limiter.acquire(key)),
  );
  return outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
}

let limiters: RateLimiter[] = [];
const make = (options: Parameters<typeof createRateLimiter>[0]) => {
  const limiter = createRateLimiter(options);
  limiters.push(limiter);
  return limiter;
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  for (const limiter of limiters) limiter.close();
  limiters = [];
  vi.useRealTimers();
});

describe('createRateLimiter (memory store)', () => {
  describe('reject', () => {
    it('accepts a burst up to burstLimit, then fails with rate_limited, retryAfterMs and the key', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 3, penaltyStrategy: 'reject' });
      expect(await burst(limiter, 'user=alice', 3)).toBe(3);
      const refused = limiter.acquire('user=alice');
      await expect(refused).rejects.toMatchObject({
        code: 'rate_limited',
        recoverable: true,
        details: { key: 'user=alice', retryAfterMs: 1000 },
      });
      // Another key has its own bucket.
      await expect(limiter.acquire('user=bob')).resolves.toBeUndefined();
    });

    it('refills at requestsPerMinute / 60 a second', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 2, penaltyStrategy: 'reject' });
      expect(await burst(limiter, 'k', 5)).toBe(2);
      vi.advanceTimersByTime(999);
      await expect(limiter.acquire('k')).rejects.toMatchObject({ details: { retryAfterMs: 1 } });
      vi.advanceTimersByTime(1);
      expect(await burst(limiter, 'k', 5)).toBe(1);
      vi.advanceTimersByTime(2000);
      expect(await burst(limiter, 'k', 5)).toBe(2);
    });

    it('never lets a burst double at a window edge: at most requestsPerMinute in any rolling minute', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 60, penaltyStrategy: 'reject' });
      const accepted: number[] = [];
      // One attempt every 100 ms for three minutes, plus a burst just before and after each
      // minute mark, where a fixed window would allow twice the limit.
      for (let ms = 0; ms <= 180_000; ms += 100) {
        const attempts = ms % 60_000 === 59_900 || ms % 60_000 === 0 ? 80 : 1;
        for (let index = 0; index < attempts; index += 1) {
          try {
            await limiter.acquire('k');
            accepted.push(ms);
          } catch {
            // refused
          }
        }
        vi.advanceTimersByTime(100);
      }
      let worst = 0;
      for (let start = 0; start < accepted.length; start += 1) {
        let end = start;
        while (end < accepted.length && accepted[end]! < accepted[start]! + 60_000) end += 1;
        worst = Math.max(worst, end - start);
      }
      expect(worst).toBe(60);
      expect(accepted.length).toBeGreaterThanOrEqual(180);
    });

    it('holds a burst larger than the rate to the rate over a minute', async () => {
      const limiter = make({ requestsPerMinute: 10, burstLimit: 50, penaltyStrategy: 'reject' });
      expect(await burst(limiter, 'k', 50)).toBe(10);
      vi.advanceTimersByTime(59_999);
      expect(await burst(limiter, 'k', 50)).toBe(0);
      vi.advanceTimersByTime(1);
      expect(await burst(limiter, 'k', 50)).toBe(10);
    });

    it('counts a cost of several requests, and refuses a cost no bucket can ever hold', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 5, penaltyStrategy: 'reject' });
      await limiter.acquire('k', { cost: 4 });
      await expect(limiter.acquire('k', { cost: 2 })).rejects.toMatchObject({
        code: 'rate_limited',
      });
      await expect(limiter.acquire('k', { cost: 6 })).rejects.toMatchObject({
        code: 'validation_failed',
        details: { path: 'cost' },
      });
    });

    it('holds at most maxKeys keys, keeping the recently used ones, so made-up ids hold bounded memory', async () => {
      const limiter = make({
        requestsPerMinute: 60,
        burstLimit: 1,
        penaltyStrategy: 'reject',
        maxKeys: 100,
      });
      await limiter.acquire('alice');
      for (let index = 0; index < 10_000; index += 1) {
        await limiter.acquire(`spoofed-${index}`);
        // Alice keeps calling between the made-up ids: her state is kept, and she stays limited.
        if (index % 10 === 0)
          await expect(limiter.acquire('alice')).rejects.toMatchObject({ code: 'rate_limited' });
      }
      await expect(limiter.acquire('spoofed-9999')).rejects.toMatchObject({ code: 'rate_limited' });
      // A key left unused for many other keys is forgotten: it starts afresh.
      await expect(limiter.acquire('spoofed-0')).resolves.toBeUndefined();
    });

    it('validates its options with messages naming them', () => {
      expect(() =>
        createRateLimiter({ requestsPerMinute: 0, burstLimit: 1, penaltyStrategy: 'reject' }),
      ).toThrow(
        expect.objectContaining({
          code: 'config_invalid',
          message: expect.stringContaining('requestsPerMinute'),
        }),
      );
      expect(() =>
        createRateLimiter({
          requestsPerMinute: 1,
          burstLimit: 1,
          penaltyStrategy: 'drop' as never,
        }),
      ).toThrow(expect.objectContaining({ details: { path: 'penaltyStrategy' } }));
      expect(() =>
        createRateLimiter({
          requestsPerMinute: 1,
          burstLimit: 1,
          penaltyStrategy: 'reject',
          store: 'redis',
        }),
      ).toThrow(expect.objectContaining({ code: 'config_invalid', details: { path: 'store' } }));
    });
  });

  describe('queue', () => {
    it('runs waiting calls in FIFO order as capacity frees', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 1, penaltyStrategy: 'queue' });
      const order: string[] = [];
      const calls = ['a', 'b', 'c', 'd'].map((name) =>
        limiter.acquire('k').then(() => void order.push(`${name}@${Date.now() - 1_000_000}`)),
      );
      await flush();
      expect(order).toEqual(['a@0']);
      await vi.advanceTimersByTimeAsync(3000);
      await Promise.all(calls);
      expect(order).toEqual(['a@0', 'b@1000', 'c@2000', 'd@3000']);
    });

    it('keeps a later call behind waiting ones even when the bucket has refilled', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 2, penaltyStrategy: 'queue' });
      const order: number[] = [];
      const calls = [1, 2, 3, 4].map((index) =>
        limiter.acquire('k').then(() => void order.push(index)),
      );
      await vi.advanceTimersByTimeAsync(500);
      const fifth = limiter.acquire('k').then(() => void order.push(5));
      await vi.advanceTimersByTimeAsync(5000);
      await Promise.all([...calls, fifth]);
      expect(order).toEqual([1, 2, 3, 4, 5]);
    });

    it('bounds the queue per key: queue_full beyond maxQueue, other keys unaffected', async () => {
      const limiter = make({
        requestsPerMinute: 60,
        burstLimit: 1,
        penaltyStrategy: 'queue',
        maxQueue: 2,
      });
      const admitted = [limiter.acquire('k'), limiter.acquire('k'), limiter.acquire('k')];
      await expect(limiter.acquire('k')).rejects.toMatchObject({
        code: 'queue_full',
        details: { key: 'k', maxQueue: 2 },
      });
      await expect(limiter.acquire('other')).resolves.toBeUndefined();
      await vi.advanceTimersByTimeAsync(2000);
      await expect(Promise.all(admitted)).resolves.toBeDefined();
    });

    it('removes an aborted entry without consuming capacity and fails it with aborted', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 1, penaltyStrategy: 'queue' });
      await limiter.acquire('k');
      const controller = new AbortController();
      const order: string[] = [];
      const aborted = limiter.acquire('k', { signal: controller.signal });
      const next = limiter
        .acquire('k')
        .then(() => void order.push(`next@${Date.now() - 1_000_000}`));
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ code: 'aborted', details: { key: 'k' } });
      await vi.advanceTimersByTimeAsync(1000);
      await next;
      // The next call got the capacity freed at 1 s: the aborted one took none.
      expect(order).toEqual(['next@1000']);
      await expect(limiter.acquire('k', { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: 'aborted',
      });
    });

    it('settles every waiting call with aborted on close', async () => {
      const limiter = make({ requestsPerMinute: 60, burstLimit: 1, penaltyStrategy: 'queue' });
      await limiter.acquire('k');
      const waiting = [limiter.acquire('k'), limiter.acquire('k')];
      limiter.close();
      for (const call of waiting) await expect(call).rejects.toMatchObject({ code: 'aborted' });
      await expect(limiter.acquire('k')).rejects.toMatchObject({ code: 'aborted' });
    });
  });

  describe('throttle', () => {
    it('spaces the calls of a key evenly, one every 60000 / requestsPerMinute ms', async () => {
      const limiter = make({ requestsPerMinute: 120, burstLimit: 10, penaltyStrategy: 'throttle' });
      const started: number[] = [];
      const calls = Array.from({ length: 5 }, () =>
        limiter.acquire('k').then(() => void started.push(Date.now() - 1_000_000)),
      );
      await vi.advanceTimersByTimeAsync(5000);
      await Promise.all(calls);
      expect(started).toEqual([0, 500, 1000, 1500, 2000]);
      // Another key is spaced on its own.
      const other = limiter.acquire('other').then(() => Date.now() - 1_000_000);
      await flush();
      await expect(other).resolves.toBe(5000);
    });

    it('is bounded by maxQueue and lets aborted entries go', async () => {
      const limiter = make({
        requestsPerMinute: 60,
        burstLimit: 10,
        penaltyStrategy: 'throttle',
        maxQueue: 1,
      });
      await limiter.acquire('k');
      const controller = new AbortController();
      const waiting = limiter.acquire('k', { signal: controller.signal });
      await expect(limiter.acquire('k')).rejects.toMatchObject({ code: 'queue_full' });
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
      const next = limiter.acquire('k').then(() => Date.now() - 1_000_000);
      await vi.advanceTimersByTimeAsync(1000);
      await expect(next).resolves.toBe(1000);
    });
  });
});
