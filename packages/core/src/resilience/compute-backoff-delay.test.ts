import { describe, expect, it } from 'vitest';
import type { BackoffStrategy } from './backoff-strategy.js';
import { computeBackoffDelay } from './compute-backoff-delay.js';

const base = { baseDelay: 100, maxDelay: 1_000 };

describe('computeBackoffDelay', () => {
  describe('without jitter', () => {
    it.each<[BackoffStrategy, number[]]>([
      ['exponential', [100, 200, 400, 800, 1_000, 1_000]],
      ['linear', [100, 200, 300, 400, 500, 600]],
      ['fixed', [100, 100, 100, 100, 100, 100]],
    ])('does follow the %s table, capped at maxDelay', (strategy, expected) => {
      const delays = expected.map((_, index) =>
        computeBackoffDelay(index + 1, { ...base, strategy, jitter: false }),
      );
      expect(delays).toEqual(expected);
    });

    it('does cap linear growth at maxDelay', () => {
      expect(computeBackoffDelay(50, { ...base, strategy: 'linear', jitter: false })).toBe(1_000);
    });

    it('does stay finite for huge attempt numbers and a zero base', () => {
      const options = {
        strategy: 'exponential',
        baseDelay: 0,
        maxDelay: 0,
        jitter: false,
      } as const;
      expect(computeBackoffDelay(5_000, options)).toBe(0);
      expect(computeBackoffDelay(5_000, { ...options, baseDelay: 1, maxDelay: 60_000 })).toBe(
        60_000,
      );
    });
  });

  describe('with jitter', () => {
    it.each<[BackoffStrategy, number, number[]]>([
      ['exponential', 0.5, [50, 100, 200, 400, 500]],
      ['linear', 0.5, [50, 100, 150, 200, 250]],
      ['fixed', 0.5, [50, 50, 50, 50, 50]],
      ['exponential', 0, [0, 0, 0, 0, 0]],
      ['exponential', 0.999_999, [100, 200, 400, 800, 1_000]],
    ])('does draw %s delays from [0, delay] with random() = %s', (strategy, value, expected) => {
      const delays = expected.map((_, index) =>
        computeBackoffDelay(index + 1, { ...base, strategy, jitter: true, random: () => value }),
      );
      expect(delays).toEqual(expected);
    });

    it('does never exceed the capped delay, even if random() returns 1', () => {
      const options = { ...base, strategy: 'fixed', jitter: true, random: () => 1 } as const;
      expect(computeBackoffDelay(1, options)).toBe(100);
    });
  });

  describe('with an invalid attempt', () => {
    it.each([0, -1, 1.5, Number.NaN])('does throw validation_failed for %s', (attempt) => {
      expect(() =>
        computeBackoffDelay(attempt, { ...base, strategy: 'fixed', jitter: false }),
      ).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    });
  });
});
