import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import type { CircuitPermit, CircuitState } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import { createCircuitBreaker } from './create-circuit-breaker.js';

const config = { failureThreshold: 3, recoveryTimeout: 10_000, halfOpenMaxCalls: 2 };

const unavailable = () =>
  new AgentryError({ code: 'provider_unavailable', message: 'The provider is down.' });

function fail(times: number, breaker: ReturnType<typeof createCircuitBreaker>): void {
  for (let index = 0; index < times; index += 1) breaker.tryAcquire()?.failure();
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createCircuitBreaker', () => {
  describe('tryAcquire', () => {
    it('does go closed -> open -> half-open -> closed', () => {
      const changes: [CircuitState, CircuitState][] = [];
      const breaker = createCircuitBreaker(config, {
        onStateChange: (from, to) => changes.push([from, to]),
      });
      fail(2, breaker);
      expect(breaker.state).toBe('closed');
      fail(1, breaker);
      expect(breaker.state).toBe('open');
      expect(breaker.snapshot()).toMatchObject({ consecutiveFailures: 3, openedAt: Date.now() });
      vi.advanceTimersByTime(9_999);
      expect(breaker.tryAcquire()).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(breaker.state).toBe('open');
      const first = breaker.tryAcquire();
      expect(breaker.state).toBe('half-open');
      const second = breaker.tryAcquire();
      first?.success();
      expect(breaker.state).toBe('half-open');
      second?.success();
      expect(breaker.state).toBe('closed');
      expect(breaker.snapshot().consecutiveFailures).toBe(0);
      expect(changes).toEqual([
        ['closed', 'open'],
        ['open', 'half-open'],
        ['half-open', 'closed'],
      ]);
    });

    it('does reset the failure count on a success while closed', () => {
      const breaker = createCircuitBreaker(config);
      fail(2, breaker);
      breaker.tryAcquire()?.success();
      fail(2, breaker);
      expect(breaker.state).toBe('closed');
      expect(breaker.snapshot().consecutiveFailures).toBe(2);
    });

    it('does reopen on a half-open failure and restart the recovery timeout', () => {
      const breaker = createCircuitBreaker(config);
      fail(3, breaker);
      vi.advanceTimersByTime(10_000);
      const probe = breaker.tryAcquire();
      vi.advanceTimersByTime(5_000);
      probe?.failure();
      expect(breaker.state).toBe('open');
      expect(breaker.snapshot().openedAt).toBe(Date.now());
      vi.advanceTimersByTime(9_999);
      expect(breaker.tryAcquire()).toBeUndefined();
      vi.advanceTimersByTime(1);
      expect(breaker.tryAcquire()).toBeDefined();
      expect(breaker.state).toBe('half-open');
    });

    it('does admit only halfOpenMaxCalls probes, and none more once they succeed', () => {
      const breaker = createCircuitBreaker({ ...config, halfOpenMaxCalls: 3 });
      fail(3, breaker);
      vi.advanceTimersByTime(10_000);
      const probes = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
      expect(probes.every((probe) => probe !== undefined)).toBe(true);
      expect(breaker.tryAcquire()).toBeUndefined();
      expect(breaker.snapshot()).toMatchObject({ halfOpenInFlight: 3, halfOpenSuccesses: 0 });
      probes[0]?.success();
      expect(breaker.tryAcquire()).toBeUndefined();
      expect(breaker.snapshot()).toMatchObject({ halfOpenInFlight: 2, halfOpenSuccesses: 1 });
    });

    it('does not count a released probe, but frees its slot', () => {
      const breaker = createCircuitBreaker({ ...config, halfOpenMaxCalls: 1 });
      fail(3, breaker);
      vi.advanceTimersByTime(10_000);
      const probe = breaker.tryAcquire();
      expect(breaker.tryAcquire()).toBeUndefined();
      probe?.release();
      expect(breaker.state).toBe('half-open');
      expect(breaker.snapshot()).toMatchObject({ halfOpenInFlight: 0, halfOpenSuccesses: 0 });
      breaker.tryAcquire()?.success();
      expect(breaker.state).toBe('closed');
    });

    it('does not count released permits while closed', () => {
      const breaker = createCircuitBreaker(config);
      for (let index = 0; index < 10; index += 1) breaker.tryAcquire()?.release();
      expect(breaker.snapshot().consecutiveFailures).toBe(0);
    });

    it('does ignore a second settle of the same permit', () => {
      const breaker = createCircuitBreaker(config);
      const permit = breaker.tryAcquire();
      permit?.failure();
      permit?.failure();
      permit?.failure();
      expect(breaker.snapshot().consecutiveFailures).toBe(1);
    });

    it('does ignore permits issued before the last change of state', () => {
      const breaker = createCircuitBreaker({ ...config, halfOpenMaxCalls: 1 });
      const slow: (CircuitPermit | undefined)[] = [breaker.tryAcquire(), breaker.tryAcquire()];
      fail(3, breaker);
      vi.advanceTimersByTime(10_000);
      const probe = breaker.tryAcquire();
      slow[0]?.failure();
      expect(breaker.state).toBe('half-open');
      probe?.success();
      slow[1]?.failure();
      expect(breaker.state).toBe('closed');
      expect(breaker.snapshot().consecutiveFailures).toBe(0);
    });

    it('does measure time on an injected clock', () => {
      let now = 0;
      const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
      const breaker = createCircuitBreaker(config, { clock });
      fail(3, breaker);
      now = 9_999;
      expect(breaker.tryAcquire()).toBeUndefined();
      now = 10_000;
      expect(breaker.tryAcquire()).toBeDefined();
    });
  });

  describe('execute', () => {
    it('does refuse with provider_unavailable naming the breaker while open', async () => {
      const breaker = createCircuitBreaker(config, { name: 'openai' });
      const operation = vi.fn(() => Promise.reject(unavailable()));
      for (let index = 0; index < 3; index += 1) {
        await expect(breaker.execute(operation)).rejects.toMatchObject({
          code: 'provider_unavailable',
        });
      }
      vi.advanceTimersByTime(4_000);
      const refusal = await breaker.execute(operation).catch((error: unknown) => error);
      expect(operation).toHaveBeenCalledTimes(3);
      expect(refusal).toMatchObject({
        code: 'provider_unavailable',
        recoverable: true,
        details: { circuit: 'open', breaker: 'openai', retryInMs: 6_000 },
      });
      expect((refusal as AgentryError).message).toContain('"openai"');
    });

    it('does refuse with circuit half-open while the probes are out', async () => {
      const breaker = createCircuitBreaker({ ...config, halfOpenMaxCalls: 1 });
      fail(3, breaker);
      vi.advanceTimersByTime(10_000);
      const probe = breaker.tryAcquire();
      await expect(breaker.execute(() => Promise.resolve(1))).rejects.toMatchObject({
        details: { circuit: 'half-open' },
      });
      probe?.release();
      await expect(breaker.execute(() => Promise.resolve(1))).resolves.toBe(1);
      expect(breaker.state).toBe('closed');
    });

    it('does never trip on errors that are not the dependency fault', async () => {
      const breaker = createCircuitBreaker(config);
      const errors = [
        new AgentryError({ code: 'invalid_request', message: 'Bad request.' }),
        new AgentryError({ code: 'limit_exceeded', message: 'Local limit.' }),
        new TypeError('bug'),
        new AgentryError({ code: 'aborted', message: 'Aborted.' }),
      ];
      for (const error of [...errors, ...errors]) {
        await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
      }
      expect(breaker.state).toBe('closed');
      expect(breaker.snapshot().consecutiveFailures).toBe(0);
    });

    it('does follow a custom isFailure', async () => {
      const breaker = createCircuitBreaker({ ...config, failureThreshold: 1 });
      await expect(
        breaker.execute(() => Promise.reject(new TypeError('boom')), { isFailure: () => true }),
      ).rejects.toThrow('boom');
      expect(breaker.state).toBe('open');
    });

    it('does free the permit when isFailure throws', async () => {
      const breaker = createCircuitBreaker({ ...config, halfOpenMaxCalls: 1 });
      fail(3, breaker);
      vi.advanceTimersByTime(10_000);
      const isFailure = () => {
        throw new Error('broken predicate');
      };
      await expect(
        breaker.execute(() => Promise.reject(unavailable()), { isFailure }),
      ).rejects.toThrow('broken predicate');
      expect(breaker.snapshot().halfOpenInFlight).toBe(0);
    });
  });

  describe('with an invalid configuration', () => {
    it('does throw validation_failed', () => {
      expect(() => createCircuitBreaker({ ...config, halfOpenMaxCalls: 0 })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    });
  });
});

