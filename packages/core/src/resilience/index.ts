export type { AbortSource } from './abort-source.js';
export { backoffStrategySchema, type BackoffStrategy } from './backoff-strategy.js';
export { circuitBreakerConfigSchema, type CircuitBreakerConfig } from './circuit-breaker-config.js';
export type {
  CircuitBreaker,
  CircuitBreakerOptions,
  CircuitBreakerSnapshot,
  CircuitExecuteOptions,
  CircuitPermit,
  CircuitState,
} from './circuit-breaker.js';
export { systemClock, type Clock } from './clock.js';
export { computeBackoffDelay, type BackoffDelayOptions } from './compute-backoff-delay.js';
export { createCircuitBreaker } from './create-circuit-breaker.js';
export { createSemaphore } from './create-semaphore.js';
export { createTokenBucket, type TokenBucketConfig } from './create-token-bucket.js';
export { isDependencyFailure } from './is-dependency-failure.js';
export type { RetryInfo, RetryOptions, RetryPolicyWithBackoff } from './retry-options.js';
export { retryPolicySchema, type RetryPolicy } from './retry-policy.js';
export { retry } from './retry.js';
export { savedCircuitStateSchema, type SavedCircuitState } from './saved-circuit-state.js';
export type { Semaphore, SemaphoreAcquireOptions } from './semaphore.js';
export { settleCircuitPermit } from './settle-circuit-permit.js';
export { sleep, type SleepOptions } from './sleep.js';
export type { TokenBucket, TokenBucketOptions, TokenBucketWaitOptions } from './token-bucket.js';
export { withTimeout, type WithTimeoutOptions } from './with-timeout.js';
