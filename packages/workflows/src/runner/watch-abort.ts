/** A callback waiting on a signal, in a doubly linked list: unlinking allocates nothing. */
interface Watcher {
  callback: () => void;
  previous: Watcher | undefined;
  next: Watcher | undefined;
}

/** The watchers of one signal, behind its one listener. */
interface Watchers {
  first: Watcher | undefined;
}

const watched = new WeakMap<AbortSignal, Watchers>();

/**
 * Calls `callback` once when `signal` aborts, and returns the function that stops watching. Each
 * pending step attempt watches its run's signal: one shared listener per signal and a list node
 * per attempt cost far less than adding and removing an event listener on every step.
 *
 * @internal
 */
export function watchAbort(signal: AbortSignal, callback: () => void): () => void {
  let watchers = watched.get(signal);
  if (watchers === undefined) {
    const list: Watchers = { first: undefined };
    watchers = list;
    watched.set(signal, list);
    signal.addEventListener(
      'abort',
      () => {
        let watcher = list.first;
        list.first = undefined;
        while (watcher !== undefined) {
          const { next } = watcher;
          watcher.previous = undefined;
          watcher.next = undefined;
          watcher.callback();
          watcher = next;
        }
      },
      { once: true },
    );
  }
  const list = watchers;
  const watcher: Watcher = { callback, previous: undefined, next: list.first };
  if (list.first !== undefined) list.first.previous = watcher;
  list.first = watcher;
  return () => {
    const { previous, next } = watcher;
    if (previous !== undefined) previous.next = next;
    else if (list.first === watcher) list.first = next;
    if (next !== undefined) next.previous = previous;
    watcher.previous = undefined;
    watcher.next = undefined;
  };
}
