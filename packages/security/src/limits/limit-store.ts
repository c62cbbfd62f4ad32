/**
 * The limit a store enforces per key: at most `limit` units accepted in any rolling `windowMs`,
 * and a token bucket of `capacity` units refilled continuously at `limit` per `windowMs`.
 */
export interface LimitRule {
  readonly limit: number;
  readonly capacity: number;
  readonly windowMs: number;
}

/** The answer to one request for capacity. */
export type ConsumeOutcome =
  | { readonly ok: true; readonly id: number; readonly charged: number }
  | { readonly ok: false; readonly retryAfterMs: number };

/** Where the counts of a limiter live: this process's memory or Redis. */
export interface LimitStore {
  /** Takes `cost` units for `key` if both limits allow it now, else says how long to wait. */
  consume(key: string, cost: number): ConsumeOutcome | Promise<ConsumeOutcome>;
  /** Corrects a grant: `actual` units were used where `charged` were taken (refund or charge). */
  adjust(key: string, id: number, charged: number, actual: number): void | Promise<void>;
}

/** Whether a float count reaches `needed` (a refill of 1/60 a second adds up to 0.9999…). */
export const EPSILON = 1e-9;

/** What a store charges for `cost`: never more than a full bucket or a whole window. */
export const chargeOf = (rule: LimitRule, cost: number): number =>
  Math.min(cost, rule.capacity, rule.limit);
