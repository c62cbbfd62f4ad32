/**
 * A map that keeps at most `capacity` entries, dropping the least recently used: the caches of
 * the authorizer are bounded so that made-up principal ids or resources cannot exhaust memory.
 *
 * Recency is kept approximately: a hit moves an entry to the young end only when it has aged past
 * half the capacity since it was last moved, so the hot path (a hit on a young entry) is one map
 * lookup. An entry in use is never among the oldest half, so it is never the one dropped.
 *
 * @internal
 */
export class LruMap<TKey, TValue> {
  readonly #entries = new Map<TKey, { value: TValue; tick: number }>();
  readonly #capacity: number;
  #tick = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The entry, marked as recently used. */
  get(key: TKey): TValue | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#tick - entry.tick > this.#capacity / 2) {
      this.#entries.delete(key);
      entry.tick = this.#tick += 1;
      this.#entries.set(key, entry);
    }
    return entry.value;
  }

  /** Stores the entry, dropping the least recently used one past the capacity. */
  set(key: TKey, value: TValue): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, tick: (this.#tick += 1) });
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
