/** The callbacks waiting on each signal, behind one listener per signal. */
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts, and returns the function that stops watching. Each
 * step attempt watches its run's signal: one shared listener per signal and a set entry per
 * attempt cost far less than adding and removing an event listener on every step.
 *
 * @internal
 */
export function watchAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = watchers.get(signal);
  if (callbacks === undefined) {
    const waiting = new Set<() => void>();
    callbacks = waiting;
    watchers.set(signal, waiting);
    signal.addEventListener(
      'abort',
      () => {
        for (const waiter of [...waiting]) waiter();
        waiting.clear();
      },
      { once: true },
    );
  }
  const set = callbacks;
  set.add(callback);
  return () => {
    set.delete(callback);
  };
}
