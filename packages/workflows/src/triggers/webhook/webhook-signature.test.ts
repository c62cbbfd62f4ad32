import { createHmac, randomBytes } from 'node:crypto';
import { signWebhook } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { signWebhookPayload, verifyWebhookSignature } from './webhook-signature.js';

// These deprecated exports stay as 0.1 released them; the tests hold them to that contract.
describe('signWebhookPayload', () => {
  it('writes the HMAC-SHA256 of the body, or of "<timestamp>.<body>"', () => {
    const secret = randomBytes(32).toString('hex');
    const body = '{"a":1}';
    const hex = (content: string) => createHmac('sha256', secret).update(content).digest('hex');
    expect(signWebhookPayload(secret, body)).toBe(`sha256=${hex(body)}`);
    expect(signWebhookPayload(secret, Buffer.from(body), { timestamp: '1700000000' })).toBe(
      `sha256=${hex(`1700000000.${body}`)}`,
    );
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts one matching signature among several and refuses the rest', () => {
    const secret = randomBytes(32).toString('hex');
    const old = randomBytes(32).toString('hex');
    const body = '{"a":1}';
    const good = signWebhookPayload(secret, body);
    expect(verifyWebhookSignature(secret, body, good)).toBe(true);
    expect(verifyWebhookSignature(secret, body, `${signWebhookPayload(old, body)}, ${good}`)).toBe(
      true,
    );
    expect(verifyWebhookSignature(secret, body, signWebhookPayload(old, body))).toBe(false);
    expect(verifyWebhookSignature(secret, '{"a":2}', good)).toBe(false);
    expect(verifyWebhookSignature(secret, body, good.replace('sha256=', 'sha1='))).toBe(false);
    expect(verifyWebhookSignature(secret, body, undefined)).toBe(false);
    expect(verifyWebhookSignature('', body, good)).toBe(false);
  });

  it('leaves the time to the caller, as 0.1 did, and accepts the current format too', () => {
    const secret = randomBytes(32).toString('hex');
    const body = '{"a":1}';
    const timestamp = '1000'; // decades old: 0.1 did not judge it, and neither does this
    expect(
      verifyWebhookSignature(secret, body, signWebhookPayload(secret, body, { timestamp }), {
        timestamp,
      }),
    ).toBe(true);
    expect(
      verifyWebhookSignature(secret, body, signWebhookPayload(secret, body, { timestamp }), {
        timestamp: '1001',
      }),
    ).toBe(false);
    expect(verifyWebhookSignature(secret, body, signWebhook({ secret, body }))).toBe(true);
  });
});
