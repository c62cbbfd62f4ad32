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

    it('accepts every optional setting of the limiter', () => {
      const input: RateLimitConfig = {
        ...valid,
        keyBy: ['user', 'model'],
        maxQueue: 10,
        maxKeys: 5000,
        tokensPerMinute: 90_000,
        store: 'redis',
        redis: { url: 'redis://127.0.0.1:6379' },
        onStoreUnavailable: 'fail-closed',
        expectedProcesses: 4,
      };
      expect(rateLimitConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each([
      ['maxQueue', 0, 'maxQueue must be a positive integer (1 or more waiting calls).'],
      ['maxKeys', 1.5, 'maxKeys must be a positive integer (1 or more keys).'],
      [
        'tokensPerMinute',
        -1,
        'tokensPerMinute must be a positive integer (1 or more tokens per minute).',
      ],
      [
        'expectedProcesses',
        0,
        'expectedProcesses must be a positive integer (1 or more processes).',
      ],
    ])('rejects %s = %s with a message naming it', (key, value, message) => {
      const result = rateLimitConfigSchema.safeParse({ ...valid, [key]: value });
      expect(result.error?.issues).toEqual([expect.objectContaining({ path: [key], message })]);
    });

    it.each<[string, unknown, string]>([
      [
        'an unknown dimension',
        ['tenant'],
        "keyBy entries must be 'user', 'session', 'agent' or 'model'.",
      ],
      [
        'no dimension',
        [],
        "keyBy must name at least one of 'user', 'session', 'agent' or 'model'.",
      ],
      ['a repeated dimension', ['user', 'user'], 'keyBy must not name the same dimension twice.'],
    ])('rejects a keyBy with %s', (_name, keyBy, message) => {
      const result = rateLimitConfigSchema.safeParse({ ...valid, keyBy });
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
    });

    it('rejects a Redis URL of another scheme without echoing it', () => {
      const url = ['http://user:', 'pa55', '@cache:6379'].join('');
      const result = rateLimitConfigSchema.safeParse({ ...valid, redis: { url } });
      expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['redis', 'url'] })]);
      expect(JSON.stringify(result.error?.issues)).not.toContain('pa55');
    });

    it('rejects an unknown store or outage choice', () => {
      const result = rateLimitConfigSchema.safeParse({
        ...valid,
        store: 'postgres',
        onStoreUnavailable: 'fail-open',
      });
      expect(result.error?.issues.map((issue) => issue.path)).toEqual([
        ['store'],
        ['onStoreUnavailable'],
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
