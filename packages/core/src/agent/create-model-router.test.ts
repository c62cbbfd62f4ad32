import { describe, expect, it } from 'vitest';
import { AgentryError, type ErrorCode } from '../errors/index.js';
import type { LanguageModel } from '../model/index.js';
import { LazyAbortController } from '../resilience/abort-source.js';
import type { Clock } from '../resilience/index.js';
import { createModelRouter, type ModelRouterOptions } from './create-model-router.js';
import type { RouterFailure } from './model-router-types.js';

/** A model the router can name; the attempt function decides what each call does. */
const model = (modelId: string): LanguageModel => ({
  specificationVersion: 'v1',
  provider: 'openai',
  modelId,
  capabilities: {} as LanguageModel['capabilities'],
  generate: () => Promise.reject(new Error('not called')),
  stream: () => {
    throw new Error('not called');
  },
});

/** A clock whose timers fire when the test advances it, recording every wait asked for. */
function manualClock(): Clock & { waits: number[]; advance(ms: number): void } {
  let now = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  let next = 1;
  return {
    waits: [],
    now: () => now,
    setTimeout(run, ms) {
      this.waits.push(ms);
      const id = next++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.run();
        }
      }
    },
  };
}

/** A clock whose timers fire on the next macrotask, recording every wait asked for. */
function instantClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    setTimeout(run, ms) {
      waits.push(ms);
      return setImmediate(() => {
        now += ms;
        run();
      });
    },
    clearTimeout(id) {
      clearImmediate(id as NodeJS.Immediate);
    },
  };
}

const providerError = (code: ErrorCode, details: Record<string, unknown> = {}) =>
  new AgentryError({
    code,
    message: `failed: ${code}`,
    details: { provider: 'openai', ...details },
  });

const fast = {
  maxAttempts: 3,
  baseDelay: 0,
  maxDelay: 0,
  jitter: false,
  strategy: 'fixed',
} as const;

/** Runs the router with `outcomes[model][call]` (an error to throw, or a value to return). */
function route(
  outcomes: Record<string, (AgentryError | string)[]>,
  options: Partial<ModelRouterOptions> = {},
  run: { deadline?: { remainingMs(): number } } = {},
) {
  const models = Object.keys(outcomes).map(model);
  const router = createModelRouter({ models, retry: fast, ...options });
  const calls: string[] = [];
  const failures: RouterFailure[] = [];
  const counts = new Map<string, number>();
  const result = router
    .run(
      (chosen) => {
        const index = counts.get(chosen.modelId) ?? 0;
        counts.set(chosen.modelId, index + 1);
        calls.push(chosen.modelId);
        const outcome = outcomes[chosen.modelId]?.[index] ?? 'unscripted';
        return typeof outcome === 'string' ? Promise.resolve(outcome) : Promise.reject(outcome);
      },
      {
        abort: new LazyAbortController(),
        onFailure: (failure) => failures.push(failure),
        ...(run.deadline ? { deadline: run.deadline } : {}),
      },
    )
    .then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error: error as AgentryError }),
    );
  return { result, calls, failures };
}

