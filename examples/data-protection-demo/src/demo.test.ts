import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.js';

describe('the data-protection demo', () => {
  it('stores encrypted, masks canaries, re-encrypts after a rotation, and catches a tampered audit entry', async () => {
    const lines: string[] = [];
    const outcome = await runDemo((line) => lines.push(line));
    const printed = lines.join('\n');

    // 1. The raw row is an envelope with no plaintext, and the restored agent reads it back.
    expect(JSON.parse(outcome.rawRow)).toEqual({ 'agentry:enc': 1, v: expect.any(String) });
    expect(outcome.rawRow).not.toContain('4711');
    expect(outcome.firstKeyId).toMatch(/^k-/);
    expect(outcome.readBack).toBe('You told me: "My order number is 4711."');

    // 2. The canaries are masked in the log line and in the audit log, and printed nowhere.
    expect(outcome.logLine).toContain('customer [EMAIL] pasted the key [SECRET:openai]');
    expect(outcome.auditedReason).toBe('key [SECRET:openai] pasted in a ticket by [EMAIL]');
    for (const canary of outcome.canaries) {
      expect(outcome.logLine).not.toContain(canary);
      expect(printed).not.toContain(canary);
    }

    // 3. A new key is active and the agent's record is sealed under it.
    expect(outcome.secondKeyId).not.toBe(outcome.firstKeyId);
    expect(outcome.rowKeyIdAfter).toBe(outcome.secondKeyId);
    expect(outcome.reencrypted).toBeGreaterThanOrEqual(1);

    // 4. The log verifies; once one entry is altered, verification names it and the problem.
    expect(outcome.verifiedBefore).toMatchObject({ ok: true, checkpoints: 1 });
    expect(outcome.verifiedAfter).toMatchObject({
      ok: false,
      index: outcome.tamperedIndex,
      problem: 'edited',
    });
  }, 30_000);
});
