import type { RealtimeEntry } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { EntryQueue } from './entry-queue.js';

const entry = (seq: number): RealtimeEntry => ({ offset: String(seq), data: String(seq), at: seq });

describe('EntryQueue', () => {
  it('keeps the newest entries in order across many drops and compactions', () => {
    const queue = new EntryQueue();
    let first = 1;
    for (let seq = 1; seq <= 50_000; seq += 1) {
      queue.push(entry(seq));
      if (queue.length > 3_000) {
        queue.drop(queue.length - 3_000);
        first = seq - 2_999;
      }
    }
    expect(queue.length).toBe(3_000);
    expect(queue.at(0)?.offset).toBe(String(first));
    expect(queue.slice(2_998, 3_000).map((item) => item.offset)).toEqual(['49999', '50000']);
  });

  it('empties when everything is dropped, and drops no more than it holds', () => {
    const queue = new EntryQueue();
    queue.push(entry(1));
    queue.push(entry(2));
    queue.drop(5);
    expect(queue.length).toBe(0);
    queue.push(entry(3));
    expect(queue.slice(0, 1).map((item) => item.offset)).toEqual(['3']);
  });
});
