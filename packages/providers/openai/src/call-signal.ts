/**
 * The signal one call gives the `openai` SDK in place of the caller's own: it aborts when the
 * caller's does, with the same reason, and `release()` stops listening to the caller's signal.
 *
 * The SDK adds an abort listener to the signal of every request and never removes it, so a
 * long-lived caller signal passed straight through collected one listener per call (and Node's
 * `MaxListenersExceededWarning` after ten). Given this signal instead, the SDK's listener lands on
 * an object that lives as long as the call; the caller's signal holds one listener while the call
 * runs and none after `release()`.
 *
 * @internal
 */
export class CallSignal {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal;
  readonly #onAbort = (): void => {
    this.#controller.abort(this.#caller.reason);
  };

  constructor(caller: AbortSignal) {
    this.#caller = caller;
    if (caller.aborted) this.#controller.abort(caller.reason);
    else caller.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The signal to give the SDK and the credential source. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops listening to the caller's signal; call it when the call has ended, however it ended. */
  release(): void {
    this.#caller.removeEventListener('abort', this.#onAbort);
  }
}
