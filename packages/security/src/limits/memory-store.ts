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
  /** The window's grants, oldest first, from `head` on: when and how much. */
  times: number[];
  costs: number[];
  head: number;
  /** The id of the grant at index 0 (ids are consecutive). */
  base: number;
  /** The id of the last grant. */
  seq: number;
}

/**
 * The in-memory store: a token bucket and a log of the grants of the last window per key, in a map
 * bounded to `maxKeys` entries (least recently used first out).
 */
export class MemoryLimitStore implements LimitStore {
  // Two generations approximate least-recently-used order at one map read per call: a key is
  // written to `#current`; when that holds half of `maxKeys`, it becomes `#previous` (dropping the
  // older one) and a key read from `#previous` moves back to `#current`. So at most `maxKeys` keys
  // are held, and every key used within the last `maxKeys / 2` distinct keys is kept.
  #current = new Map<string, KeyState>();
  #previous = new Map<string, KeyState>();
  readonly #generation: number;
  readonly #rule: LimitRule;
  readonly #now: () => number;
  readonly #ratePerMs: number;

  constructor(rule: LimitRule, maxKeys: number, now: () => number = Date.now) {
    this.#rule = rule;
    this.#generation = Math.max(1, Math.floor(maxKeys / 2));
    this.#now = now;
    this.#ratePerMs = rule.limit / rule.windowMs;
  }

  /** How many keys are held (for tests of the bound). */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  consume(key: string, cost: number): ConsumeOutcome {
    const now = this.#now();
    const state = this.#state(key, now);
    const charged = chargeOf(this.#rule, cost);
    if (this.#take(state, charged, now)) return { ok: true, id: state.seq, charged };
    return { ok: false, retryAfterMs: this.#wait(state, charged, now) };
  }

  /** {@link MemoryLimitStore.consume} without the outcome: whether `cost` was taken. */
  tryTake(key: string, cost: number): boolean {
    const now = this.#now();
    const state = this.#state(key, now);
    return this.#take(state, chargeOf(this.#rule, cost), now);
  }

  /** Takes `charged` from the bucket and the rolling minute when both have room. */
  #take(state: KeyState, charged: number, now: number): boolean {
    if (state.tokens + EPSILON < charged || state.sum + charged > this.#rule.limit) return false;
    state.tokens -= charged;
    state.sum += charged;
    state.seq += 1;
    state.times.push(now);
    state.costs.push(charged);
    return true;
  }

  adjust(key: string, id: number, charged: number, actual: number): void {
    // Forgotten (least recently used): nothing left to correct.
    if (!this.#current.has(key) && !this.#previous.has(key)) return;
    const state = this.#state(key, this.#now());
    const difference = actual - charged;
    state.tokens = Math.min(this.#rule.capacity, state.tokens - difference);
    const index = id - state.base;
    if (index >= state.head && index < state.times.length) {
      state.costs[index] = state.costs[index]! + difference;
      state.sum += difference;
    }
  }

  #state(key: string, now: number): KeyState {
    let state = this.#current.get(key);
    if (state === undefined) {
      state = this.#previous.get(key);
      if (state === undefined) {
        state = {
          tokens: this.#rule.capacity,
          at: now,
          sum: 0,
          times: [],
          costs: [],
          head: 0,
          base: 1,
          seq: 0,
        };
        this.#keep(key, state);
        return state;
      }
      this.#previous.delete(key);
      this.#keep(key, state);
    }
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
        state.head = 0;
        state.base = state.seq + 1;
        state.sum = 0;
      }
    } else if (state.head > 32 && state.head * 2 >= times.length) {
      times.splice(0, state.head);
      costs.splice(0, state.head);
      state.base += state.head;
      state.head = 0;
    }
    return state;
  }

  #keep(key: string, state: KeyState): void {
    this.#current.set(key, state);
    if (this.#current.size >= this.#generation) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
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
}
