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
    // Three at once, then one a second: the sixth starts about three seconds in.
    const [, , third, fourth, , sixth] = outcome.burstStartsMs;
    expect(third).toBeLessThan(500);
    expect(fourth! - third!).toBeGreaterThanOrEqual(800);
    expect(sixth).toBeGreaterThanOrEqual(2_500);
  }, 20_000);
});
