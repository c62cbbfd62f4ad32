type Listener = (event: Event) => void;

/**
 * Wraps a signal's `addEventListener` and `removeEventListener` to count the abort listeners it
 * holds, so a test can check that a helper removed every listener it added. A `once` listener
 * counts as removed when it runs.
 */
export function trackListeners(signal: AbortSignal): { readonly count: number } {
  const active = new Map<Listener, Listener>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (type: string, listener: Listener, options?: { once?: boolean }) => {
    if (type !== 'abort') return add(type, listener, options);
    const wrapped: Listener = (event) => {
      if (options?.once === true) active.delete(listener);
      listener(event);
    };
    active.set(listener, wrapped);
    add(type, wrapped, options);
  };
  signal.removeEventListener = (type: string, listener: Listener) => {
    if (type !== 'abort') return remove(type, listener);
    const wrapped = active.get(listener);
    active.delete(listener);
    if (wrapped !== undefined) remove(type, wrapped);
  };
  return {
    get count() {
      return active.size;
    },
  };
}
