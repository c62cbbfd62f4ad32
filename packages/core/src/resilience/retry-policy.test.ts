import { describe, expect, it } from 'vitest';
import { backoffStrategySchema } from './backoff-strategy.js';
import { circuitBreakerConfigSchema } from './circuit-breaker-config.js';
import { retryPolicySchema } from './retry-policy.js';

const policy = { maxAttempts: 3, baseDelay: 0, maxDelay: 0, jitter: false };

describe('retryPolicySchema', () => {
  describe('parse', () => {
    it('does accept a policy with no wait at all', () => {
      expect(retryPolicySchema.parse(policy)).toEqual(policy);
    });

    it('does refuse a maxDelay below baseDelay, naming maxDelay', () => {
      const result = retryPolicySchema.safeParse({ ...policy, baseDelay: 500, maxDelay: 100 });
      expect(result.error?.issues[0]?.path).toEqual(['maxDelay']);
    });

    it.each([
      { maxAttempts: 0 },
      { maxAttempts: 1.5 },
      { baseDelay: -1 },
      { baseDelay: 0.5 },
      { jitter: 'yes' },
      { strategy: 'exponential' },
    ])('does refuse %o', (change) => {
      expect(retryPolicySchema.safeParse({ ...policy, ...change }).success).toBe(false);
    });
  });
});

describe('backoffStrategySchema', () => {
  describe('parse', () => {
    it('does accept the three strategies and nothing else', () => {
      for (const strategy of ['exponential', 'linear', 'fixed']) {
        expect(backoffStrategySchema.parse(strategy)).toBe(strategy);
      }
      expect(backoffStrategySchema.safeParse('random').success).toBe(false);
    });
  });
});

describe('circuitBreakerConfigSchema', () => {
  describe('parse', () => {
    it('does require three positive integers', () => {
      const config = { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 };
      expect(circuitBreakerConfigSchema.parse(config)).toEqual(config);
      for (const key of Object.keys(config)) {
        const result = circuitBreakerConfigSchema.safeParse({ ...config, [key]: 0 });
        expect(result.error?.issues[0]?.path).toEqual([key]);
      }
    });
  });
});
