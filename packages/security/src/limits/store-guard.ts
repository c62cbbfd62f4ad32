import { AgentryError, type SecurityEvent } from '@agentry/core';
import type { LimitRule, LimitStore, ConsumeOutcome } from './limit-store.js';
import { MemoryLimitStore } from './memory-store.js';
import type { RedisLimitStore } from './redis-store.js';

/**
 * What a limiter does while its Redis store is unreachable: `insurance` limits each process in
 * memory to its share of the limits, `fail-closed` refuses every call. Neither lets calls through
 * unlimited.
 *
 * @example
 * ```ts
 * import type { StoreUnavailablePolicy } from '@agentry/security';
 *
 * // A payment agent would rather stop than risk overspending while Redis is down.
 * const policy: StoreUnavailablePolicy = 'fail-closed';
 * console.log(policy);
 * ```
 */
export type StoreUnavailablePolicy = 'insurance' | 'fail-closed';

/**
 * The health of one Redis connection as limiters see it, shared by the limiters of one
 * installation so that an outage is reported once: one `rate-limit-store-unavailable` event when
 * it starts, one `rate-limit-store-recovered` event when a call succeeds again.
 */
export class StoreHealth {
  #down = false;
  readonly #emit: (event: SecurityEvent) => void;
  readonly #policy: StoreUnavailablePolicy;

  constructor(policy: StoreUnavailablePolicy, emit: (event: SecurityEvent) => void) {
    this.#policy = policy;
    this.#emit = emit;
  }

  get down(): boolean {
    return this.#down;
  }

  failed(): void {
    if (this.#down) return;
    this.#down = true;
    this.#emit({
      type: 'security',
      category: 'rate-limit-store-unavailable',
      severity: 'high',
      at: Date.now(),
      reason:
        this.#policy === 'insurance'
          ? 'The rate limit store (Redis) is unreachable; each process now enforces its share of the limits in memory.'
          : 'The rate limit store (Redis) is unreachable; calls are refused until it is back (fail-closed).',
    });
  }

  recovered(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#emit({
      type: 'security',
      category: 'rate-limit-store-recovered',
      severity: 'low',
      at: Date.now(),
      reason: 'The rate limit store (Redis) is reachable again; the shared limits apply.',
    });
  }
}

interface Pending {
  readonly deadline: number;
  readonly reject: (error: Error) => void;
}

/** A grant and the store that gave it (so that its correction goes to the same store). */
export type GuardedOutcome =
  | { readonly ok: true; readonly id: number; readonly charged: number; readonly store: LimitStore }
  | { readonly ok: false; readonly retryAfterMs: number };

/** Splits a rule among `processes`: every process may use its share, at least 1 unit. */
export const shareOf = (rule: LimitRule, processes: number): LimitRule => ({
  limit: Math.max(1, Math.floor(rule.limit / processes)),
  capacity: Math.max(1, Math.floor(rule.capacity / processes)),
  windowMs: rule.windowMs,
});

/**
 * A Redis store with its outage handling: a call is not tried while the client is not connected,
 * is given up after `timeoutMs`, and a failure turns to the insurance limiter (the rule shared
 * among the expected processes) or to a refusal; never to an unlimited call.
 */
export class GuardedStore {
  readonly #primary: RedisLimitStore;
  readonly #health: StoreHealth;
  readonly #policy: StoreUnavailablePolicy;
  readonly #insurance: MemoryLimitStore;
  readonly #timeoutMs: number;
  readonly #pending = new Set<Pending>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(options: {
    primary: RedisLimitStore;
    health: StoreHealth;
    policy: StoreUnavailablePolicy;
    rule: LimitRule;
    expectedProcesses: number;
    maxKeys: number;
    timeoutMs: number;
  }) {
    this.#primary = options.primary;
    this.#health = options.health;
    this.#policy = options.policy;
    this.#insurance = new MemoryLimitStore(
      shareOf(options.rule, options.expectedProcesses),
      options.maxKeys,
    );
    this.#timeoutMs = options.timeoutMs;
  }

  async consume(key: string, cost: number): Promise<GuardedOutcome> {
    if (this.#primary.ready) {
      try {
        const outcome: ConsumeOutcome = await this.#withTimeout(this.#primary.consume(key, cost));
        this.#health.recovered();
        return outcome.ok ? { ...outcome, store: this.#primary } : outcome;
      } catch {
        // Reported below without the error's text: it may name the server's address.
      }
    }
    this.#health.failed();
    if (this.#policy === 'fail-closed') {
      throw new AgentryError({
        code: 'rate_limited',
        message:
          "The rate limit store (Redis) is unreachable and onStoreUnavailable is 'fail-closed', so the call was refused.",
        details: { key, retryAfterMs: 1000, storeUnavailable: true },
        suggestions: [
          'Check that Redis is running and reachable from this process.',
          "Set onStoreUnavailable: 'insurance' to keep serving with per-process limits during an outage.",
        ],
      });
    }
    const outcome = this.#insurance.consume(key, cost);
    return outcome.ok ? { ...outcome, store: this.#insurance } : outcome;
  }

  // One sweep every quarter of the timeout gives up the calls past it: cheaper than a timer a call.
  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { deadline: Date.now() + this.#timeoutMs, reject };
      this.#pending.add(entry);
      if (this.#sweeper === undefined) {
        this.#sweeper = setInterval(() => this.#sweep(), Math.max(1, this.#timeoutMs / 4));
        this.#sweeper.unref();
      }
      promise.then(
        (value) => {
          this.#pending.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.#pending.delete(entry);
          reject(error instanceof Error ? error : new Error('store error'));
        },
      );
    });
  }

  #sweep(): void {
    const now = Date.now();
    for (const entry of this.#pending) {
      if (entry.deadline > now) continue;
      this.#pending.delete(entry);
      entry.reject(new Error('timeout'));
    }
    if (this.#pending.size === 0 && this.#sweeper !== undefined) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }
}
