import { AgentryError } from '../errors/agentry-error.js';
import { maxTimerDelay } from './check-delay.js';
import { systemClock } from './clock.js';
import { createAbortedError } from './create-aborted-error.js';
import { sleep } from './sleep.js';
import type { Clock } from './clock.js';
import type { TokenBucket, TokenBucketOptions, TokenBucketWaitOptions } from './token-bucket.js';

/**
 * The size and refill rate of a {@link TokenBucket}.
 *
 * @example
 * ```ts
 * import { createTokenBucket, type TokenBucketConfig } from '@agentry/core';
 *
 * // 90 000 tokens a minute, with the whole minute's budget available at once.
 * const config: TokenBucketConfig = { capacity: 90_000, refillPerSecond: 1_500 };
 * const bucket = createTokenBucket(config);
 * bucket.consume(1_200);
 * ```
 */
export interface TokenBucketConfig {
  /** The most tokens the bucket holds, and holds at the start. */
  capacity: number;
  /** Tokens added per second, up to `capacity`; may be fractional. */
  refillPerSecond: number;
}

/**
 * Creates a {@link TokenBucket} that starts full and refills continuously at `refillPerSecond`.
 *
 * For `ResourceLimits.maxTokensPerMinute`, use a capacity of the limit and a refill of the limit
 * divided by 60: a full minute's budget may be spent at once, and is then earned back over a
 * minute. Spending is recorded after the fact with `consume`, so a large call may overdraw the
 * bucket; callers then wait until the debt is repaid.
 *
 * @throws AgentryError `validation_failed` when `capacity` or `refillPerSecond` is not a positive,
 *   finite number.
 * @example
 * ```ts
 * const bucket = createTokenBucket({ capacity: 90_000, refillPerSecond: 90_000 / 60 });
 * await bucket.waitUntilAvailable({ signal, mode: 'wait' });
 * bucket.consume(usage.inputTokens + usage.outputTokens);
 * ```
 */
export function createTokenBucket(
  config: TokenBucketConfig,
  options: TokenBucketOptions = {},
): TokenBucket {
  const { capacity, refillPerSecond } = config;
  checkAmount(capacity, 'capacity', false);
  checkAmount(refillPerSecond, 'refillPerSecond', false);
  const { clock = systemClock, limit = 'maxTokensPerMinute' } = options;
  return new RefillingBucket(capacity, refillPerSecond, clock, limit);
}

/** The bucket of {@link createTokenBucket}: a class, so that one costs one object. */
class RefillingBucket implements TokenBucket {
  #balance: number;
  #updatedAt: number;
  readonly #capacity: number;
  readonly #refillPerSecond: number;
  readonly #clock: Clock;
  readonly #limit: string;

  constructor(capacity: number, refillPerSecond: number, clock: Clock, limit: string) {
    this.#capacity = capacity;
    this.#refillPerSecond = refillPerSecond;
    this.#clock = clock;
    this.#limit = limit;
    this.#balance = capacity;
    this.#updatedAt = clock.now();
  }

  available(): number {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#balance = Math.min(
      this.#capacity,
      this.#balance + (elapsed * this.#refillPerSecond) / 1000,
    );
    this.#updatedAt = now;
    return this.#balance;
  }

  consume(tokens: number): number {
    checkAmount(tokens, 'tokens', true);
    this.#balance = this.available() - tokens;
    return this.#balance;
  }

  async waitUntilAvailable({ signal, mode = 'wait' }: TokenBucketWaitOptions = {}): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw createAbortedError(signal, 'The wait for tokens');
      if (this.available() > 0) return;
      const retryAfterMs = this.#msUntilPositive();
      if (mode === 'refuse') {
        const limit = this.#limit;
        throw new AgentryError({
          code: 'limit_exceeded',
          recoverable: true,
          message: `The ${limit} limit is spent; tokens are available again in ${retryAfterMs} ms.`,
          details: { limit, retryAfterMs },
          suggestions: ['Retry after retryAfterMs, or raise the limit.'],
        });
      }
      // Others may consume while this caller sleeps, so the loop checks the balance again.
      await sleep(Math.min(retryAfterMs, maxTimerDelay), { clock: this.#clock, signal });
    }
  }

  /** Whole milliseconds after which the balance is sure to be positive again. */
  #msUntilPositive(): number {
    return Math.floor((-this.available() * 1000) / this.#refillPerSecond) + 1;
  }
}

function checkAmount(value: number, name: string, zeroAllowed: boolean): void {
  if (Number.isFinite(value) && (zeroAllowed ? value >= 0 : value > 0)) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} finite number, got ${String(value)}.`,
    details: { path: [name], value },
    suggestions: [
      `Pass ${name} as a ${zeroAllowed ? 'non-negative' : 'positive'} number of tokens.`,
    ],
  });
}
