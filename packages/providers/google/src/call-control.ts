import type { Clock } from '@agentry/core';

/**
 * The abort signal of one call: aborted by the caller's signal, by the call's timeout, or by
 * {@link CallControl.abort} when a stream is abandoned. The timeout bounds each wait for Gemini
 * (for the response to start, then for each stream chunk) rather than the whole stream, so a
 * long answer that keeps coming is never cut off; time the consumer spends between chunks does
 * not count.
 *
 * @internal
 */
export class CallControl {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #timeout: number | undefined;
  readonly #clock: Clock;
  #timer: unknown;
  #timedOut = false;
  readonly #onCallerAbort = (): void => {
    this.#controller.abort(this.#caller?.reason);
  };

  constructor(caller: AbortSignal | undefined, timeout: number | undefined, clock: Clock) {
    this.#caller = caller;
    this.#timeout = timeout;
    this.#clock = clock;
    if (caller?.aborted === true) this.#controller.abort(caller.reason);
    else caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /** The signal to give the SDK and the credential source. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The caller's own signal, for error mapping. */
  get callerSignal(): AbortSignal | undefined {
    return this.#caller;
  }

  /** The timeout in milliseconds when it is what aborted the call. */
  get timedOutAfter(): number | undefined {
    return this.#timedOut ? this.#timeout : undefined;
  }

  /** Starts (or restarts) the wait that the timeout bounds. */
  arm(): void {
    if (this.#timeout === undefined) return;
    this.disarm();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timedOut = true;
      this.#controller.abort(new Error(`timed out after ${String(this.#timeout)} ms`));
    }, this.#timeout);
  }

  /** Stops the timeout while Gemini is not being waited for. */
  disarm(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Aborts the call's HTTP request, which closes its connection. */
  abort(): void {
    this.#controller.abort();
  }

  /** Clears the timer and stops listening to the caller's signal. */
  dispose(): void {
    this.disarm();
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }
}
