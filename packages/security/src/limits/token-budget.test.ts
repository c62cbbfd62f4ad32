import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenBudget, type TokenBudget } from './token-budget.js';

let budgets: TokenBudget[] = [];
const make = (options: Parameters<typeof createTokenBudget>[0]) => {
  const budget = createTokenBudget(options);
  budgets.push(budget);
  return budget;
};

beforeEach(() => {
  vi.useFakeTimers({ now: 5_000_000 });
});
afterEach(() => {
  for (const budget of budgets) budget.close();
  budgets = [];
  vi.useRealTimers();
});

describe('createTokenBudget (memory store)', () => {
  it('refunds an over-estimate once the actual usage is known', async () => {
    const budget = make({ tokensPerMinute: 1000, penaltyStrategy: 'reject' });
    const first = await budget.reserve('k', 800);
    await expect(budget.reserve('k', 300)).rejects.toMatchObject({
      code: 'rate_limited',
      details: { key: 'k' },
    });
    await first.settle(100);
    // 900 tokens are free again: 100 were used.
    await expect(budget.reserve('k', 900)).resolves.toBeDefined();
    await expect(budget.reserve('k', 1)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('charges an under-estimate, and later calls wait for the debt', async () => {
    const budget = make({ tokensPerMinute: 600, penaltyStrategy: 'reject' });
    const reservation = await budget.reserve('k', 100);
    await reservation.settle(700);
    // 700 used of 600 a minute: nothing is left until the oldest usage leaves the window.
    await expect(budget.reserve('k', 1)).rejects.toMatchObject({
      details: { retryAfterMs: 60_000 },
    });
    vi.advanceTimersByTime(60_000);
    // The bucket owed 100 and refilled 600 in the minute: 500 available.
    await expect(budget.reserve('k', 500)).resolves.toBeDefined();
    await expect(budget.reserve('k', 1)).rejects.toMatchObject({ code: 'rate_limited' });
  });

  it('settles once: a second settle changes nothing', async () => {
    const budget = make({ tokensPerMinute: 1000, penaltyStrategy: 'reject' });
    const reservation = await budget.reserve('k', 500);
    await reservation.settle(0);
    await reservation.settle(1000);
    await expect(budget.reserve('k', 1000)).resolves.toBeDefined();
  });

  it('reserves the whole budget for an estimate above it, and queues callers FIFO until it frees', async () => {
    const budget = make({ tokensPerMinute: 600 });
    const big = await budget.reserve('k', 10_000);
    const order: string[] = [];
    const small = budget.reserve('k', 60).then((reservation) => {
      order.push(`small@${Date.now() - 5_000_000}`);
      return reservation;
    });
    const controller = new AbortController();
    const aborted = budget.reserve('k', 60, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
    await big.settle(30);
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['small@1000']);
    await small;
  });
});
