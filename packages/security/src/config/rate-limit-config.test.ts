import { describe, expect, it } from 'vitest';
import { rateLimitConfigSchema, type RateLimitConfig } from './rate-limit-config.js';

const valid: RateLimitConfig = {
  enabled: true,
  requestsPerMinute: 600,
  burstLimit: 50,
  penaltyStrategy: 'reject',
};

describe('rateLimitConfigSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<RateLimitConfig>]>([
      ['the smallest limits', { requestsPerMinute: 1, burstLimit: 1 }],
      ['a burst larger than the steady rate', { requestsPerMinute: 10, burstLimit: 100 }],
      ['the queue strategy', { penaltyStrategy: 'queue' }],
      ['the throttle strategy', { penaltyStrategy: 'throttle' }],
      ['limits while rate limiting is off', { enabled: false }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(rateLimitConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each([
      ['requestsPerMinute', 0],
      ['requestsPerMinute', -60],
      ['requestsPerMinute', 0.5],
      ['requestsPerMinute', Number.NaN],
      ['requestsPerMinute', Number.POSITIVE_INFINITY],
      ['requestsPerMinute', '600'],
      ['requestsPerMinute', undefined],
      ['burstLimit', 0],
      ['burstLimit', -1],
      ['burstLimit', 1.5],
      ['burstLimit', Number.NaN],
      ['burstLimit', Number.NEGATIVE_INFINITY],
      ['burstLimit', null],
    ])('rejects %s = %s as not a positive integer', (key, value) => {
      const result = rateLimitConfigSchema.safeParse({ ...valid, [key]: value });
      expect(result.error?.issues).toEqual([
        expect.objectContaining({
          path: [key],
          message: `${key} must be a positive integer ${key === 'burstLimit' ? '(at least 1 request).' : '(1 or more requests per minute).'}`,
        }),
      ]);
    });

    it('rejects an unknown penalty strategy at its path', () => {
      const result = rateLimitConfigSchema.safeParse({ ...valid, penaltyStrategy: 'drop' });
      expect(result.error?.issues.map((issue) => issue.path)).toEqual([['penaltyStrategy']]);
    });

    it('rejects a misspelt key such as requestPerMinute instead of ignoring it', () => {
      const { requestsPerMinute, ...rest } = valid;
      const result = rateLimitConfigSchema.safeParse({
        ...rest,
        requestPerMinute: requestsPerMinute,
      });
      expect(result.error?.issues).toEqual([
        expect.objectContaining({ code: 'invalid_type', path: ['requestsPerMinute'] }),
        expect.objectContaining({
          code: 'unrecognized_keys',
          keys: ['requestPerMinute'],
          path: [],
        }),
      ]);
    });
  });
});
