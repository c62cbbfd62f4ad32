import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import { trackListeners } from './__fixtures__/track-listeners.js';
import type { RetryPolicyWithBackoff } from './retry-options.js';
import { retry } from './retry.js';

const fixed: RetryPolicyWithBackoff = {
  maxAttempts: 4,
  baseDelay: 100,
  maxDelay: 1_000,
  jitter: false,
  strategy: 'fixed',
};

const unavailable = (details: Record<string, unknown> = {}) =>
  new AgentryError({ code: 'provider_unavailable', message: 'The provider is down.', details });

/** Settles into a value so that a rejection is never left unhandled while timers advance. */
const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retry', () => {
  describe('with recoverable errors', () => {
    it('does make exactly maxAttempts attempts, waiting between them', async () => {
      const errors: AgentryError[] = [];
      const operation = vi.fn((_attempt: number) => {
        const error = unavailable();
        errors.push(error);
        return Promise.reject(error);
      });
      const outcome = settle(retry(operation, { policy: fixed }));
      await vi.advanceTimersByTimeAsync(0);
      expect(operation).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(99);
      expect(operation).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(operation).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(200);
      const { error } = await outcome;
      expect(operation).toHaveBeenCalledTimes(4);
      expect(operation.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4]);
      expect(error).toMatchObject({ code: 'provider_unavailable', recoverable: true });
      expect((error as AgentryError).details).toEqual({ attempts: 4 });
      expect((error as AgentryError).cause).toBe(errors[3]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('does not retry at all when maxAttempts is 1', async () => {
      const operation = vi.fn(() => Promise.reject(unavailable()));
      const { error } = await settle(retry(operation, { policy: { ...fixed, maxAttempts: 1 } }));
      expect(operation).toHaveBeenCalledTimes(1);
      expect((error as AgentryError).details['attempts']).toBe(1);
    });

    it('does return the first success and report each retry with its delay', async () => {
      const onRetry = vi.fn();
      const operation = vi.fn((attempt: number) =>
        attempt < 3 ? Promise.reject(unavailable()) : Promise.resolve(`ok on ${attempt}`),
      );
      const outcome = settle(
        retry(operation, { policy: { ...fixed, strategy: 'exponential' }, onRetry }),
      );
      await vi.runAllTimersAsync();
      expect((await outcome).value).toBe('ok on 3');
      expect(onRetry.mock.calls.map(([info]) => [info.attempt, info.delayMs])).toEqual([
        [1, 100],
        [2, 200],
      ]);
    });

    it('does draw jittered delays from the injected random source', async () => {
      const onRetry = vi.fn();
      const operation = vi.fn(() => Promise.reject(unavailable()));
      const outcome = settle(
        retry(operation, {
          policy: { ...fixed, maxAttempts: 2, jitter: true },
          random: () => 0.25,
          onRetry,
        }),
      );
      await vi.advanceTimersByTimeAsync(25);
      await outcome;
      expect(operation).toHaveBeenCalledTimes(2);
      expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ delayMs: 25 }));
    });
  });

  describe('with errors not worth retrying', () => {
    it('does surface a non-recoverable error after a single attempt', async () => {
      const refused = new AgentryError({ code: 'invalid_request', message: 'Bad request.' });
      const operation = vi.fn(() => Promise.reject(refused));
      const { error } = await settle(retry(operation, { policy: fixed }));
      expect(operation).toHaveBeenCalledTimes(1);
      expect(error).toMatchObject({ code: 'invalid_request', message: 'Bad request.' });
      expect((error as AgentryError).details).toEqual({ attempts: 1 });
      expect((error as AgentryError).cause).toBe(refused);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('does rethrow an error that is not an AgentryError unchanged', async () => {
      const bug = new TypeError('x is undefined');
      const operation = vi.fn(() => Promise.reject(bug));
      const { error } = await settle(retry(operation, { policy: fixed }));
      expect(error).toBe(bug);
      expect(operation).toHaveBeenCalledTimes(1);
    });

    it('does make one attempt when the provider said x-should-retry: false', async () => {
      const operation = vi.fn(() => Promise.reject(unavailable({ retryable: false })));
      const { error } = await settle(retry(operation, { policy: fixed }));
      expect(operation).toHaveBeenCalledTimes(1);
      expect(error).toMatchObject({ code: 'provider_unavailable', details: { attempts: 1 } });
    });

    it('does retry an unrecoverable code when the provider said x-should-retry: true, but never auth_failed', async () => {
      const conflict = new AgentryError({
        code: 'invalid_request',
        message: 'Conflict.',
        details: { status: 409, retryable: true },
      });
      const refused = new AgentryError({
        code: 'auth_failed',
        message: 'Refused.',
        details: { retryable: true },
      });
      const conflicting = vi.fn(() => Promise.reject(conflict));
      const outcome = settle(retry(conflicting, { policy: fixed }));
      await vi.runAllTimersAsync();
      await outcome;
      expect(conflicting).toHaveBeenCalledTimes(4);
      const refusing = vi.fn(() => Promise.reject(refused));
      await settle(retry(refusing, { policy: fixed }));
      expect(refusing).toHaveBeenCalledTimes(1);
    });

    it('does let shouldRetry decide, with the attempt number', async () => {
      const shouldRetry = vi.fn((_error: unknown, attempt: number) => attempt < 2);
      const operation = vi.fn(() => Promise.reject(new TypeError('flaky')));
      const outcome = settle(retry(operation, { policy: fixed, shouldRetry }));
      await vi.runAllTimersAsync();
      await outcome;
      expect(operation).toHaveBeenCalledTimes(2);
      expect(shouldRetry.mock.calls.map(([, attempt]) => attempt)).toEqual([1, 2]);
    });
  });

  describe('with a retry-after', () => {
    it('does wait for retryAfterMs even beyond maxDelay', async () => {
      const operation = vi.fn((attempt: number) =>
        attempt === 1
          ? Promise.reject(unavailable({ retryAfterMs: 5_000 }))
          : Promise.resolve('ok'),
      );
      const outcome = settle(retry(operation, { policy: fixed }));
      await vi.advanceTimersByTimeAsync(4_999);
      expect(operation).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(operation).toHaveBeenCalledTimes(2);
      expect((await outcome).value).toBe('ok');
    });

    it('does not sleep a wait beyond maxInlineWait: it throws with retryAfterMs at once', async () => {
      const operation = vi.fn(() => Promise.reject(unavailable({ retryAfterMs: 3_600_000 })));
      const { error } = await settle(retry(operation, { policy: fixed, maxInlineWait: 30_000 }));
      expect(operation).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(0);
      expect(error).toMatchObject({
        code: 'provider_unavailable',
        details: { attempts: 1, retryAfterMs: 3_600_000 },
      });
    });

    it('does still retry an error without retry-after after its backoff with maxInlineWait: 0', async () => {
      const operation = vi
        .fn<() => Promise<string>>()
        .mockRejectedValueOnce(unavailable())
        .mockResolvedValue('ok');
      const outcome = settle(retry(operation, { policy: fixed, maxInlineWait: 0 }));
      await vi.advanceTimersByTimeAsync(99);
      expect(operation).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect((await outcome).value).toBe('ok');
    });

    it('does sleep a wait within maxInlineWait', async () => {
      const operation = vi
        .fn<() => Promise<string>>()
        .mockRejectedValueOnce(unavailable({ retryAfterMs: 2_000 }))
        .mockResolvedValue('ok');
      const outcome = settle(retry(operation, { policy: fixed, maxInlineWait: 2_000 }));
      await vi.advanceTimersByTimeAsync(2_000);
      expect((await outcome).value).toBe('ok');
    });

    it('does keep the computed delay when retryAfterMs is shorter', async () => {
      const onRetry = vi.fn();
      const operation = vi.fn(() => Promise.reject(unavailable({ retryAfterMs: 10 })));
      const outcome = settle(retry(operation, { policy: { ...fixed, maxAttempts: 2 }, onRetry }));
      await vi.advanceTimersByTimeAsync(99);
      expect(operation).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      await outcome;
      expect(operation).toHaveBeenCalledTimes(2);
      expect(onRetry).toHaveBeenCalledWith(expect.objectContaining({ delayMs: 100 }));
    });
  });

  describe('when the signal aborts', () => {
    it('does stop during the backoff wait and leave no timer or listener', async () => {
      const controller = new AbortController();
      const listeners = trackListeners(controller.signal);
      const operation = vi.fn(() => Promise.reject(unavailable()));
      const outcome = settle(retry(operation, { policy: fixed, signal: controller.signal }));
      await vi.advanceTimersByTimeAsync(50);
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      const { error } = await outcome;
      expect(error).toMatchObject({ code: 'aborted', details: { attempts: 1 } });
      expect(operation).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(0);
      expect(listeners.count).toBe(0);
    });

    it('does not retry an attempt that failed because of the abort', async () => {
      const controller = new AbortController();
      const operation = vi.fn(
        (_attempt: number, signal: AbortSignal) =>
          new Promise<never>((_resolve, reject) => {
            signal.addEventListener('abort', () => reject(unavailable()));
          }),
      );
      const onRetry = vi.fn();
      const outcome = settle(
        retry(operation, { policy: fixed, signal: controller.signal, onRetry }),
      );
      controller.abort();
      const { error } = await outcome;
      expect(error).toMatchObject({ code: 'aborted', details: { attempts: 1 } });
      expect(operation).toHaveBeenCalledTimes(1);
      expect(onRetry).not.toHaveBeenCalled();
    });

    it('does make no attempt when the signal is already aborted', async () => {
      const operation = vi.fn(() => Promise.resolve('never'));
      const { error } = await settle(
        retry(operation, { policy: fixed, signal: AbortSignal.abort() }),
      );
      expect(error).toMatchObject({ code: 'aborted', details: { attempts: 0 } });
      expect(operation).not.toHaveBeenCalled();
    });
  });

  describe('with an invalid policy', () => {
    it.each([{ maxAttempts: 0 }, { maxDelay: 10 }, { strategy: 'random' as unknown as 'fixed' }])(
      'does reject %o with validation_failed before any attempt',
      async (change) => {
        const operation = vi.fn(() => Promise.resolve('never'));
        const { error } = await settle(retry(operation, { policy: { ...fixed, ...change } }));
        expect(error).toMatchObject({ code: 'validation_failed' });
        expect(operation).not.toHaveBeenCalled();
      },
    );
  });
});
