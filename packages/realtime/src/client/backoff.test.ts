import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultBackoff } from './backoff.js';

describe('backoffDelay', () => {
  it('grows the ceiling exponentially up to maxMs and draws the delay below it (full jitter)', () => {
    const options = { initialMs: 100, maxMs: 1_000, factor: 2 };
    const ceilings = [0, 1, 2, 3, 4, 5].map((attempt) =>
      backoffDelay(attempt, options, () => 0.999_999),
    );
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.5)).toBe(400);
  });

  it('has defaults that start small', () => {
    expect(backoffDelay(0, defaultBackoff, () => 0.999)).toBeLessThan(defaultBackoff.initialMs);
  });
});