describe('CircuitBreaker.restore', () => {
  it('takes over an open state: refuses until recoveryTimeout has passed since openedAt', () => {
    const changes: string[] = [];
    const breaker = createCircuitBreaker(config, {
      onStateChange: (from, to) => changes.push(`${from}->${to}`),
    });
    const openedAt = Date.now() - 4_000;
    breaker.restore({ state: 'open', consecutiveFailures: 3, openedAt });
    expect(breaker.snapshot()).toMatchObject({ state: 'open', consecutiveFailures: 3, openedAt });
    expect(breaker.tryAcquire()).toBeUndefined();
    vi.advanceTimersByTime(6_000);
    expect(breaker.tryAcquire()).toBeDefined();
    expect(breaker.state).toBe('half-open');
    expect(changes).toEqual(['open->half-open']);
  });

  it('keeps counting from a restored failure count, and ignores permits issued before', () => {
    const breaker = createCircuitBreaker(config);
    const early = breaker.tryAcquire();
    breaker.restore({ state: 'closed', consecutiveFailures: 2 });
    early?.success();
    expect(breaker.snapshot().consecutiveFailures).toBe(2);
    fail(1, breaker);
    expect(breaker.state).toBe('open');
  });

  it('refuses a saved state that is not valid', () => {
    const breaker = createCircuitBreaker(config);
    expect(() => breaker.restore({ state: 'open', consecutiveFailures: 1 })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    expect(() => breaker.restore({ state: 'closed', consecutiveFailures: -1 } as never)).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    expect(breaker.state).toBe('closed');
  });
});
