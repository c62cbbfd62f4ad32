import { createStreamIdleTimeout, type Clock, type StreamIdleTimeout } from '@agentry/core';

/**
 * The abort signal of one call: aborted by the caller's signal, by the call's timeout, or by
 * {@link CallControl.abort} when a stream is abandoned. The timeout bounds each wait for Gemini
 * (for the response to start, then for each stream chunk) rather than the whole stream, so a
 * long answer that keeps coming is never cut off; time the consumer spends between chunks does
 * not count. It is core's `createStreamIdleTimeout`, the rule every provider's streams follow,
 * so a chunk costs a clock read rather than a timer.
 *
 * @internal
 */
export class CallControl {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #idle: StreamIdleTimeout;
  readonly #onCallerAbort = (): void => {
    this.#controller.abort(this.#caller?.reason);
  };

  constructor(caller: AbortSignal | undefined, timeout: number | undefined, clock: Clock) {
    this.#caller = caller;
    this.#idle = createStreamIdleTimeout({
      timeout,
      clock,
      onTimeout: () => {
        this.#controller.abort(new Error(`timed out after ${String(timeout)} ms`));
      },
    });
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
    return this.#idle.timedOut ? this.#idle.timeout : undefined;
  }

  /** Starts a wait for Gemini, which the timeout bounds. */
  arm(): void {
    this.#idle.wait();
  }

  /** Ends the wait: Gemini answered, and the time until the next wait does not count. */
  disarm(): void {
    this.#idle.received();
  }

  /** Aborts the call's HTTP request, which closes its connection. */
  abort(): void {
    this.#controller.abort();
  }

  /** Clears the timer and stops listening to the caller's signal. */
  dispose(): void {
    this.#idle.dispose();
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }
}
