type AbortListener = Parameters<AbortSignal['addEventListener']>[1];
type ListenerOptions = Parameters<AbortSignal['addEventListener']>[2];

/**
 * What one call gives the `openai` SDK as its signal: a view of the caller's signal that
 * remembers the listeners the SDK adds to it, so that `release()` removes them once the call has
 * ended.
 *
 * The SDK adds an abort listener to the signal of every request and never removes it, so a
 * long-lived caller signal passed straight through collected one listener per call (and Node's
 * `MaxListenersExceededWarning` after ten). A linked `AbortController` would fix that too, but a
 * new `AbortSignal` costs Node about 10 µs, several times the whole provider's own work per call
 * (the provider benchmark's latency figure); this view costs an object. It forwards to the
 * caller's signal, so an abort reaches the SDK at once and with the caller's reason.
 *
 * The SDK reads a request's signal only through `aborted` and `addEventListener` (openai 6: it
 * aborts its own controller from the listener, and that controller's signal is what `fetch`
 * gets); the abort tests through the emulator check that this still holds. The credential source
 * gets the caller's own signal.
 *
 * @internal
 */
export class CallSignal {
  readonly #caller: AbortSignal;
  #added: { type: string; listener: AbortListener }[] | undefined;

  constructor(caller: AbortSignal) {
    this.#caller = caller;
  }

  /** The view, typed as the signal the SDK's request options take. */
  get signal(): AbortSignal {
    return this as unknown as AbortSignal;
  }

  /** Whether the caller's signal has aborted. */
  get aborted(): boolean {
    return this.#caller.aborted;
  }

  /** The caller's abort reason. */
  get reason(): unknown {
    return this.#caller.reason as unknown;
  }

  /** Throws the caller's abort reason when it has aborted. */
  throwIfAborted(): void {
    this.#caller.throwIfAborted();
  }

  /** Adds a listener to the caller's signal, to be removed by {@link CallSignal.release}. */
  addEventListener(type: string, listener: AbortListener, options?: ListenerOptions): void {
    (this.#added ??= []).push({ type, listener });
    this.#caller.addEventListener(type, listener, options);
  }

  /** Removes a listener from the caller's signal. */
  removeEventListener(
    type: string,
    listener: AbortListener,
    options?: Parameters<AbortSignal['removeEventListener']>[2],
  ): void {
    this.#caller.removeEventListener(type, listener, options);
  }

  /** Removes every listener added through the view; call it when the call has ended. */
  release(): void {
    const added = this.#added;
    if (added === undefined) return;
    this.#added = undefined;
    for (const { type, listener } of added) this.#caller.removeEventListener(type, listener);
  }
}
