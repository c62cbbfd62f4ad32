import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.js';

const secret = ['whsec', randomUUID()].join('-');
const body = JSON.stringify({ id: 'n-1', status: 'fired' });
const now = Date.parse('2026-12-07T10:00:00Z');
const t = Math.floor(now / 1000);

describe('verifyWebhookSignature', () => {
  it('accepts the body signed with the secret, and returns the signed time', () => {
    const header = signWebhookBody(body, secret, t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ body, header, secret, now })).toEqual({
      valid: true,
      timestamp: t,
    });
    expect(verifyWebhookSignature({ body: Buffer.from(body), header, secret, now }).valid).toBe(
      true,
    );
  });

  it('accepts a header with several v1 signatures when one matches (secret rotation)', () => {
    const header = `${signWebhookBody(body, ['old', randomUUID()].join('-'), t)},v1=${signWebhookBody(body, secret, t).split('v1=')[1]}`;
    expect(verifyWebhookSignature({ body, header, secret, now }).valid).toBe(true);
  });

  it.each<[string, () => Parameters<typeof verifyWebhookSignature>[0], string]>([
    ['a missing header', () => ({ body, header: undefined, secret, now }), 'missing-header'],
    [
      'a header without a signature',
      () => ({ body, header: `t=${t}`, secret, now }),
      'malformed-header',
    ],
    [
      'a header without a time',
      () => ({ body, header: `v1=${'a'.repeat(64)}`, secret, now }),
      'malformed-header',
    ],
    [
      'a header that is not key=value',
      () => ({ body, header: 'garbage', secret, now }),
      'malformed-header',
    ],
    [
      'a body changed after signing',
      () => ({
        body: body.replace('fired', 'resolved'),
        header: signWebhookBody(body, secret, t),
        secret,
        now,
      }),
      'signature-mismatch',
    ],
    [
      'another secret',
      () => ({
        body,
        header: signWebhookBody(body, secret, t),
        secret: ['other', randomUUID()].join('-'),
        now,
      }),
      'signature-mismatch',
    ],
    [
      'a signature older than the tolerance (a replay)',
      () => ({ body, header: signWebhookBody(body, secret, t - 301), secret, now }),
      'timestamp-outside-tolerance',
    ],
    [
      'a signature from too far in the future',
      () => ({
        body,
        header: signWebhookBody(body, secret, t + 61),
        secret,
        now,
        toleranceSeconds: 60,
      }),
      'timestamp-outside-tolerance',
    ],
  ])('refuses %s', (_name, options, reason) => {
    expect(verifyWebhookSignature(options())).toEqual({ valid: false, reason });
  });
});
