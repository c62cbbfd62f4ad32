import type { RealtimeEntry } from '@agentry/core';

/**
 * A channel's retained entries, oldest first: an array with a moving head, so dropping the oldest
 * is O(1) and the array is compacted only once the dropped part outweighs the kept part (amortised
 * O(1) per entry, where `Array.shift` on a 10,000-entry array copies the whole array each time).
 *
 * @internal
 */
export class EntryQueue {
  private items: (RealtimeEntry | undefined)[] = [];
  private head = 0;

  /** How many entries are kept. */
  get length(): number {
    return this.items.length - this.head;
  }

  push(entry: RealtimeEntry): void {
    this.items.push(entry);
  }

  /** The entry at `index` from the oldest kept one. */
  at(index: number): RealtimeEntry | undefined {
    return this.items[this.head + index];
  }

  /** Drops the `count` oldest entries. */
  drop(count: number): void {
    const end = Math.min(this.head + count, this.items.length);
    for (let index = this.head; index < end; index += 1) this.items[index] = undefined;
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The entries from `start` (inclusive) to `end` (exclusive), counted from the oldest kept. */
  slice(start: number, end: number): RealtimeEntry[] {
    return this.items.slice(this.head + start, this.head + end) as RealtimeEntry[];
  }
}
