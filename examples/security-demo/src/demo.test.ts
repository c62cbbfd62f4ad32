import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';

describe('the security demo', () => {
  it('denies a user another user’s record, waits for an approver, and throttles a burst', async () => {
    const outcome = await runDemo();
    expect(outcome.ownRead).toContain('Alice’s shopping list');
    expect(outcome.otherRead).toContain('permission_denied');
    expect(outcome.otherRead).not.toContain('Bob’s travel plans');
    expect(outcome.approverRefused).toMatch(/alice/);
    expect(outcome.deleted).toBe(true);
    expect(outcome.denials).toContain('alice ✗ read records:r-2');
    // One a second (60 a minute): each turn starts about a second after the one before.
    const starts = outcome.burstStartsMs;
    expect(starts).toHaveLength(6);
    for (let index = 1; index < starts.length; index += 1)
      expect(starts[index]! - starts[index - 1]!).toBeGreaterThanOrEqual(900);
  }, 20_000);
});
