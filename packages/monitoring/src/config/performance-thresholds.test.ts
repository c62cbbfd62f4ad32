import { describe, expect, it } from 'vitest';
import {
  performanceThresholdsSchema,
  type PerformanceThresholds,
} from './performance-thresholds.js';

const valid: PerformanceThresholds = {
  maxResponseTime: 2_000,
  maxErrorRate: 5,
  minThroughput: 0.5,
  maxMemoryUsage: 80,
};

describe('performanceThresholdsSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<PerformanceThresholds>]>([
      ['typical thresholds', {}],
      [
        'the lowest bounds',
        { maxResponseTime: 0, maxErrorRate: 0, minThroughput: 0, maxMemoryUsage: 0 },
      ],
      ['100 percent', { maxErrorRate: 100, maxMemoryUsage: 100 }],
      ['fractions', { maxResponseTime: 199.5, maxErrorRate: 0.1 }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(performanceThresholdsSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[keyof PerformanceThresholds, unknown]>([
      ['maxResponseTime', -1],
      ['maxResponseTime', Number.POSITIVE_INFINITY],
      ['maxResponseTime', Number.NaN],
      ['maxErrorRate', -0.1],
      ['maxErrorRate', 100.1],
      ['maxErrorRate', Number.NaN],
      ['minThroughput', -5],
      ['minThroughput', Number.POSITIVE_INFINITY],
      ['maxMemoryUsage', 101],
      ['maxMemoryUsage', -1],
      ['maxMemoryUsage', '80%'],
    ])('rejects %s = %s', (key, value) => {
      const issues = performanceThresholdsSchema.safeParse({ ...valid, [key]: value }).error
        ?.issues;
      const rule =
        key === 'maxErrorRate' || key === 'maxMemoryUsage' ? /0 to 100/ : /finite .*0 or more/;
      expect(issues).toEqual([
        expect.objectContaining({ path: [key], message: expect.stringMatching(rule) }),
      ]);
    });

    it('rejects an unknown key', () => {
      const issues = performanceThresholdsSchema.safeParse({ ...valid, maxCpuUsage: 50 }).error
        ?.issues;
      expect(issues?.map((issue) => issue.path)).toEqual([[]]);
    });
  });
});
