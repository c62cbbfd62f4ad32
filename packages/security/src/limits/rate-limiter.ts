import { AgentryError, type SecurityEvent } from '@agentry/core';
import type { Redis } from 'ioredis';
import type { LimitRule } from './limit-store.js';
import { LimiterCore, type CoreStore, type PenaltyStrategy } from './limiter-core.js';
import { MemoryLimitStore } from './memory-store.js';
import { RedisLimitStore } from './redis-store.js';
import { GuardedStore, StoreHealth, type StoreUnavailablePolicy } from './store-guard.js';

export type { PenaltyStrategy } from './limiter-core.js';
export type { StoreUnavailablePolicy } from './store-guard.js';

const WINDOW_MS = 60_000;

/**
 * Where a limiter keeps its counts and what it does while Redis is unreachable; shared by
 * {@link RateLimiterOptions} and {@link TokenBudgetOptions}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import type { LimiterStoreOptions } from '@agentry/security';
 *
 * // Shared by every process on this Redis; 4 processes, so each allows a quarter during an outage.
 * const shared: LimiterStoreOptions = {
 *   redis: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
 *   expectedProcesses: 4,
 *   onStoreUnavailable: 'insurance',
 *   onEvent: (event) => console.warn(event.category, event.reason),
 * };
 * ```
 */
export interface LimiterStoreOptions {
  /** `memory` (this process) or `redis` (shared). Default: `redis` when `redis` is given. */
  readonly store?: 'memory' | 'redis';
  /** The Redis client of the `redis` store (ioredis 5); the limiter never closes it. */
  readonly redis?: Redis;
  /** The prefix of the limiter's Redis keys. Default `agentry:rl:`. */
  readonly keyPrefix?: string;
  /** While Redis is unreachable: `insurance` (default) or `fail-closed`. */
  readonly onStoreUnavailable?: StoreUnavailablePolicy;
  /** How many processes share the limits; the insurance limiter allows each its share. Default 1. */
  readonly expectedProcesses?: number;
  /** How long a Redis check may take before Redis counts as unreachable, in ms. Default 1000. */
  readonly storeTimeoutMs?: number;
  /** How many keys are tracked at once, least recently used forgotten first. Default 100000. */
  readonly maxKeys?: number;
  /** How many calls may wait per key under `queue` or `throttle`. Default 1000. */
  readonly maxQueue?: number;
  /**
   * Receives `rate-limit-store-unavailable` (severity `high`, once per outage) and
   * `rate-limit-store-recovered` (severity `low`) security events.
   */
  readonly onEvent?: (event: SecurityEvent) => void;
}

/**
 * The options of {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * import type { RateLimiterOptions } from '@agentry/security';
 *
 * const options: RateLimiterOptions = { requestsPerMinute: 60, burstLimit: 10, penaltyStrategy: 'queue' };
 * ```
 */
export interface RateLimiterOptions extends LimiterStoreOptions {
  /** At most this many requests per key in any rolling minute; also the bucket's refill rate. */
  readonly requestsPerMinute: number;
  /** The bucket's capacity: how many requests may come at once. */
  readonly burstLimit: number;
  /** `reject` (`rate_limited`), `queue` (wait FIFO) or `throttle` (one every 60000/rpm ms). */
  readonly penaltyStrategy: PenaltyStrategy;
}

/**
 * The options of one {@link RateLimiter.acquire} call.
 *
 * @example
 * ```ts
 * import type { AcquireOptions } from '@agentry/security';
 *
 * const options: AcquireOptions = { signal: AbortSignal.timeout(5_000), cost: 1 };
 * ```
 */
export interface AcquireOptions {
  /** Stops waiting: the call is removed from the queue, uses no capacity and fails `aborted`. */
  readonly signal?: AbortSignal | undefined;
  /** How many requests the call counts for (a positive integer up to `burstLimit`). Default 1. */
  readonly cost?: number;
}

/**
 * A rate limiter; see {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * import { createRateLimiter, type RateLimiter } from '@agentry/security';
 *
 * const limiter: RateLimiter = createRateLimiter({ requestsPerMinute: 60, burstLimit: 5, penaltyStrategy: 'reject' });
 * await limiter.acquire('user=alice');
 * limiter.close();
 * ```
 */
export interface RateLimiter {
  /**
   * Resolves once the call may proceed (it then counts against `key`); rejects with `rate_limited`
   * (`details.retryAfterMs`, `details.key`), `queue_full` or `aborted`.
   */
  acquire(key: string, options?: AcquireOptions): Promise<void>;
  /** Fails every waiting call with `aborted` and refuses later ones; does not close `redis`. */
  close(): void;
}

/** `value` when it is a positive safe integer, else `fallback` when absent; else `config_invalid`. */
export function positiveInteger(name: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new AgentryError({
    code: 'config_invalid',
    message: `${name} must be a positive integer; got ${typeof value === 'number' ? String(value) : typeof value}.`,
    details: { path: name },
    suggestions: [`Set ${name} to a whole number of 1 or more.`],
  });
}

