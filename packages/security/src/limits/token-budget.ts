import { AgentryError } from '@agentry/core';
import type { LimitRule } from './limit-store.js';
import { LimiterCore, type PenaltyStrategy } from './limiter-core.js';
import { positiveInteger, storeFor, type LimiterStoreOptions } from './rate-limiter.js';
import type { StoreHealth } from './store-guard.js';

const WINDOW_MS = 60_000;

/**
 * The options of {@link createTokenBudget}.
 *
 * @example
 * ```ts
 * import type { TokenBudgetOptions } from '@agentry/security';
 *
 * const options: TokenBudgetOptions = { tokensPerMinute: 90_000, penaltyStrategy: 'queue' };
 * ```
 */
export interface TokenBudgetOptions extends LimiterStoreOptions {
  /** Tokens (input plus output) per key in any rolling minute, refilled continuously. */
  readonly tokensPerMinute: number;
  /** Over budget: `reject` (`rate_limited`) or wait (`queue`, and `throttle` alike). Default `queue`. */
  readonly penaltyStrategy?: PenaltyStrategy;
}

/**
 * A reservation of tokens, to settle with the actual usage once the call is over.
 *
 * @example
 * ```ts
 * import { createTokenBudget, type TokenReservation } from '@agentry/security';
 *
 * const budget = createTokenBudget({ tokensPerMinute: 10_000 });
 * const reservation: TokenReservation = await budget.reserve('user=alice', 1_500);
 * await reservation.settle(420); // 1,080 tokens given back
 * budget.close();
 * ```
 */
export interface TokenReservation {
  /**
   * Corrects the reservation to `actual` tokens: the difference is given back, or charged when the
   * call used more. Only the first call counts; a store failure here is ignored (the call is over).
   */
  settle(actual: number): Promise<void>;
}

/**
 * A token budget; see {@link createTokenBudget}.
 *
 * @example
 * ```ts
 * import { createTokenBudget, type TokenBudget } from '@agentry/security';
 *
 * const budget: TokenBudget = createTokenBudget({ tokensPerMinute: 90_000 });
 * budget.close();
 * ```
 */
export interface TokenBudget {
  /**
   * Reserves `estimate` tokens for `key` before a call (an estimate above the budget reserves the
   * whole budget); waits, or rejects with `rate_limited` under `reject`, while the budget is spent.
   */
  reserve(
    key: string,
    estimate: number,
    options?: { readonly signal?: AbortSignal | undefined },
  ): Promise<TokenReservation>;
  /** Fails every waiting reservation with `aborted` and refuses later ones. */
  close(): void;
}

/** @internal Builds a token budget sharing `health` with the other limiters of an install. */
export function createTokenBudgetWith(
  options: TokenBudgetOptions,
  health?: StoreHealth,
): TokenBudget {
  const tokensPerMinute = options.tokensPerMinute;
  if (!(Number.isSafeInteger(tokensPerMinute) && tokensPerMinute > 0)) {
    throw new AgentryError({
      code: 'config_invalid',
      message: `tokensPerMinute must be a positive integer; got ${String(tokensPerMinute)}.`,
      details: { path: 'tokensPerMinute' },
      suggestions: ['Set tokensPerMinute to a whole number of tokens, such as 90000.'],
    });
  }
  const rule: LimitRule = {
    limit: tokensPerMinute,
    capacity: tokensPerMinute,
    windowMs: WINDOW_MS,
  };
  const strategy = options.penaltyStrategy === 'reject' ? 'reject' : 'queue';
  const core = new LimiterCore({
    store: storeFor(rule, options, 'tok', health),
    strategy,
    maxQueue: positiveInteger('maxQueue', options.maxQueue, 1000),
    maxKeys: positiveInteger('maxKeys', options.maxKeys, 100_000),
    spacingMs: 0,
    unit: 'tokens',
  });
  return {
    async reserve(key, estimate, reserveOptions) {
      const cost = Number.isFinite(estimate) && estimate > 1 ? Math.ceil(estimate) : 1;
      const grant = await core.acquire(key, cost, reserveOptions);
      let settled = false;
      return {
        async settle(actual) {
          if (settled) return;
          settled = true;
          const used = Number.isFinite(actual) && actual >= 0 ? Math.ceil(actual) : grant.charged;
          if (used === grant.charged) return;
          try {
            await grant.store.adjust(key, grant.id, grant.charged, used);
            if (used < grant.charged) core.wake(key);
          } catch {
            // The call is over; an unreachable store cannot be corrected now, and the tokens
            // were reserved, so the budget erred on the safe side.
          }
        },
      };
    },
    close() {
      core.close();
    },
  };
}

/**
 * Creates a token budget: per key, at most `tokensPerMinute` tokens in any rolling minute, in a
 * bucket refilled continuously. A call reserves an estimate first (`reserve`), then settles with
 * the tokens its response actually used, so the budget follows real usage: an over-estimate is
 * given back, an under-estimate charged (and later calls wait for it). Stores, keys, queues and
 * outages behave as in {@link createRateLimiter}.
 *
 * @example
 * ```ts
 * import { createTokenBudget } from '@agentry/security';
 *
 * const budget = createTokenBudget({ tokensPerMinute: 90_000, penaltyStrategy: 'queue' });
 * const reservation = await budget.reserve('user=alice', 2_000);
 * // ... call the model ...
 * await reservation.settle(1_234); // the usage the response reported
 * budget.close();
 * ```
 */
export function createTokenBudget(options: TokenBudgetOptions): TokenBudget {
  return createTokenBudgetWith(options);
}
