import {
  chargeOf,
  EPSILON,
  type ConsumeOutcome,
  type LimitRule,
  type LimitStore,
} from './limit-store.js';

interface KeyState {
  /** Units in the bucket (negative after a grant was charged more than it took). */
  tokens: number;
  /** When `tokens` was last refilled, in ms. */
  at: number;
  /** Units accepted in the current rolling window. */
  sum: number;
  /** The window's grants, oldest first, from `head` on: when, how much, and their ids. */
  times: number[];
  costs: number[];
  ids: number[];
  head: number;
  seq: number;
}

/**
 * The in-memory store: a token bucket and a log of the grants of the last window per key, in a map
 * bounded to `maxKeys` entries (least recently used first out).
 */
export class MemoryLimitStore implements LimitStore {
  readonly #keys = new Map<string, KeyState>();
  readonly #rule: LimitRule;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #ratePerMs: number;

  constructor(rule: LimitRule, maxKeys: number, now: () => number = Date.now) {
    this.#rule = rule;
    this.#maxKeys = maxKeys;
    this.#now = now;
    this.#ratePerMs = rule.limit / rule.windowMs;
  }

  /** How many keys are held (for tests of the bound). */
  get size(): number {
    return this.#keys.size;
  }

  consume(key: string, cost: number): ConsumeOutcome {
    const now = this.#now();
    const state = this.#state(key, now);
    const charged = chargeOf(this.#rule, cost);
    if (state.tokens + EPSILON >= charged && state.sum + charged <= this.#rule.limit) {
      state.tokens -= charged;
      state.sum += charged;
      state.seq += 1;
      state.times.push(now);
      state.costs.push(charged);
      state.ids.push(state.seq);
      return { ok: true, id: state.seq, charged };
    }
    return { ok: false, retryAfterMs: this.#wait(state, charged, now) };
  }

  adjust(key: string, id: number, charged: number, actual: number): void {
    if (!this.#keys.has(key)) return; // forgotten (least recently used): nothing left to correct
    const state = this.#state(key, this.#now());
    const difference = actual - charged;
    state.tokens = Math.min(this.#rule.capacity, state.tokens - difference);
    const index = this.#find(state, id);
    if (index >= 0) {
      state.costs[index] = state.costs[index]! + difference;
      state.sum += difference;
    }
  }

  #state(key: string, now: number): KeyState {
    let state = this.#keys.get(key);
    if (state === undefined) {
      state = {
        tokens: this.#rule.capacity,
        at: now,
        sum: 0,
        times: [],
        costs: [],
        ids: [],
        head: 0,
        seq: 0,
      };
      this.#keys.set(key, state);
      if (this.#keys.size > this.#maxKeys) {
        const oldest = this.#keys.keys().next();
        if (oldest.done !== true) this.#keys.delete(oldest.value);
      }
      return state;
    }
    // Most recently used last: delete and set again.
    this.#keys.delete(key);
    this.#keys.set(key, state);
    if (now > state.at) {
      state.tokens = Math.min(
        this.#rule.capacity,
        state.tokens + (now - state.at) * this.#ratePerMs,
      );
      state.at = now;
    }
    const edge = now - this.#rule.windowMs;
    const { times, costs } = state;
    while (state.head < times.length && times[state.head]! <= edge) {
      state.sum -= costs[state.head]!;
      state.head += 1;
    }
    if (state.head === times.length) {
      if (state.head > 0) {
        state.times = [];
        state.costs = [];
        state.ids = [];
        state.head = 0;
        state.sum = 0;
      }
    } else if (state.head > 32 && state.head * 2 >= times.length) {
      times.splice(0, state.head);
      costs.splice(0, state.head);
      state.ids.splice(0, state.head);
      state.head = 0;
    }
    return state;
  }

  #wait(state: KeyState, charged: number, now: number): number {
    const { limit, windowMs } = this.#rule;
    let wait = 0;
    if (state.tokens + EPSILON < charged) wait = ((charged - state.tokens) * windowMs) / limit;
    let excess = state.sum + charged - limit;
    for (let index = state.head; excess > 0 && index < state.times.length; index += 1) {
      excess -= state.costs[index]!;
      if (excess <= 0) wait = Math.max(wait, state.times[index]! + windowMs - now);
    }
    return Math.max(1, Math.ceil(wait - 1e-6));
  }

  #find(state: KeyState, id: number): number {
    let low = state.head;
    let high = state.ids.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = state.ids[middle]!;
      if (value === id) return middle;
      if (value < id) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }
}
