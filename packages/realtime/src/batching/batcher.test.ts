import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentryError } from '@agentry/core';
import { createBatcher, type BatcherOptions } from './batcher.js';

const options: BatcherOptions = {
  enabled: true,
  maxBatchSize: 4,
  maxWaitTime: 20,
  flushInterval: 50,
  maxLatency: 100,
};

describe('createBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a full batch at once', () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(options, (batch) => batches.push(batch));
    for (let i = 0; i < 9; i++) batcher.add(i);
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(batcher.size).toBe(1);
  });

  it('sends a partial batch when its first item has waited maxWaitTime', () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(options, (batch) => batches.push(batch));
    batcher.add(1);
    vi.advanceTimersByTime(10);
    batcher.add(2);
    vi.advanceTimersByTime(9);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[1, 2]]);
  });

  it('never holds an item longer than maxLatency, even with a longer maxWaitTime', () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(
      { ...options, maxWaitTime: 1_000, flushInterval: 1_000, maxLatency: 30 },
      (batch) => batches.push(batch),
    );
    batcher.add(1);
    vi.advanceTimersByTime(29);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches).toEqual([[1]]);
  });

  it('flushes on the flushInterval tick when it comes before the wait ends', () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(
      { ...options, maxWaitTime: 80, flushInterval: 30, maxLatency: 100 },
      (batch) => batches.push(batch),
    );
    batcher.add(1);
    vi.advanceTimersByTime(30);
    expect(batches).toEqual([[1]]);
  });

  it('passes every item through alone when batching is off', () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>({ ...options, enabled: false }, (batch) =>
      batches.push(batch),
    );
    batcher.add(1);
    batcher.add(2);
    expect(batches).toEqual([[1], [2]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops its timers when idle and on close, sending what it holds', () => {
    const batches: number[][] = [];
    const batcher = createBatcher<number>(options, (batch) => batches.push(batch));
    batcher.add(1);
    vi.advanceTimersByTime(20);
    vi.advanceTimersByTime(50);
    expect(vi.getTimerCount()).toBe(0);
    batcher.add(2);
    batcher.close();
    expect(batches).toEqual([[1], [2]]);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => batcher.add(3)).toThrow(AgentryError);
  });

  it('reports what flush throws to onError and goes on', () => {
    const errors: unknown[] = [];
    let calls = 0;
    const batcher = createBatcher<number>(
      { ...options, maxBatchSize: 1 },
      () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    batcher.add(1);
    batcher.add(2);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('refuses sizes and times that are not positive, naming the option', () => {
    for (const key of ['maxBatchSize', 'maxWaitTime', 'flushInterval', 'maxLatency'] as const) {
      for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => createBatcher({ ...options, [key]: value }, () => undefined)).toThrow(
          new RegExp(`option ${key} is`),
        );
      }
    }
  });
});
