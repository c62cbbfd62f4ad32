import { describe, expect, it } from 'vitest';
import { mockError } from './index.js';

describe('mockError', () => {
  it('builds an AgentryError whose recoverability follows its code', () => {
    const limited = mockError('rate_limited', 'Slow down.', { retryAfterMs: 1000 });
    expect(limited.code).toBe('rate_limited');
    expect(limited.message).toBe('Slow down.');
    expect(limited.details).toEqual({ retryAfterMs: 1000 });
    expect(limited.recoverable).toBe(true);
    expect(mockError('auth_failed', 'Bad key.').recoverable).toBe(false);
  });
});
