/**
 * A map that keeps at most `capacity` entries, dropping the least recently used: the caches of
 * the authorizer are bounded so that made-up principal ids or resources cannot exhaust memory.
 *
 * @internal
 */
export class LruMap<TKey, TValue> {
  readonly #entries = new Map<TKey, TValue>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The entry, marked as the most recently used. */
  get(key: TKey): TValue | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores the entry, dropping the least recently used one past the capacity. */
  set(key: TKey, value: TValue): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Removes the entry. */
  delete(key: TKey): void {
    this.#entries.delete(key);
  }

  /** How many entries it holds. */
  get size(): number {
    return this.#entries.size;
  }
}
