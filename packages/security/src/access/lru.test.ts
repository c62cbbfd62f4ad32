import { describe, expect, it } from 'vitest';
import { LruMap } from './lru.js';

describe('LruMap', () => {
  it('never holds more than its capacity, dropping the oldest', () => {
    const map = new LruMap<string, number>(3);
    for (let index = 0; index < 10; index += 1) map.set(`k${index}`, index);
    expect(map.size).toBe(3);
    expect(map.get('k9')).toBe(9);
    expect(map.get('k6')).toBeUndefined();
  });

  it('keeps an entry that is used while others come and go', () => {
    const map = new LruMap<string, number>(4);
    map.set('hot', 1);
    for (let index = 0; index < 20; index += 1) {
      map.set(`k${index}`, index);
      expect(map.get('hot')).toBe(1);
    }
  });
});
