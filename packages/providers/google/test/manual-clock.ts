import type { Clock } from '@agentry/core';

/** A clock whose timers run only when the test fires them. */
export interface ManualClock {
  /** The clock to give the provider. */
  clock: Clock;
  /** How many timers are waiting. */
  readonly pending: number;
  /**
   * Moves time on to the latest waiting timer and runs every waiting timer, and those they set
   * again, until none is left.
   */
  fire(): void;
}

/** Creates a {@link ManualClock}: `now` is real time plus what `fire()` skipped. */
export function createManualClock(): ManualClock {
  const timers = new Set<{ callback: () => void; due: number }>();
  let skipped = 0;
  const now = (): number => Date.now() + skipped;
  return {
    clock: {
      now,
      setTimeout: (callback, ms) => {
        const handle = { callback, due: now() + ms };
        timers.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        timers.delete(handle as { callback: () => void; due: number });
      },
    },
    get pending() {
      return timers.size;
    },
    fire() {
      // A timer may be set again for the rest of its wait: a few rounds end them all.
      for (let round = 0; round < 10 && timers.size > 0; round += 1) {
        for (const handle of [...timers]) {
          timers.delete(handle);
          skipped += Math.max(0, handle.due - now());
          handle.callback();
        }
      }
    },
  };
}
