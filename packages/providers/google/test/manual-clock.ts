import type { Clock } from '@agentry/core';

/** A clock whose timers run only when the test fires them. */
export interface ManualClock {
  /** The clock to give the provider. */
  clock: Clock;
  /** How many timers are waiting. */
  readonly pending: number;
  /** Runs every waiting timer now. */
  fire(): void;
}

/** Creates a {@link ManualClock}: `now` is real time, timeouts wait for `fire()`. */
export function createManualClock(): ManualClock {
  const timers = new Set<{ callback: () => void }>();
  return {
    clock: {
      now: () => Date.now(),
      setTimeout: (callback) => {
        const handle = { callback };
        timers.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        timers.delete(handle as { callback: () => void });
      },
    },
    get pending() {
      return timers.size;
    },
    fire() {
      for (const handle of [...timers]) {
        timers.delete(handle);
        handle.callback();
      }
    },
  };
}
