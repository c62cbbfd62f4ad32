import { describe, expect, it } from 'vitest';
import { rateLimitKey } from './rate-limit-key.js';

describe('rateLimitKey', () => {
  it('writes one segment per dimension, in keyBy order', () => {
    const parts = {
      principalId: 'alice',
      userId: 'u-1',
      sessionId: 's-1',
      agentId: 'support',
      model: 'openai:gpt-4o',
    };
    expect(rateLimitKey(['user'], parts)).toBe('user=alice');
    expect(rateLimitKey(['model', 'user', 'session', 'agent'], parts)).toBe(
      'model=openai:gpt-4o|user=alice|session=s-1|agent=support',
    );
  });

  it('uses the user id when there is no principal, and marks a missing value apart from an empty one', () => {
    expect(rateLimitKey(['user'], { userId: 'u-1' })).toBe('user=u-1');
    expect(rateLimitKey(['user'], {})).toBe('user~');
    expect(rateLimitKey(['user'], { principalId: '' })).toBe('user=');
  });

  it('escapes separators so that no ids forge another key', () => {
    const forged = rateLimitKey(['user', 'session'], {
      principalId: 'a|session=b',
      sessionId: 'c',
    });
    const honest = rateLimitKey(['user', 'session'], {
      principalId: 'a',
      sessionId: 'b|session=c',
    });
    expect(forged).toBe('user=a\\|session\\=b|session=c');
    expect(forged).not.toBe(honest);
    expect(rateLimitKey(['user'], { principalId: 'a\\' })).not.toBe(
      rateLimitKey(['user'], { principalId: 'a\\\\' }),
    );
    const keys = new Set(
      ['a', 'a|', 'a\\|', 'a\\', '|a', 'a=', '=a', 'a~'].flatMap((user) =>
        ['', 'b', '|b', 'b\\'].map((session) =>
          rateLimitKey(['user', 'session'], { principalId: user, sessionId: session }),
        ),
      ),
    );
    expect(keys.size).toBe(32);
  });
});
