import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signLegacyWebhook, signWebhook } from '../index.js';

const secret = randomBytes(32).toString('hex');
const body = JSON.stringify({ orderId: 'A-1001', note: 'naïve café' });
const hmacHex = (content: string, key = secret) =>
  createHmac('sha256', key).update(content, 'utf8').digest('hex');

describe('signWebhook', () => {
  it('writes t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">', () => {
    expect(signWebhook({ secret, body, timestamp: 1_767_225_600 })).toBe(
      `t=1767225600,v1=${hmacHex(`1767225600.${body}`)}`,
    );
  });

  it('signs the bytes of a Uint8Array body the same as their UTF-8 text', () => {
    const bytes = new Uint8Array(Buffer.from(body, 'utf8'));
    expect(signWebhook({ secret, body: bytes, timestamp: 5 })).toBe(
      signWebhook({ secret, body, timestamp: 5 }),
    );
  });

  it('signs with the current time when no timestamp is given', () => {
    const now = Date.parse('2026-12-07T10:00:00.900Z');
    expect(signWebhook({ secret, body, now })).toMatch(
      new RegExp(`^t=${Math.floor(now / 1000)},v1=[0-9a-f]{64}$`),
    );
  });

  it.each([
    ['an empty secret', { secret: '', body }, 'secret'],
    ['a secret that is not a string', { secret: 42 as unknown as string, body }, 'secret'],
    ['a negative timestamp', { secret, body, timestamp: -1 }, 'timestamp'],
    ['a fractional timestamp', { secret, body, timestamp: 1.5 }, 'timestamp'],
  ])('refuses %s with validation_failed naming the field', (_name, options, path) => {
    expect(() => signWebhook(options)).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: expect.objectContaining({ path }),
      }),
    );
  });
});

describe('signLegacyWebhook', () => {
  it('writes the deprecated sha256=<hex> of the body, or of "<timestamp>.<body>"', () => {
    expect(signLegacyWebhook({ secret, body })).toBe(`sha256=${hmacHex(body)}`);
    expect(signLegacyWebhook({ secret, body: Buffer.from(body), timestamp: '1700000000' })).toBe(
      `sha256=${hmacHex(`1700000000.${body}`)}`,
    );
  });

  it('refuses an empty secret', () => {
    expect(() => signLegacyWebhook({ secret: '', body })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
  });
});