/** Builds the store a limiter core uses, from the options. */
export function storeFor(
  rule: LimitRule,
  options: LimiterStoreOptions,
  name: string,
  health?: StoreHealth,
): CoreStore {
  const maxKeys = positiveInteger('maxKeys', options.maxKeys, 100_000);
  const kind = options.store ?? (options.redis === undefined ? 'memory' : 'redis');
  if (kind === 'memory') {
    const memory = new MemoryLimitStore(rule, maxKeys);
    return {
      consume(key, cost) {
        const outcome = memory.consume(key, cost);
        return outcome.ok
          ? { ok: true, id: outcome.id, charged: outcome.charged, store: memory }
          : outcome;
      },
      tryTake: (key, cost) => memory.tryTake(key, cost),
    };
  }
  if (options.redis === undefined) {
    throw new AgentryError({
      code: 'config_invalid',
      message: "The rate limit store is 'redis' but no Redis client was given.",
      details: { path: 'store' },
      suggestions: ["Pass an ioredis client as `redis`, or use store: 'memory'."],
    });
  }
  const policy = options.onStoreUnavailable ?? 'insurance';
  if (policy !== 'insurance' && policy !== 'fail-closed') {
    throw new AgentryError({
      code: 'config_invalid',
      message: "onStoreUnavailable must be 'insurance' or 'fail-closed'.",
      details: { path: 'onStoreUnavailable' },
      suggestions: [
        "Use 'insurance' to keep serving with per-process limits, or 'fail-closed' to refuse.",
      ],
    });
  }
  return new GuardedStore({
    primary: new RedisLimitStore(
      options.redis,
      rule,
      `${options.keyPrefix ?? 'agentry:rl:'}${name}:`,
    ),
    health: health ?? new StoreHealth(policy, options.onEvent ?? (() => undefined)),
    policy,
    rule,
    expectedProcesses: positiveInteger('expectedProcesses', options.expectedProcesses, 1),
    maxKeys,
    timeoutMs: positiveInteger('storeTimeoutMs', options.storeTimeoutMs, 1000),
  });
}

/** @internal Builds a request limiter sharing `health` with the other limiters of an install. */
export function createRateLimiterWith(
  options: RateLimiterOptions,
  health?: StoreHealth,
): RateLimiter {
  const requestsPerMinute = positiveInteger('requestsPerMinute', options.requestsPerMinute);
  const burstLimit = positiveInteger('burstLimit', options.burstLimit);
  const strategy = options.penaltyStrategy;
  if (strategy !== 'reject' && strategy !== 'queue' && strategy !== 'throttle') {
    throw new AgentryError({
      code: 'config_invalid',
      message: "penaltyStrategy must be 'reject', 'queue' or 'throttle'.",
      details: { path: 'penaltyStrategy' },
      suggestions: [
        "Use 'reject' to fail at once, 'queue' to wait, 'throttle' to space calls evenly.",
      ],
    });
  }
  const rule: LimitRule = { limit: requestsPerMinute, capacity: burstLimit, windowMs: WINDOW_MS };
  const core = new LimiterCore({
    store: storeFor(rule, options, 'req', health),
    strategy,
    maxQueue: positiveInteger('maxQueue', options.maxQueue, 1000),
    maxKeys: positiveInteger('maxKeys', options.maxKeys, 100_000),
    spacingMs: WINDOW_MS / requestsPerMinute,
    unit: 'requests',
  });
  const maxCost = Math.min(burstLimit, requestsPerMinute);
  return {
    acquire(key, acquireOptions) {
      const cost = acquireOptions?.cost ?? 1;
      if (cost !== 1 && !(Number.isSafeInteger(cost) && cost > 0 && cost <= maxCost)) {
        return Promise.reject(
          new AgentryError({
            code: 'validation_failed',
            message: `cost must be a positive integer up to ${maxCost} (the burst a key may ever take); got ${String(cost)}.`,
            details: { path: 'cost', key },
            suggestions: ['Count the call as fewer requests, or raise burstLimit.'],
          }),
        );
      }
      return core.admit(key, cost, acquireOptions);
    },
    close() {
      core.close();
    },
  };
}

/**
 * Creates a rate limiter: per key, a token bucket of `burstLimit` requests refilled at
 * `requestsPerMinute` a minute (so a burst never doubles at a window's edge), and never more than
 * `requestsPerMinute` requests accepted in any rolling 60 seconds, whatever the burst.
 *
 * Over the limit, `penaltyStrategy` decides: `reject` fails the call with `rate_limited`
 * (`details.retryAfterMs`, `details.key`); `queue` holds it in a FIFO per key (at most `maxQueue`,
 * then `queue_full`) until capacity frees; `throttle` spaces the calls of a key evenly, one every
 * `60000 / requestsPerMinute` ms, with the same bound. A waiting call whose signal aborts is
 * removed, uses no capacity and fails with `aborted`.
 *
 * With `redis`, every check is one atomic Lua script on the server (its clock, keys hash-tagged
 * for Redis Cluster), so N processes share the limits exactly. While Redis is unreachable the
 * limiter uses an in-memory insurance limiter allowing each process `1 / expectedProcesses` of the
 * limits, or refuses every call (`onStoreUnavailable: 'fail-closed'`); it never lets calls through
 * unlimited, and reports the outage once through `onEvent`. Keys are held in memory for at most
 * `maxKeys` keys (least recently used forgotten first), so made-up ids cannot exhaust memory.
 *
 * @example
 * ```ts
 * import { createRateLimiter, rateLimitKey } from '@agentry/security';
 *
 * const limiter = createRateLimiter({ requestsPerMinute: 60, burstLimit: 10, penaltyStrategy: 'queue' });
 * const key = rateLimitKey(['user'], { principalId: 'alice' });
 * await limiter.acquire(key, { signal: AbortSignal.timeout(30_000) }); // waits its turn past 10 at once
 * limiter.close();
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  return createRateLimiterWith(options);
}
