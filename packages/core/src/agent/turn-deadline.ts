import { AgentryError } from '../errors/index.js';
import type { Clock } from '../resilience/index.js';
import type { RouterDeadline } from './model-router-types.js';

/**
 * @internal A turn's timeout; the clock stops while the turn is paused. The router reads
 * `remainingMs` so that it never sleeps a wait the turn cannot outlive.
 */
export interface TurnDeadline extends RouterDeadline {
  /** Stops the clock while the turn is paused. */
  suspend(): void;
  /** Starts it again with the time that was left. */
  resume(): void;
  /** Clears the timer. */
  dispose(): void;
}

/** @internal Aborts the turn (through `abort`) with a `timeout` error when its time is up. */
export function createTurnDeadline(
  timeout: number,
  abort: (error: AgentryError) => void,
  clock: Clock,
): TurnDeadline {
  return new Deadline(timeout, abort, clock);
}

/** A class, so that a turn's deadline costs one object and one timer. */
class Deadline implements TurnDeadline {
  #remaining: number;
  #armedAt = 0;
  #timer: unknown;
  readonly #timeout: number;
  readonly #abort: (error: AgentryError) => void;
  readonly #clock: Clock;

  constructor(timeout: number, abort: (error: AgentryError) => void, clock: Clock) {
    this.#timeout = timeout;
    this.#remaining = timeout;
    this.#abort = abort;
    this.#clock = clock;
    this.#arm();
  }

  suspend(): void {
    this.#disarm();
  }

  resume(): void {
    if (this.#timer === undefined) this.#arm();
  }

  dispose(): void {
    this.#disarm();
  }

  remainingMs(): number {
    if (this.#timer === undefined) return this.#remaining;
    return this.#remaining - (this.#clock.now() - this.#armedAt);
  }

  #arm(): void {
    this.#armedAt = this.#clock.now();
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, this.#remaining));
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#remaining -= this.#clock.now() - this.#armedAt;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#remaining = 0;
    const timeout = this.#timeout;
    this.#abort(
      new AgentryError({
        code: 'timeout',
        recoverable: true,
        message: `The turn took longer than its timeout of ${timeout} ms.`,
        details: { timeout },
        suggestions: ['Raise context.timeout, or make tools and prompts faster.'],
      }),
    );
  }
}
