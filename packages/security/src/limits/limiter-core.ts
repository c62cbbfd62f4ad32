import { AgentryError } from '@agentry/core';
import type { LimitStore } from './limit-store.js';
import type { GuardedOutcome } from './store-guard.js';

/**
 * What a limiter does with a call over its limit: `reject` fails it with `rate_limited`, `queue`
 * holds it in a FIFO until capacity frees, `throttle` spaces the calls of a key evenly.
 *
 * @example
 * ```ts
 * import { createRateLimiter, type PenaltyStrategy } from '@agentry/security';
 *
 * const strategy: PenaltyStrategy = 'throttle';
 * const limiter = createRateLimiter({ requestsPerMinute: 120, burstLimit: 10, penaltyStrategy: strategy });
 * limiter.close();
 * ```
 */
export type PenaltyStrategy = 'reject' | 'queue' | 'throttle';

/** A store as the limiter calls it: memory answers at once, Redis through its guard. */
export interface CoreStore {
  consume(key: string, cost: number): GuardedOutcome | Promise<GuardedOutcome>;
  /** The memory store's fast path: takes `cost` now if it fits, with no grant to correct later. */
  tryTake?(key: string, cost: number): boolean;
}

/**
 * What `admit` returns for a call the store took at once: one shared resolved promise, so that a
 * caller can tell a synchronous admission by identity and skip awaiting it.
 */
export const ADMITTED = Promise.resolve();
const nothing = (): void => undefined;

/** A granted call: which store to correct it in, and how. */
export interface Grant {
  readonly key: string;
  readonly id: number;
  readonly charged: number;
  readonly store: LimitStore;
}

interface Waiter {
  readonly cost: number;
  readonly resolve: (grant: Grant) => void;
  readonly reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

interface KeyQueue {
  readonly waiters: Waiter[];
  timer: ReturnType<typeof setTimeout> | undefined;
  pumping: boolean;
}

/** What the limiter core is built from. */
export interface CoreOptions {
  readonly store: CoreStore;
  readonly strategy: PenaltyStrategy;
  readonly maxQueue: number;
  readonly maxKeys: number;
  /** Under `throttle`, the least time between two calls of one key, in ms. */
  readonly spacingMs: number;
  /** What the limit counts, for messages: `requests` or `tokens`. */
  readonly unit: string;
}

/** Where a call's signal is read: only when the call has to wait (reading it may create it). */
export interface SignalSource {
  readonly signal?: AbortSignal | undefined;
}

const abortedError = (key: string) =>
  new AgentryError({
    code: 'aborted',
    message: `The call waiting for rate limit key "${key}" was aborted; it used no capacity.`,
    details: { key },
  });

/**
 * The limiter shared by request limits and token budgets: one store, and per key a FIFO of the
 * calls waiting for capacity (`queue`), or spaced `spacingMs` apart (`throttle`).
 */
export class LimiterCore {
  readonly #options: CoreOptions;
  readonly #queues = new Map<string, KeyQueue>();
  /** Under `throttle`, when each key last started a call (bounded like the store's keys). */
  readonly #lastStart = new Map<string, number>();
  #closed = false;

  constructor(options: CoreOptions) {
    this.#options = options;
  }

