import { describe, expect, it } from 'vitest';
import { compareStoreKeys } from './compare-store-keys.js';
import { createKeyIndex } from './key-index.js';

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Units around the boundaries where code unit order and code point order part.
const alphabet = [
  'a',
  'b',
  ':',
  '\u00e9',
  '\ud7ff',
  '\ue000',
  '\uffff',
  '\ud83d\ude00',
  '\ud800\udc00',
];

describe('createKeyIndex', () => {
  describe('range', () => {
    it('lists what a sort of every key would, by prefix and after a key, through adds and removes', () => {
      const next = random(7);
      const pick = () => alphabet[Math.floor(next() * alphabet.length)]!;
      const index = createKeyIndex();
      const keys = new Set<string>();
      for (let round = 0; round < 6000; round += 1) {
        const key = Array.from({ length: 1 + Math.floor(next() * 4) }, pick).join('');
        if (keys.has(key) && next() < 0.5) {
          keys.delete(key);
          index.remove(key);
        } else if (!keys.has(key)) {
          keys.add(key);
          index.add(key);
        }
      }
      const sorted = [...keys].sort(compareStoreKeys);
      expect(index.range('', undefined, sorted.length + 1)).toEqual(sorted);
      for (let probe = 0; probe < 200; probe += 1) {
        const prefix = probe % 4 === 0 ? '' : pick() + (probe % 3 === 0 ? pick() : '');
        const after = probe % 2 === 0 ? pick() + pick() : undefined;
        const expected = sorted
          .filter((key) => key.startsWith(prefix))
          .filter((key) => after === undefined || compareStoreKeys(key, after) > 0)
          .slice(0, 50);
        expect(index.range(prefix, after, 50)).toEqual(expected);
      }
    });

    it('keeps order when runs of ascending keys interleave, across chunk splits', () => {
      const index = createKeyIndex();
      const keys: string[] = [];
      for (let position = 0; position < 3000; position += 1) {
        for (const run of ['m', 'a', 'z']) {
          const key = `${run}:${String(position).padStart(5, '0')}`;
          keys.push(key);
          index.add(key);
        }
      }
      const sorted = keys.sort(compareStoreKeys);
      expect(index.range('', undefined, sorted.length + 1)).toEqual(sorted);
      expect(index.range('m:', 'm:02998', 10)).toEqual(['m:02999']);
    });
  });
});
