import { describe, expect, it } from 'vitest';
import { trackListeners } from './__fixtures__/track-listeners.js';
import { createSemaphore } from './create-semaphore.js';

describe('createSemaphore', () => {
  describe('tryAcquire', () => {
    it('does take a free slot at once and give it back on release', () => {
      const semaphore = createSemaphore(1);
      const release = semaphore.tryAcquire();
      expect(release).toBeTypeOf('function');
      expect(semaphore.inFlight).toBe(1);
      expect(semaphore.tryAcquire()).toBeUndefined();
      release?.();
      release?.();
      expect(semaphore.inFlight).toBe(0);
    });

    it('does not overtake a caller queued in acquire', async () => {
      const semaphore = createSemaphore(1);
      const release = semaphore.tryAcquire();
      const queued = semaphore.acquire();
      release?.();
      // The slot went to the queued caller, so nothing is free for a newcomer.
      expect(semaphore.tryAcquire()).toBeUndefined();
      (await queued)();
      expect(semaphore.inFlight).toBe(0);
    });
  });

  describe('acquire', () => {
    it('does grant slots up to max, then queue callers first in, first out', async () => {
      const semaphore = createSemaphore(2);
      const first = await semaphore.acquire();
      const second = await semaphore.acquire();
      const order: string[] = [];
      const third = semaphore.acquire().then((release) => (order.push('third'), release));
      const fourth = semaphore.acquire().then((release) => (order.push('fourth'), release));
      expect(semaphore.inFlight).toBe(2);
      expect(semaphore.waiting).toBe(2);
      second();
      (await third)();
      first();
      (await fourth)();
      expect(order).toEqual(['third', 'fourth']);
      expect(semaphore.inFlight).toBe(0);
      expect(semaphore.waiting).toBe(0);
    });

    it('does hand a released slot to the queue before a newcomer', async () => {
      const semaphore = createSemaphore(1);
      const release = await semaphore.acquire();
      const queued = semaphore.acquire();
      release();
      const newcomer = semaphore.acquire();
      expect(semaphore.inFlight).toBe(1);
      expect(semaphore.waiting).toBe(1);
      (await queued)();
      (await newcomer)();
      expect(semaphore.inFlight).toBe(0);
    });

    it('does treat a second release as a no-op', async () => {
      const semaphore = createSemaphore(1);
      const release = await semaphore.acquire();
      release();
      release();
      expect(semaphore.inFlight).toBe(0);
      await semaphore.acquire();
      release();
      expect(semaphore.inFlight).toBe(1);
    });

    it('does remove an aborted waiter so the next one gets the slot', async () => {
      const semaphore = createSemaphore(1);
      const release = await semaphore.acquire();
      const controller = new AbortController();
      const listeners = trackListeners(controller.signal);
      const aborted = semaphore.acquire({ signal: controller.signal });
      const next = semaphore.acquire();
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
      expect(semaphore.waiting).toBe(1);
      expect(listeners.count).toBe(0);
      release();
      (await next)();
      expect(semaphore.inFlight).toBe(0);
    });

    it('does remove the abort listener once the slot is granted', async () => {
      const semaphore = createSemaphore(1);
      const release = await semaphore.acquire();
      const controller = new AbortController();
      const listeners = trackListeners(controller.signal);
      const waiting = semaphore.acquire({ signal: controller.signal });
      expect(listeners.count).toBe(1);
      release();
      (await waiting)();
      expect(listeners.count).toBe(0);
      controller.abort();
      expect(semaphore.inFlight).toBe(0);
    });

    it('does reject at once when the signal is already aborted', async () => {
      const semaphore = createSemaphore(1);
      await expect(semaphore.acquire({ signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: 'aborted',
      });
      expect(semaphore.inFlight).toBe(0);
    });
  });

  describe('with an invalid max', () => {
    it.each([0, 1.5, -1, Number.NaN])('does throw validation_failed for %s', (max) => {
      expect(() => createSemaphore(max)).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    });
  });
});
