import { describe, expect, it } from 'vitest';
import { AgentryError, errorCodes, isErrorCode, toAgentryError } from '../index.js';

describe('AgentryError', () => {
  describe('constructor', () => {
    it('takes recoverable and httpStatus from the code table unless overridden', () => {
      const limited = new AgentryError({ code: 'rate_limited', message: 'slow down' });
      expect(limited.recoverable).toBe(true);
      expect(limited.httpStatus).toBe(429);
      const forced = new AgentryError({ code: 'rate_limited', message: 'no', recoverable: false });
      expect(forced.recoverable).toBe(false);
    });

    it('keeps the cause, details and suggestions', () => {
      const cause = new Error('socket hang up');
      const error = new AgentryError({
        code: 'network',
        message: 'The connection failed.',
        details: { host: '127.0.0.1' },
        suggestions: ['Check the network.'],
        cause,
      });
      expect(error.cause).toBe(cause);
      expect(error.details).toEqual({ host: '127.0.0.1' });
      expect(error.suggestions).toEqual(['Check the network.']);
      expect(error.toJSON()).toEqual({
        code: 'network',
        message: 'The connection failed.',
        recoverable: true,
        details: { host: '127.0.0.1' },
        suggestions: ['Check the network.'],
      });
    });
  });

  describe('isInstance', () => {
    it('recognises errors made by another copy of the class', () => {
      // A second copy of core would have its own class but the same global symbol marker.
      const foreign = Object.assign(new Error('x'), { [Symbol.for('agentry.error')]: true });
      expect(AgentryError.isInstance(foreign)).toBe(true);
      expect(AgentryError.isInstance(new Error('x'))).toBe(false);
      expect(AgentryError.isInstance(null)).toBe(false);
      expect(AgentryError.isInstance({ code: 'internal' })).toBe(false);
    });
  });
});

describe('toAgentryError', () => {
  it('returns AgentryErrors unchanged', () => {
    const error = new AgentryError({ code: 'timeout', message: 't' });
    expect(toAgentryError(error)).toBe(error);
  });

  it('wraps errors, strings and other values with the cause kept', () => {
    const cause = new TypeError('bad');
    const wrapped = toAgentryError(cause);
    expect(wrapped.code).toBe('internal');
    expect(wrapped.message).toBe('bad');
    expect(wrapped.cause).toBe(cause);
    expect(toAgentryError('boom', 'network').code).toBe('network');
    expect(toAgentryError({ a: 1 }).message).toContain('{"a":1}');
  });

  it('maps AbortError to aborted', () => {
    const abort = new DOMException('stop', 'AbortError');
    expect(toAgentryError(abort).code).toBe('aborted');
  });
});

describe('errorCodes', () => {
  it('uses lowercase snake_case codes and HTTP statuses', () => {
    for (const [code, info] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(isErrorCode(code)).toBe(true);
      expect(info.httpStatus).toBeGreaterThanOrEqual(400);
      expect(info.httpStatus).toBeLessThan(600);
    }
    expect(isErrorCode('toString')).toBe(false);
  });
});
