import { compareStoreKeys } from './compare-store-keys.js';

/**
 * The keys of an in-memory store in code point order, for listing by prefix. Keys sit in sorted
 * chunks of bounded size, so adding or removing a key costs two binary searches and a short
 * shift, and a page costs a binary search plus the keys it returns, however many keys the store
 * holds.
 *
 * @internal
 */
export interface KeyIndex {
  /** Notes a key that was not in the store. */
  add(key: string): void;
  /** Notes a key that left the store. */
  remove(key: string): void;
  /**
   * Up to `limit` keys that start with `prefix` and, when `after` is given, sort after it, in
   * code point order.
   */
  range(prefix: string, after: string | undefined, limit: number): string[];
  /** Forgets every key. */
  clear(): void;
}

/** A chunk is split in two when it grows past this many keys. */
const maxChunk = 1024;

// JavaScript's `<` compares UTF-16 code units, which differs from code point order only between a
// surrogate and a unit of U+E000–U+FFFF. When one side has no unit from U+D800 up, the first
// difference involves a smaller unit and both orders agree, so the fast comparison is exact.
const highUnit = /[\uD800-\uFFFF]/;

type Compare = (stored: string, probe: string) => number;

const nativeCompare: Compare = (stored, probe) => (stored < probe ? -1 : stored > probe ? 1 : 0);

function comparatorFor(probe: string): Compare {
  return highUnit.test(probe) ? compareStoreKeys : nativeCompare;
}

/** Creates an empty {@link KeyIndex}. @internal */
export function createKeyIndex(): KeyIndex {
  let chunks: string[][] = [];
  // Where the last key was added: keys written in order (a run's journal) go right after it, found
  // with two comparisons instead of two binary searches.
  let hintChunk: string[] | undefined;
  let hintIndex = 0;

  /** Whether `key` belongs exactly at the hint. */
  function fitsHint(key: string, compare: Compare): boolean {
    const chunk = hintChunk;
    if (chunk === undefined || hintIndex === 0 || hintIndex > chunk.length) return false;
    if (compare(chunk[hintIndex - 1]!, key) >= 0) return false;
    // At the end of a chunk the hint holds only when no later chunk exists: otherwise the key
    // might belong in the next one.
    if (hintIndex === chunk.length) return chunks[chunks.length - 1] === chunk;
    return compare(chunk[hintIndex]!, key) > 0;
  }

  /** The chunk where `probe` belongs: the first whose last key is not below it, else the last. */
  function chunkFor(probe: string, compare: Compare): number {
    let low = 0;
    let high = chunks.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = chunks[middle]!;
      if (compare(chunk[chunk.length - 1]!, probe) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The first position, as chunk and index, whose key is not below (or, `strict`, above) `probe`. */
  function seek(probe: string, strict: boolean): [number, number] {
    const compare = comparatorFor(probe);
    let chunkIndex = chunkFor(probe, compare);
    const chunk = chunks[chunkIndex];
    if (chunk === undefined) return [0, 0];
    let index = bound(chunk, probe, compare, strict);
    if (index === chunk.length) {
      chunkIndex += 1;
      index = 0;
    }
    return [chunkIndex, index];
  }

  return {
    add(key) {
      const compare = comparatorFor(key);
      if (chunks.length === 0) {
        hintChunk = [key];
        hintIndex = 1;
        chunks.push(hintChunk);
        return;
      }
      if (fitsHint(key, compare)) {
        const chunk = hintChunk!;
        chunk.splice(hintIndex, 0, key);
        hintIndex += 1;
        if (chunk.length > maxChunk) split(chunks.indexOf(chunk));
        return;
      }
      const chunkIndex = chunkFor(key, compare);
      const chunk = chunks[chunkIndex]!;
      const index = bound(chunk, key, compare, false);
      chunk.splice(index, 0, key);
      hintChunk = chunk;
      hintIndex = index + 1;
      if (chunk.length > maxChunk) split(chunkIndex);
    },
    remove(key) {
      const compare = comparatorFor(key);
      const chunkIndex = chunkFor(key, compare);
      const chunk = chunks[chunkIndex];
      if (chunk === undefined) return;
      const index = bound(chunk, key, compare, false);
      if (chunk[index] !== key) return;
      chunk.splice(index, 1);
      if (chunk.length === 0) chunks.splice(chunkIndex, 1);
      hintChunk = undefined;
    },
    range(prefix, after, limit) {
      let [chunkIndex, index] =
        after !== undefined && compareStoreKeys(after, prefix) >= 0
          ? seek(after, true)
          : seek(prefix, false);
      const found: string[] = [];
      while (chunkIndex < chunks.length && found.length < limit) {
        const chunk = chunks[chunkIndex]!;
        const key = chunk[index]!;
        // Keys that share a prefix are contiguous in code point order.
        if (!key.startsWith(prefix)) break;
        found.push(key);
        index += 1;
        if (index === chunk.length) {
          chunkIndex += 1;
          index = 0;
        }
      }
      return found;
    },
    clear() {
      chunks = [];
      hintChunk = undefined;
    },
  };

  function split(chunkIndex: number): void {
    const chunk = chunks[chunkIndex]!;
    const half = chunk.length >>> 1;
    chunks.splice(chunkIndex, 1, chunk.slice(0, half), chunk.slice(half));
    hintChunk = undefined;
  }
}

/** The first index in `keys` whose key is not below (or, `strict`, above) `probe`. */
function bound(keys: readonly string[], probe: string, compare: Compare, strict: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compare(keys[middle]!, probe);
    if (order < 0 || (strict && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
}
