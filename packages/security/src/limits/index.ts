export {
  DEFAULT_OUTPUT_TOKEN_ESTIMATE,
  installRateLimits,
  type InstallRateLimitsOptions,
  type InstalledRateLimits,
} from './install-rate-limits.js';
export {
  rateLimitKey,
  type RateLimitKeyDimension,
  type RateLimitKeyParts,
} from './rate-limit-key.js';
export {
  createRateLimiter,
  type AcquireOptions,
  type LimiterStoreOptions,
  type PenaltyStrategy,
  type RateLimiter,
  type RateLimiterOptions,
  type StoreUnavailablePolicy,
} from './rate-limiter.js';
export {
  createTokenBudget,
  type TokenBudget,
  type TokenBudgetOptions,
  type TokenReservation,
} from './token-budget.js';
