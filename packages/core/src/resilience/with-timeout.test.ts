import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentryError } from '../errors/agentry-error.js';
import { trackListeners } from './__fixtures__/track-listeners.js';
import { withTimeout } from './with-timeout.js';

/** An operation whose result the test decides, capturing the child signal it receives. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const received: { signal?: AbortSignal } = {};
  const operation = (signal: AbortSignal) => {
    received.signal = signal;
    return new Promise<T>((resolvePromise, rejectPromise) => {
      resolve = resolvePromise;
      reject = rejectPromise;
    });
  };
  return {
    operation,
    received,
    resolve: (value: T) => resolve(value),
    reject: (e: unknown) => reject(e),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('withTimeout', () => {
  describe('when the operation finishes in time', () => {
    it('does resolve with its value and clean up the timer and listener', async () => {
      const parent = new AbortController();
      const listeners = trackListeners(parent.signal);
      const work = deferred<string>();
      const result = withTimeout(work.operation, 1_000, { signal: parent.signal });
      expect(listeners.count).toBe(1);
      work.resolve('done');
      await expect(result).resolves.toBe('done');
      expect(vi.getTimerCount()).toBe(0);
      expect(listeners.count).toBe(0);
      expect(work.received.signal?.aborted).toBe(false);
    });

    it('does pass its rejection through unchanged', async () => {
      const work = deferred<string>();
      const result = withTimeout(work.operation, 1_000);
      const failure = new TypeError('bad');
      work.reject(failure);
      await expect(result).rejects.toBe(failure);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('does turn a synchronous throw into a rejection', async () => {
      const failure = new Error('sync');
      const operation = (): Promise<never> => {
        throw failure;
      };
      await expect(withTimeout(operation, 1_000)).rejects.toBe(failure);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('when the deadline passes', () => {
    it('does reject with timeout, abort the child signal and discard the late result', async () => {
      const parent = new AbortController();
      const listeners = trackListeners(parent.signal);
      const work = deferred<string>();
      const result = withTimeout(work.operation, 1_000, { signal: parent.signal }).catch(
        (error: unknown) => error,
      );
      await vi.advanceTimersByTimeAsync(999);
      expect(work.received.signal?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      work.resolve('too late');
      const error = await result;
      expect(error).toMatchObject({
        code: 'timeout',
        recoverable: true,
        details: { timeoutMs: 1_000 },
      });
      expect((error as AgentryError).message).toContain('1000 ms');
      expect(work.received.signal?.aborted).toBe(true);
      expect(work.received.signal?.reason).toBe(error);
      expect(listeners.count).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('does use the given message', async () => {
      const result = withTimeout(() => new Promise<never>(() => undefined), 10, {
        message: 'The model did not answer within 10 ms.',
      }).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(10);
      expect(await result).toMatchObject({ message: 'The model did not answer within 10 ms.' });
    });
  });

  describe('when the parent signal aborts', () => {
    it('does reject with aborted, abort the child and remove every listener', async () => {
      const parent = new AbortController();
      const listeners = trackListeners(parent.signal);
      const work = deferred<string>();
      const result = withTimeout(work.operation, 1_000, { signal: parent.signal });
      parent.abort(new Error('user left'));
      await expect(result).rejects.toMatchObject({ code: 'aborted' });
      expect(work.received.signal?.aborted).toBe(true);
      work.resolve('ignored');
      expect(listeners.count).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('does not start the operation when the parent is already aborted', async () => {
      const operation = vi.fn(() => Promise.resolve(1));
      await expect(
        withTimeout(operation, 1_000, { signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ code: 'aborted' });
      expect(operation).not.toHaveBeenCalled();
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('with an invalid deadline', () => {
    it('does reject with validation_failed without starting the operation', async () => {
      const operation = vi.fn(() => Promise.resolve(1));
      await expect(withTimeout(operation, -5)).rejects.toMatchObject({
        code: 'validation_failed',
      });
      expect(operation).not.toHaveBeenCalled();
    });
  });
});
