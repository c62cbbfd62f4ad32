import type { Clock } from '../../resilience/clock.js';

/** A clock that moves only when a test calls `advance`; it schedules nothing. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** Creates a {@link ManualClock} starting at `start`. */
export function manualClock(start = 1_000_000): ManualClock {
  let now = start;
  return {
    now: () => now,
    setTimeout: () => undefined,
    clearTimeout: () => undefined,
    advance(ms) {
      now += ms;
    },
  };
}

/** One hour in milliseconds. */
export const HOUR = 3_600_000;
