import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackListeners } from './__fixtures__/track-listeners.js';
import { createTokenBucket } from './create-token-bucket.js';

const perMinute = { capacity: 600, refillPerSecond: 10 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createTokenBucket', () => {
  describe('consume', () => {
    it('does go into debt and refill at refillPerSecond, up to capacity', () => {
      const bucket = createTokenBucket(perMinute);
      expect(bucket.available()).toBe(600);
      expect(bucket.consume(650)).toBe(-50);
      vi.advanceTimersByTime(1_000);
      expect(bucket.available()).toBe(-40);
      vi.advanceTimersByTime(4_000);
      expect(bucket.available()).toBe(0);
      vi.advanceTimersByTime(3_600_000);
      expect(bucket.available()).toBe(600);
    });

    it('does refuse a negative amount with validation_failed', () => {
      const bucket = createTokenBucket(perMinute);
      expect(() => bucket.consume(-1)).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    });
  });

  describe('waitUntilAvailable', () => {
    it('does resolve at once while the balance is positive', async () => {
      const bucket = createTokenBucket(perMinute);
      bucket.consume(599);
      await expect(bucket.waitUntilAvailable({ mode: 'refuse' })).resolves.toBeUndefined();
    });

    it('does wait until the debt is repaid', async () => {
      const bucket = createTokenBucket(perMinute);
      bucket.consume(650);
      let ready = false;
      const waiting = bucket.waitUntilAvailable().then(() => {
        ready = true;
      });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(ready).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(ready).toBe(true);
      expect(bucket.available()).toBeGreaterThan(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('does wait again when another caller spends the refill first', async () => {
      const bucket = createTokenBucket(perMinute);
      bucket.consume(610);
      let ready = false;
      const waiting = bucket.waitUntilAvailable().then(() => {
        ready = true;
      });
      await vi.advanceTimersByTimeAsync(900);
      bucket.consume(100);
      await vi.advanceTimersByTimeAsync(200);
      expect(ready).toBe(false);
      await vi.runAllTimersAsync();
      await waiting;
      expect(ready).toBe(true);
    });

    it('does refuse with limit_exceeded and retryAfterMs in refuse mode', async () => {
      const bucket = createTokenBucket(perMinute);
      bucket.consume(650);
      await expect(bucket.waitUntilAvailable({ mode: 'refuse' })).rejects.toMatchObject({
        code: 'limit_exceeded',
        recoverable: true,
        details: { limit: 'maxTokensPerMinute', retryAfterMs: 5_001 },
      });
    });

    it('does reject with aborted and leave no timer or listener', async () => {
      const bucket = createTokenBucket(perMinute);
      bucket.consume(650);
      const controller = new AbortController();
      const listeners = trackListeners(controller.signal);
      const waiting = bucket.waitUntilAvailable({ signal: controller.signal });
      await vi.advanceTimersByTimeAsync(1_000);
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
      expect(vi.getTimerCount()).toBe(0);
      expect(listeners.count).toBe(0);
    });
  });

  describe('with an invalid configuration', () => {
    it.each([{ capacity: 0 }, { refillPerSecond: -1 }, { capacity: Number.NaN }])(
      'does throw validation_failed for %o',
      (change) => {
        expect(() => createTokenBucket({ ...perMinute, ...change })).toThrow(
          expect.objectContaining({ code: 'validation_failed' }),
        );
      },
    );
  });
});
