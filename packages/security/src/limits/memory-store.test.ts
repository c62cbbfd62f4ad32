import { describe, expect, it } from 'vitest';
import { MemoryLimitStore } from './memory-store.js';

describe('MemoryLimitStore', () => {
  it('never holds more than maxKeys keys, whatever ids arrive', () => {
    let now = 0;
    const store = new MemoryLimitStore(
      { limit: 60, capacity: 10, windowMs: 60_000 },
      1000,
      () => now,
    );
    for (let index = 0; index < 50_000; index += 1) {
      store.consume(`spoofed-${index}`, 1);
      expect(store.size).toBeLessThanOrEqual(1000);
      now += 1;
    }
  });

  it('corrects a grant by its id, in the bucket and in the window', () => {
    let now = 0;
    const store = new MemoryLimitStore(
      { limit: 100, capacity: 100, windowMs: 60_000 },
      10,
      () => now,
    );
    const first = store.consume('k', 40);
    const second = store.consume('k', 40);
    expect(first).toMatchObject({ ok: true });
    expect(store.consume('k', 30)).toMatchObject({ ok: false });
    if (!first.ok || !second.ok) throw new Error('expected grants');
    store.adjust('k', first.id, 40, 5);
    expect(store.consume('k', 55)).toMatchObject({ ok: true });
    expect(store.consume('k', 1)).toMatchObject({ ok: false });
    // The corrected grant leaves the window with its corrected cost.
    now = 60_000;
    expect(store.consume('k', 100)).toMatchObject({ ok: true });
  });
});
