import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import { trackListeners } from './__fixtures__/track-listeners.js';
import { sleep } from './sleep.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('sleep', () => {
  describe('when the time passes', () => {
    it('does resolve after ms and leaves no timer or listener behind', async () => {
      const controller = new AbortController();
      const listeners = trackListeners(controller.signal);
      let done = false;
      const waiting = sleep(1_000, { signal: controller.signal }).then(() => {
        done = true;
      });
      expect(listeners.count).toBe(1);
      await vi.advanceTimersByTimeAsync(999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
      expect(listeners.count).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('when the signal aborts', () => {
    it('does reject with aborted, keep the reason and clear the timer', async () => {
      const controller = new AbortController();
      const listeners = trackListeners(controller.signal);
      const waiting = sleep(60_000, { signal: controller.signal });
      const reason = new Error('user left');
      controller.abort(reason);
      const error = await waiting.catch((caught: unknown) => caught);
      expect(AgentryError.isInstance(error) && error.code).toBe('aborted');
      expect((error as AgentryError).cause).toBe(reason);
      expect(vi.getTimerCount()).toBe(0);
      expect(listeners.count).toBe(0);
    });

    it('does reject at once when the signal is already aborted', async () => {
      await expect(sleep(10, { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: 'aborted',
      });
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('with an invalid delay', () => {
    it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
      'does reject %s with validation_failed',
      async (ms) => {
        await expect(sleep(ms)).rejects.toMatchObject({ code: 'validation_failed' });
      },
    );
  });
});