describe('createModelRouter', () => {
  describe('x-should-retry (details.retryable)', () => {
    it('never retries the same model when the provider said retryable: false', async () => {
      const refused = providerError('provider_unavailable', { status: 503, retryable: false });
      const { result, calls } = route({ primary: [refused, 'late'] });
      const { error } = await result;
      expect(calls).toEqual(['primary']);
      expect(error).toMatchObject({ code: 'provider_unavailable', details: { attempts: 1 } });
    });

    it('still moves to the next model for a recoverable code with retryable: false', async () => {
      const refused = providerError('provider_unavailable', { status: 503, retryable: false });
      const { result, calls, failures } = route({ primary: [refused], backup: ['ok'] });
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'backup']);
      expect(failures).toEqual([expect.objectContaining({ attempt: 1, willRetry: true })]);
    });

    it('retries an error the code table calls unrecoverable when the provider said retryable: true', async () => {
      const conflict = providerError('invalid_request', { status: 409, retryable: true });
      const { result, calls } = route({ primary: [conflict, 'ok'] });
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'primary']);
    });

    it.each(['auth_failed', 'context_length_exceeded', 'content_filtered'] as const)(
      'never retries %s, whatever the provider says',
      async (code) => {
        const { result, calls } = route({
          primary: [providerError(code, { retryable: true }), 'ok'],
          backup: ['ok'],
        });
        expect((await result).error).toMatchObject({ code });
        expect(calls).toEqual(['primary']);
      },
    );

    it('retries as before when the provider said nothing', async () => {
      const down = providerError('provider_unavailable', { status: 503 });
      const { result, calls } = route({ primary: [down, down, 'ok'] });
      expect((await result).value).toBe('ok');
      expect(calls).toHaveLength(3);
    });
  });

  describe('maxInlineWait', () => {
    const limited = (retryAfterMs: number) =>
      providerError('rate_limited', { status: 429, retryAfterMs });

    it('moves to the next model at once when retry-after is longer than maxInlineWait', async () => {
      const clock = manualClock();
      const { result, calls, failures } = route(
        { primary: [limited(3_600_000), 'late'], backup: ['ok'] },
        { clock, maxInlineWait: 30_000 },
      );
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'backup']);
      expect(clock.waits).toEqual([]);
      expect(failures[0]).toMatchObject({
        willRetry: true,
        error: { code: 'rate_limited', details: { retryAfterMs: 3_600_000, attempts: 1 } },
      });
    });

    it('fails at once with rate_limited and retryAfterMs when no model remains', async () => {
      const clock = manualClock();
      const { result, calls } = route(
        { primary: [limited(3_600_000), 'late'] },
        { clock, maxInlineWait: 30_000 },
      );
      const { error } = await result;
      expect(calls).toEqual(['primary']);
      expect(clock.waits).toEqual([]);
      expect(error).toMatchObject({
        code: 'rate_limited',
        recoverable: true,
        details: { retryAfterMs: 3_600_000, attempts: 1 },
      });
      expect(error?.suggestions.join(' ')).toContain('3600000 ms');
    });

    it('sleeps a wait within maxInlineWait and the remaining time', async () => {
      const clock = manualClock();
      const { result, calls } = route(
        { primary: [limited(20_000), 'ok'] },
        { clock, maxInlineWait: 30_000 },
        { deadline: { remainingMs: () => 25_000 } },
      );
      await Promise.resolve();
      await Promise.resolve();
      expect(clock.waits).toEqual([20_000]);
      clock.advance(20_000);
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'primary']);
    });

    it('does not sleep a wait longer than the time the caller has left', async () => {
      const clock = manualClock();
      const { result, calls } = route(
        { primary: [limited(20_000), 'late'], backup: ['ok'] },
        { clock, maxInlineWait: 30_000 },
        { deadline: { remainingMs: () => 15_000 } },
      );
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'backup']);
      expect(clock.waits).toEqual([]);
    });

    it('caps waits at 30 seconds by default', async () => {
      const clock = manualClock();
      const { result, calls } = route({ primary: [limited(31_000), 'late'] }, { clock });
      expect((await result).error).toMatchObject({ details: { retryAfterMs: 31_000 } });
      expect(calls).toEqual(['primary']);
    });

    it('still retries a 503 without retry-after after its backoff with maxInlineWait: 0', async () => {
      const clock = instantClock();
      const down = providerError('provider_unavailable', { status: 503 });
      const { result, calls } = route(
        { primary: [down, 'ok'], backup: ['backup'] },
        { clock, maxInlineWait: 0, retry: { ...fast, baseDelay: 100, maxDelay: 100 } },
      );
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'primary']);
      expect(clock.waits).toEqual([100]);
    });

    it('does not sleep any retry-after with maxInlineWait: 0', async () => {
      const clock = manualClock();
      const { result, calls } = route(
        { primary: [limited(1), 'late'], backup: ['ok'] },
        { clock, maxInlineWait: 0 },
      );
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'backup']);
      expect(clock.waits).toEqual([]);
    });

    it('caps a retry-after but not a longer backoff', async () => {
      const clock = instantClock();
      const { result, calls } = route(
        { primary: [limited(50), 'ok'] },
        { clock, maxInlineWait: 100, retry: { ...fast, baseDelay: 500, maxDelay: 500 } },
      );
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'primary']);
      expect(clock.waits).toEqual([500]);
    });

    it('fails with the smallest retryAfterMs of the chain when the last model named none', async () => {
      const down = providerError('provider_unavailable', { status: 503 });
      const { result, calls } = route(
        { primary: [limited(3_600_000), 'late'], backup: [down, down, down, 'late'] },
        { clock: instantClock(), maxInlineWait: 30_000 },
      );
      const { error } = await result;
      expect(calls).toEqual(['primary', 'backup', 'backup', 'backup']);
      expect(error).toMatchObject({
        code: 'provider_unavailable',
        details: { attempts: 3, retryAfterMs: 3_600_000 },
      });
      expect(error?.suggestions.join(' ')).toContain('3600000 ms');
    });

    it('passes the last failure on unchanged when its own wait is the earliest', async () => {
      const clock = instantClock();
      const { result } = route(
        {
          primary: [limited(3_600_000), 'late'],
          backup: [limited(1_000), limited(60_000), 'late'],
        },
        { clock, maxInlineWait: 30_000, retry: { ...fast, maxAttempts: 2 } },
      );
      const { error } = await result;
      expect(error).toMatchObject({ details: { retryAfterMs: 60_000 } });
      expect(error?.suggestions.join(' ')).not.toContain('no model of the chain');
    });

    it('fails with the earliest retry-after of the chain, less the time spent since', async () => {
      const clock = instantClock();
      const { result } = route(
        {
          primary: [limited(60_000), 'late'],
          middle: [limited(3_600_000), 'late'],
          backup: [limited(1_000), limited(90_000), 'late'],
        },
        { clock, maxInlineWait: 30_000, retry: { ...fast, maxAttempts: 2 } },
      );
      const { error } = await result;
      // backup slept its 1 s retry-after, so primary's minute has 59 s left.
      expect(clock.waits).toEqual([1_000]);
      expect(error).toMatchObject({ code: 'rate_limited', details: { retryAfterMs: 59_000 } });
    });

    it('refuses a maxInlineWait that is not a number of milliseconds', () => {
      expect(() => createModelRouter({ models: [model('a')], maxInlineWait: -1 })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    });
  });

  describe('credential refresh', () => {
    const refused = (invalidated: boolean) =>
      providerError('auth_failed', { status: 401, credentialInvalidated: invalidated });

    it('retries once, at once, when the provider invalidated the refused credential', async () => {
      const clock = manualClock();
      const { result, calls, failures } = route(
        { primary: [refused(true), 'ok'] },
        { clock, retry: { ...fast, maxAttempts: 1 } },
      );
      expect((await result).value).toBe('ok');
      expect(calls).toEqual(['primary', 'primary']);
      expect(clock.waits).toEqual([]);
      expect(failures).toEqual([expect.objectContaining({ attempt: 1, willRetry: true })]);
    });

    it('fails after the one retry when the fresh credential is refused too, without fallback', async () => {
      const { result, calls } = route({
        primary: [refused(true), refused(true), 'late'],
        backup: ['ok'],
      });
      // The refresh is outside maxAttempts: one attempt counted, two requests sent.
      expect((await result).error).toMatchObject({ code: 'auth_failed', details: { attempts: 1 } });
      expect(calls).toEqual(['primary', 'primary']);
    });

    it('does not count the refresh against maxAttempts, the backoff or details.attempts', async () => {
      const clock = instantClock();
      const down = providerError('provider_unavailable', { status: 503 });
      const backoff = {
        ...fast,
        baseDelay: 100,
        maxDelay: 10_000,
        strategy: 'exponential',
      } as const;
      const { result, calls, failures } = route(
        { primary: [refused(true), down, down, down, 'late'] },
        { clock, retry: backoff },
      );
      const { error } = await result;
      expect(calls).toEqual(['primary', 'primary', 'primary', 'primary']);
      expect(clock.waits).toEqual([100, 200]);
      expect(error).toMatchObject({ code: 'provider_unavailable', details: { attempts: 3 } });
      expect(failures.map((failure) => failure.attempt)).toEqual([1, 2, 3, 4]);
    });

    it('gives the same model its full maxAttempts after a refresh', async () => {
      const down = providerError('provider_unavailable', { status: 503 });
      const { result, calls } = route(
        { primary: [refused(true), down, down, 'ok'] },
        { clock: instantClock() },
      );
      expect((await result).value).toBe('ok');
      expect(calls).toHaveLength(4);
    });

    it('never retries a credential the source could not replace (a fixed key)', async () => {
      const { result, calls } = route({ primary: [refused(false), 'late'] });
      expect((await result).error).toMatchObject({ code: 'auth_failed' });
      expect(calls).toEqual(['primary']);
    });
  });
});
