import type { Clock } from '@agentry/core';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A {@link Clock} driven by hand: `now()` is wall-clock milliseconds set by the test, and
 * callbacks run only when {@link FakeClock.advanceTo} passes their time.
 */
export class FakeClock implements Clock {
  private current: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId;
    this.nextId += 1;
    this.timers.set(id, { id, at: this.current + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** How many callbacks are scheduled. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward to `target`, running each due callback at its own time, in order, and
   * letting the promises it starts settle before the next one.
   */
  async advanceTo(target: Date | string): Promise<void> {
    const end = new Date(target).getTime();
    for (;;) {
      await settle();
      const due = [...this.timers.values()]
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers.delete(due.id);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = Math.max(this.current, end);
    await settle();
  }

  /** Jumps to `target` without running any callback, as after a process was down. */
  jumpTo(target: Date | string): void {
    this.current = new Date(target).getTime();
  }
}

/** Lets pending promise chains run (no real time passes). */
export async function settle(): Promise<void> {
  for (let index = 0; index < 5; index += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
