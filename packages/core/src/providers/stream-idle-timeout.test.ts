import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../resilience/clock.js';
import { systemClock } from '../resilience/clock.js';
import { createStreamIdleTimeout } from './stream-idle-timeout.js';

/** The system clock, counting the timers it makes. */
function countingClock(): Clock & { readonly timers: number } {
  let timers = 0;
  return {
    now: () => systemClock.now(),
    setTimeout: (callback, ms) => {
      timers += 1;
      return systemClock.setTimeout(callback, ms);
    },
    clearTimeout: (handle) => systemClock.clearTimeout(handle),
    get timers() {
      return timers;
    },
  };
}

describe('createStreamIdleTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does time out a wait that outlasts the timeout, once', () => {
    const onTimeout = vi.fn();
    const idle = createStreamIdleTimeout({ timeout: 1000, onTimeout });
    idle.wait();
    vi.advanceTimersByTime(999);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(idle.timedOut).toBe(true);
    idle.wait();
    vi.advanceTimersByTime(5000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('does bound each silence rather than the whole stream', () => {
    const onTimeout = vi.fn();
    const idle = createStreamIdleTimeout({ timeout: 1000, onTimeout });
    idle.wait();
    for (let chunk = 0; chunk < 50; chunk += 1) {
      vi.advanceTimersByTime(900);
      idle.received();
      idle.wait();
    }
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('does not count the time the consumer holds a chunk', () => {
    const onTimeout = vi.fn();
    const idle = createStreamIdleTimeout({ timeout: 1000, onTimeout });
    idle.wait();
    vi.advanceTimersByTime(500);
    idle.received();
    vi.advanceTimersByTime(10_000);
    idle.wait();
    vi.advanceTimersByTime(999);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('does make no timer per chunk', () => {
    const clock = countingClock();
    const idle = createStreamIdleTimeout({ timeout: 1000, onTimeout: vi.fn(), clock });
    idle.wait();
    for (let chunk = 0; chunk < 1000; chunk += 1) {
      vi.advanceTimersByTime(10);
      idle.received();
      idle.wait();
    }
    // 10 seconds of chunks every 10 ms: about one timer per second.
    expect(clock.timers).toBeLessThanOrEqual(11);
    idle.dispose();
  });

  it('does nothing without a timeout or once disposed', () => {
    const onTimeout = vi.fn();
    const none = createStreamIdleTimeout({ timeout: undefined, onTimeout });
    none.wait();
    const disposed = createStreamIdleTimeout({ timeout: 10, onTimeout });
    disposed.wait();
    disposed.dispose();
    vi.advanceTimersByTime(1000);
    expect(onTimeout).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
