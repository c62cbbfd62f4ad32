/**
 * Whether an operation was aborted, readable without making an `AbortSignal`. `signal` is the
 * operation's signal, made on first use where the source is lazy: pass it on to work that takes a
 * signal (model calls, tools, waits), and read `aborted` and `reason` for checks.
 *
 * @example
 * ```ts
 * if (source.aborted) throw new Error(String(source.reason));
 * await fetch(url, { signal: source.signal });
 * ```
 */
export interface AbortSource {
  /** Whether the operation was aborted. */
  readonly aborted: boolean;
  /** Why, once aborted. */
  readonly reason: unknown;
  /** The operation's `AbortSignal`. */
  readonly signal: AbortSignal;
}

/**
 * An {@link AbortSource} that makes its `AbortController` only when someone asks for the signal:
 * an `AbortSignal` costs microseconds to make on Node 20, and most runs are never aborted and
 * hand their signal to nothing that reads it.
 *
 * @internal
 */
export class LazyAbortController implements AbortSource {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts with `reason`; returns false when already aborted (the first reason stays). */
  abort(reason: unknown): boolean {
    if (this.#aborted) return false;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    return true;
  }
}

/** @internal An {@link AbortSource} over an existing signal, or over none. */
export function abortSourceOf(signal: AbortSignal | undefined): AbortSource {
  if (signal)
    return {
      get aborted() {
        return signal.aborted;
      },
      get reason(): unknown {
        const reason: unknown = signal.reason;
        return reason;
      },
      signal,
    };
  return new LazyAbortController();
}
