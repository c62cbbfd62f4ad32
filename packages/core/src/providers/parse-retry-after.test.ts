import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './parse-retry-after.js';

const now = Date.parse('2026-10-21T07:28:00Z');

describe('parseRetryAfter', () => {
  describe('retry-after-ms', () => {
    it('does read milliseconds and prefer them to retry-after', () => {
      expect(parseRetryAfter({ 'retry-after-ms': '150', 'retry-after': '9' })).toBe(150);
    });

    it('does round a fraction of a millisecond up', () => {
      expect(parseRetryAfter({ 'retry-after-ms': '12.2' })).toBe(13);
    });

    it('does fall back to retry-after when retry-after-ms is not a number', () => {
      expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '2' })).toBe(2000);
    });
  });

  describe('retry-after', () => {
    it.each([
      ['0', 0],
      ['2', 2000],
      ['1.5', 1500],
      [' 7 ', 7000],
    ])('does read %j seconds as %i ms', (value, expected) => {
      expect(parseRetryAfter({ 'retry-after': value })).toBe(expected);
    });

    it('does read an HTTP date as the time left until it', () => {
      expect(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' }, now)).toBe(30_000);
    });

    it('does read the obsolete HTTP date forms', () => {
      expect(parseRetryAfter({ 'retry-after': 'Wednesday, 21-Oct-26 07:28:10 GMT' }, now)).toBe(
        10_000,
      );
      expect(parseRetryAfter({ 'retry-after': 'Wed Oct 21 07:28:05 2026' }, now)).toBe(5000);
    });

    it('does give 0 for an HTTP date in the past', () => {
      expect(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2026 07:00:00 GMT' }, now)).toBe(0);
    });

    it.each(['-5', 'soon', '', '1e3', '0x10', 'Foo, 99 Bar 2026 99:99:99 GMT', '2026-10-21'])(
      'does give undefined for %j',
      (value) => {
        expect(parseRetryAfter({ 'retry-after': value }, now)).toBeUndefined();
      },
    );
  });

  describe('header containers', () => {
    it('does read a Headers object', () => {
      expect(parseRetryAfter(new Headers({ 'Retry-After': '3' }))).toBe(3000);
    });

    it('does find a record key in any case', () => {
      expect(parseRetryAfter({ 'Retry-After-Ms': '40' })).toBe(40);
    });

    it('does take the first value of an array', () => {
      expect(parseRetryAfter({ 'retry-after': ['4', '8'] })).toBe(4000);
    });

    it('does give undefined without headers or without the header', () => {
      expect(parseRetryAfter(undefined)).toBeUndefined();
      expect(
        parseRetryAfter({ 'content-type': 'application/json', 'retry-after': undefined }),
      ).toBe(undefined);
      expect(parseRetryAfter(new Headers())).toBeUndefined();
    });
  });
});
