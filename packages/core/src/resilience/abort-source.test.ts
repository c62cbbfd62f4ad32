import { describe, expect, it } from 'vitest';
import { abortSourceOf, LazyAbortController } from './abort-source.js';

describe('LazyAbortController', () => {
  it('does abort a signal made before the abort, with the reason', () => {
    const source = new LazyAbortController();
    const signal = source.signal;
    expect(signal.aborted).toBe(false);
    expect(source.abort('stop')).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('stop');
    expect(source.signal).toBe(signal);
  });

  it('does make a signal that is already aborted when first read after the abort', () => {
    const source = new LazyAbortController();
    const reason = new Error('timeout');
    source.abort(reason);
    expect(source.aborted).toBe(true);
    expect(source.signal.aborted).toBe(true);
    expect(source.signal.reason).toBe(reason);
  });

  it('does keep the first reason and report later aborts as no-ops', () => {
    const source = new LazyAbortController();
    source.abort('first');
    expect(source.abort('second')).toBe(false);
    expect(source.reason).toBe('first');
    expect(source.signal.reason).toBe('first');
  });
});

describe('abortSourceOf', () => {
  it('does mirror an existing signal', () => {
    const controller = new AbortController();
    const source = abortSourceOf(controller.signal);
    expect(source.signal).toBe(controller.signal);
    expect(source.aborted).toBe(false);
    controller.abort('gone');
    expect(source.aborted).toBe(true);
    expect(source.reason).toBe('gone');
  });
});
