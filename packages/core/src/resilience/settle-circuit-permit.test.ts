import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { createCircuitBreaker } from './create-circuit-breaker.js';
import { settleCircuitPermit } from './settle-circuit-permit.js';

const config = { failureThreshold: 1, recoveryTimeout: 10_000, halfOpenMaxCalls: 1 };
const error = (code: ErrorCode) => new AgentryError({ code, message: code });

describe('settleCircuitPermit', () => {
  it.each(['rate_limited', 'provider_unavailable', 'timeout', 'network'] as const)(
    'counts %s against the breaker',
    (code) => {
      const breaker = createCircuitBreaker(config);
      expect(settleCircuitPermit(breaker.tryAcquire(), error(code))).toBe(true);
      expect(breaker.state).toBe('open');
    },
  );

  it.each([
    [
      "fetch's TypeError with a refused connection as its cause",
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
          code: 'ECONNREFUSED',
        }),
      }),
    ],
    ['a reset socket', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    [
      'an undici socket error',
      Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    ],
    ["AbortSignal.timeout's TimeoutError", new DOMException('timed out', 'TimeoutError')],
  ])('counts a network fault thrown as a plain error against the breaker: %s', (_name, thrown) => {
    const breaker = createCircuitBreaker(config);
    expect(settleCircuitPermit(breaker.tryAcquire(), thrown)).toBe(true);
    expect(breaker.state).toBe('open');
  });

  it.each([
    ['invalid_request', error('invalid_request')],
    ['content_filtered', error('content_filtered')],
    ['validation_failed', error('validation_failed')],
    ['context_length_exceeded', error('context_length_exceeded')],
    ['auth_failed', error('auth_failed')],
    ['aborted', error('aborted')],
    ['limit_exceeded', error('limit_exceeded')],
    ['conflict', error('conflict')],
    ['a plain Error (a bug)', new TypeError('x is undefined')],
    [
      'an error with a code that is not a network fault',
      Object.assign(new Error('no'), { code: 'ENOENT' }),
    ],
  ])('gives the permit back for %s, without tripping the breaker', (_name, thrown) => {
    const breaker = createCircuitBreaker({ ...config, halfOpenMaxCalls: 1 });
    expect(settleCircuitPermit(breaker.tryAcquire(), thrown)).toBe(false);
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('frees a half-open probe slot for an error that does not count', () => {
    let now = 0;
    const breaker = createCircuitBreaker(config, {
      clock: { now: () => now, setTimeout, clearTimeout },
    });
    breaker.tryAcquire()?.failure();
    now = 10_000;
    settleCircuitPermit(breaker.tryAcquire(), error('invalid_request'));
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBeDefined();
  });

  it('does nothing without a permit', () => {
    expect(settleCircuitPermit(undefined, error('network'))).toBe(true);
  });
});
