import { systemClock, type Clock } from '../resilience/clock.js';

/**
 * Bounds how long a streamed call waits for its provider: the time until the first chunk, then
 * each silence between chunks. Time the consumer spends on a chunk does not count, so a slow
 * consumer never times out a healthy stream, and a long answer that keeps coming is never cut off.
 * When a wait outlasts the timeout, `onTimeout` is called once (the provider aborts its request
 * there) and {@link StreamIdleTimeout.timedOut} turns true.
 *
 * @example
 * ```ts
 * const idle = createStreamIdleTimeout({ timeout: 60_000, onTimeout: () => controller.abort() });
 * try {
 *   idle.wait();
 *   for await (const chunk of chunks) {
 *     idle.received();
 *     yield* toParts(chunk);
 *     idle.wait();
 *   }
 * } finally {
 *   idle.dispose();
 * }
 * if (idle.timedOut) throw createProviderError({ provider, code: 'timeout', message });
 * ```
 */
export interface StreamIdleTimeout {
  /** Starts a wait for the provider: call it before reading the next chunk. */
  wait(): void;
  /** Ends the wait: call it when a chunk has arrived. */
  received(): void;
  /** Whether a wait outlasted the timeout (and `onTimeout` was called). */
  readonly timedOut: boolean;
  /** The timeout in milliseconds, or `undefined` when there is none. */
  readonly timeout: number | undefined;
  /** Stops the timer; the stream is over. Safe to call more than once. */
  dispose(): void;
}

/**
 * What {@link createStreamIdleTimeout} needs.
 *
 * @example
 * ```ts
 * import { createStreamIdleTimeout, type StreamIdleTimeoutOptions } from '@agentry/core';
 *
 * // Abort the request when the vendor sends nothing for 60 s in the middle of a stream.
 * const controller = new AbortController();
 * const options: StreamIdleTimeoutOptions = { timeout: 60_000, onTimeout: () => controller.abort() };
 * const idle = createStreamIdleTimeout(options);
 * ```
 */
export interface StreamIdleTimeoutOptions {
  /** The longest wait in milliseconds; `undefined` bounds nothing. */
  timeout: number | undefined;
  /** Called once, when a wait outlasts `timeout`: abort the request there. */
  onTimeout: () => void;
  /** The source of time; default {@link systemClock}. */
  clock?: Clock;
}

/**
 * Creates the {@link StreamIdleTimeout} of one streamed call: the one rule every provider
 * applies to its streams (see the interface).
 *
 * Cost per chunk: `received()` writes a field and `wait()` reads the clock once; no timer is
 * made or cleared per chunk. One timer runs while the stream is waited for: when it fires and
 * the current wait is younger than the timeout, it is set again for the rest, so a steady stream
 * makes about one timer per `timeout`, and a consumer that holds a chunk longer than the timeout
 * one more when it asks for the next.
 *
 * @param options - the timeout, what to do when it passes, and the clock
 * @throws never; `onTimeout` runs from a timer, and what it throws is its own
 * @example
 * ```ts
 * const idle = createStreamIdleTimeout({ timeout: 600_000, onTimeout: () => stream.controller.abort() });
 * ```
 */
export function createStreamIdleTimeout(options: StreamIdleTimeoutOptions): StreamIdleTimeout {
  return new IdleTimeout(options.timeout, options.onTimeout, options.clock ?? systemClock);
}

/** No wait in progress. */
const NOT_WAITING = -1;

class IdleTimeout implements StreamIdleTimeout {
  readonly timeout: number | undefined;
  readonly #onTimeout: () => void;
  readonly #clock: Clock;
  #timer: unknown;
  #waitingSince = NOT_WAITING;
  #timedOut = false;
  #disposed = false;
  // Made once per stream rather than once per timer.
  readonly #check = (): void => {
    this.#timer = undefined;
    const since = this.#waitingSince;
    if (since === NOT_WAITING || this.#disposed) return;
    const waited = this.#clock.now() - since;
    const timeout = this.timeout ?? 0;
    if (waited < timeout) {
      this.#timer = this.#clock.setTimeout(this.#check, timeout - waited);
      return;
    }
    this.#timedOut = true;
    this.dispose();
    this.#onTimeout();
  };

  constructor(timeout: number | undefined, onTimeout: () => void, clock: Clock) {
    this.timeout = timeout;
    this.#onTimeout = onTimeout;
    this.#clock = clock;
  }

  get timedOut(): boolean {
    return this.#timedOut;
  }

  wait(): void {
    const timeout = this.timeout;
    if (timeout === undefined || this.#disposed) return;
    this.#waitingSince = this.#clock.now();
    this.#timer ??= this.#clock.setTimeout(this.#check, timeout);
  }

  received(): void {
    this.#waitingSince = NOT_WAITING;
  }

  dispose(): void {
    this.#disposed = true;
    this.#waitingSince = NOT_WAITING;
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