  /** How many calls wait, over all keys (for tests). */
  get waiting(): number {
    let count = 0;
    for (const queue of this.#queues.values()) count += queue.waiters.length;
    return count;
  }

  acquire(key: string, cost: number, source: SignalSource | undefined): Promise<Grant> {
    if (this.#closed) return Promise.reject(this.#closedError(key));
    const { strategy } = this.#options;
    if (!this.#queues.has(key) && (strategy !== 'throttle' || this.#spacingLeft(key) <= 0)) {
      const outcome = this.#options.store.consume(key, cost);
      if (!(outcome instanceof Promise)) return this.#first(key, cost, source, outcome);
      return outcome.then((settled) => this.#first(key, cost, source, settled));
    }
    return this.#enqueue(key, cost, source);
  }

  /** Tries the waiting calls of `key` again now: capacity was given back. */
  wake(key: string): void {
    const queue = this.#queues.get(key);
    if (queue === undefined || queue.pumping) return;
    if (queue.timer !== undefined) clearTimeout(queue.timer);
    void this.#pump(key, queue);
  }

  /**
   * `acquire` for a call that is never corrected (a request): on the memory store, a call that fits
   * at once costs one check and no allocation.
   */
  admit(key: string, cost: number, source: SignalSource | undefined): Promise<void> {
    const { store } = this.#options;
    if (
      store.tryTake !== undefined &&
      !this.#closed &&
      this.#options.strategy !== 'throttle' &&
      !this.#queues.has(key) &&
      store.tryTake(key, cost)
    )
      return ADMITTED;
    return this.acquire(key, cost, source).then(nothing);
  }

  /** Refuses every waiting call (`aborted`) and every later one; nothing is left unsettled. */
  close(): void {
    this.#closed = true;
    for (const [key, queue] of this.#queues) {
      if (queue.timer !== undefined) clearTimeout(queue.timer);
      for (const waiter of queue.waiters) this.#settle(waiter, undefined, this.#closedError(key));
      queue.waiters.length = 0;
    }
    this.#queues.clear();
  }

  #first(
    key: string,
    cost: number,
    source: SignalSource | undefined,
    outcome: GuardedOutcome,
  ): Promise<Grant> {
    if (outcome.ok) {
      if (this.#options.strategy === 'throttle') this.#started(key);
      return Promise.resolve({
        key,
        id: outcome.id,
        charged: outcome.charged,
        store: outcome.store,
      });
    }
    if (this.#options.strategy === 'reject')
      return Promise.reject(this.#limitedError(key, outcome.retryAfterMs));
    return this.#enqueue(key, cost, source, outcome.retryAfterMs);
  }

  #enqueue(
    key: string,
    cost: number,
    source: SignalSource | undefined,
    retryAfterMs?: number,
  ): Promise<Grant> {
    const signal = source?.signal;
    if (signal?.aborted === true) return Promise.reject(abortedError(key));
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      if (this.#queues.size >= this.#options.maxKeys) return Promise.reject(this.#fullError(key));
      queue = { waiters: [], timer: undefined, pumping: false };
      this.#queues.set(key, queue);
    } else if (queue.waiters.length >= this.#options.maxQueue) {
      return Promise.reject(this.#fullError(key));
    }
    const target = queue;
    return new Promise<Grant>((resolve, reject) => {
      const waiter: Waiter = { cost, resolve, reject, signal, onAbort: undefined, settled: false };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = target.waiters.indexOf(waiter);
          if (index >= 0) target.waiters.splice(index, 1);
          this.#settle(waiter, undefined, abortedError(key));
          if (target.waiters.length === 0 && !target.pumping) this.#drop(key, target);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      target.waiters.push(waiter);
      if (target.waiters.length === 1 && !target.pumping) {
        const wait = Math.max(retryAfterMs ?? 0, this.#spacingLeft(key));
        if (wait > 0) this.#schedule(key, target, wait);
        else void this.#pump(key, target);
      }
    });
  }

  async #pump(key: string, queue: KeyQueue): Promise<void> {
    queue.timer = undefined;
    if (queue.pumping) return;
    queue.pumping = true;
    try {
      while (queue.waiters.length > 0 && !this.#closed) {
        const spacing = this.#spacingLeft(key);
        if (spacing > 0) {
          this.#schedule(key, queue, spacing);
          return;
        }
        const head = queue.waiters[0]!;
        let outcome: GuardedOutcome;
        try {
          outcome = await this.#options.store.consume(key, head.cost);
        } catch (error) {
          // The store refused outright (fail-closed): this call fails, the next is tried.
          this.#remove(queue, head);
          this.#settle(head, undefined, error);
          continue;
        }
        if (outcome.ok) {
          const grant: Grant = {
            key,
            id: outcome.id,
            charged: outcome.charged,
            store: outcome.store,
          };
          if (head.settled) {
            // Aborted while the store answered: give the capacity back (an unreachable store
            // keeps it, erring on the safe side).
            try {
              await outcome.store.adjust(key, outcome.id, outcome.charged, 0);
            } catch {
              // Nothing more to do: the call was already refused with `aborted`.
            }
            continue;
          }
          this.#remove(queue, head);
          if (this.#options.strategy === 'throttle') this.#started(key);
          this.#settle(head, grant, undefined);
          continue;
        }
        if (head.settled) continue;
        this.#schedule(key, queue, outcome.retryAfterMs);
        return;
      }
    } finally {
      queue.pumping = false;
      if (queue.waiters.length === 0) this.#drop(key, queue);
    }
  }

  #schedule(key: string, queue: KeyQueue, wait: number): void {
    if (queue.timer !== undefined) clearTimeout(queue.timer);
    queue.timer = setTimeout(() => void this.#pump(key, queue), wait);
  }

  #drop(key: string, queue: KeyQueue): void {
    if (queue.timer !== undefined) clearTimeout(queue.timer);
    queue.timer = undefined;
    if (this.#queues.get(key) === queue) this.#queues.delete(key);
  }

  #remove(queue: KeyQueue, waiter: Waiter): void {
    const index = queue.waiters.indexOf(waiter);
    if (index >= 0) queue.waiters.splice(index, 1);
  }

  #settle(waiter: Waiter, grant: Grant | undefined, error: unknown): void {
    if (waiter.settled) return;
    waiter.settled = true;
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    if (grant !== undefined) waiter.resolve(grant);
    else waiter.reject(error);
  }

  #spacingLeft(key: string): number {
    if (this.#options.strategy !== 'throttle') return 0;
    const last = this.#lastStart.get(key);
    return last === undefined ? 0 : last + this.#options.spacingMs - Date.now();
  }

  #started(key: string): void {
    const lastStart = this.#lastStart;
    lastStart.delete(key);
    lastStart.set(key, Date.now());
    if (lastStart.size > this.#options.maxKeys) {
      const oldest = lastStart.keys().next();
      if (oldest.done !== true) lastStart.delete(oldest.value);
    }
  }

  #limitedError(key: string, retryAfterMs: number): AgentryError {
    return new AgentryError({
      code: 'rate_limited',
      message: `Rate limit reached for key "${key}": too many ${this.#options.unit} in the last minute; retry in ${retryAfterMs} ms.`,
      details: { key, retryAfterMs },
      suggestions: [
        `Retry after ${retryAfterMs} ms.`,
        "Use penaltyStrategy 'queue' or 'throttle' to wait for capacity instead of failing.",
      ],
    });
  }

  #fullError(key: string): AgentryError {
    return new AgentryError({
      code: 'queue_full',
      message: `The rate limit queue for key "${key}" is full (${this.#options.maxQueue} calls waiting); the call was refused.`,
      details: { key, maxQueue: this.#options.maxQueue },
      suggestions: ['Retry later, or raise maxQueue (each waiting call holds memory).'],
    });
  }

  #closedError(key: string): AgentryError {
    return new AgentryError({
      code: 'aborted',
      message: `The rate limiter was closed; the call for key "${key}" was not admitted.`,
      details: { key },
    });
  }
}
