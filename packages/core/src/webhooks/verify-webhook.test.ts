import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AgentryError,
  signLegacyWebhook,
  signWebhook,
  verifyWebhook,
  type VerifyWebhookOptions,
  type WebhookSignatureFailure,
} from '../index.js';

const secret = randomBytes(32).toString('hex');
const otherSecret = randomBytes(32).toString('hex');
const body = JSON.stringify({ id: 'n-1', status: 'fired' });
const now = Date.parse('2026-12-07T10:00:00Z');
const t = Math.floor(now / 1000);
const signed = (timestamp = t, key = secret, content: string = body) =>
  signWebhook({ secret: key, body: content, timestamp });
const v1Of = (header: string) => header.split('v1=')[1] ?? '';

function refusal(options: VerifyWebhookOptions): AgentryError {
  try {
    verifyWebhook(options);
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('verifyWebhook accepted the request');
}

describe('verifyWebhook', () => {
  it('accepts the body signed with the secret and returns the signed time', () => {
    expect(verifyWebhook({ secret, body, header: signed(), now })).toEqual({
      timestamp: t,
      format: 'v1',
    });
    expect(verifyWebhook({ secret, body: Buffer.from(body), header: signed(), now }).format).toBe(
      'v1',
    );
  });

  it('accepts a header with several v1 signatures when one matches (secret rotation)', () => {
    const header = `${signed(t, otherSecret)}, v1=${v1Of(signed())}`;
    expect(verifyWebhook({ secret, body, header, now }).timestamp).toBe(t);
  });

  it('ignores parts of schemes it does not know, so a later scheme can be sent beside v1', () => {
    const header = `${signed()},v2=${'ab'.repeat(40)}`;
    expect(verifyWebhook({ secret, body, header, now }).format).toBe('v1');
  });

  it('accepts a time within the tolerance either way, and any time with Infinity', () => {
    expect(verifyWebhook({ secret, body, header: signed(t - 300), now }).timestamp).toBe(t - 300);
    expect(verifyWebhook({ secret, body, header: signed(t + 300), now }).timestamp).toBe(t + 300);
    expect(
      verifyWebhook({ secret, body, header: signed(t - 86_400), now, toleranceSeconds: Infinity })
        .timestamp,
    ).toBe(t - 86_400);
  });

  it.each<[string, () => VerifyWebhookOptions, WebhookSignatureFailure]>([
    ['a missing header', () => ({ secret, body, header: undefined, now }), 'missing'],
    ['a blank header', () => ({ secret, body, header: '  ', now }), 'missing'],
    [
      'a header that is not key=value',
      () => ({ secret, body, header: 'garbage', now }),
      'malformed',
    ],
    ['a header without a signature', () => ({ secret, body, header: `t=${t}`, now }), 'malformed'],
    [
      'a header without a time',
      () => ({ secret, body, header: `v1=${v1Of(signed())}`, now }),
      'malformed',
    ],
    [
      'a time that is not Unix seconds',
      () => ({ secret, body, header: `t=-5,v1=${v1Of(signed())}`, now }),
      'malformed',
    ],
    ['two times', () => ({ secret, body, header: `t=${t},${signed()}`, now }), 'malformed'],
    [
      'a v1 that is not 64 hex digits',
      () => ({ secret, body, header: `t=${t},v1=abc`, now }),
      'malformed',
    ],
    [
      'a header longer than 4096 characters',
      () => ({ secret, body, header: `${signed()},${'x=1,'.repeat(1100)}`, now }),
      'malformed',
    ],
    [
      'a deprecated sha256= header when legacy is not accepted',
      () => ({ secret, body, header: signLegacyWebhook({ secret, body }), now }),
      'malformed',
    ],
    [
      'a body changed after signing',
      () => ({ secret, body: body.replace('fired', 'resolved'), header: signed(), now }),
      'mismatch',
    ],
    ['another secret', () => ({ secret: otherSecret, body, header: signed(), now }), 'mismatch'],
    [
      'a time changed after signing',
      () => ({ secret, body, header: `t=${t + 1},v1=${v1Of(signed())}`, now }),
      'mismatch',
    ],
    [
      'a signature older than the tolerance (a replay)',
      () => ({ secret, body, header: signed(t - 301), now }),
      'expired',
    ],
    [
      'a signature from further in the future than the tolerance',
      () => ({ secret, body, header: signed(t + 61), now, toleranceSeconds: 60 }),
      'expired',
    ],
  ])('refuses %s as unauthenticated, reason %s', (_name, options, reason) => {
    const error = refusal(options());
    expect(error).toMatchObject({
      code: 'unauthenticated',
      httpStatus: 401,
      details: { reason },
    });
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it('says how far off an expired signature is, never the secret or the signature', () => {
    const header = signed(t - 400);
    const error = refusal({ secret, body, header, now });
    expect(error.message).toContain('400 s ago');
    expect(error.details).toMatchObject({
      timestamp: t - 400,
      ageSeconds: 400,
      toleranceSeconds: 300,
    });
    const mismatch = refusal({ secret: otherSecret, body, header: signed(), now });
    for (const text of [error, mismatch].map((e) => JSON.stringify(e.toJSON()))) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(otherSecret);
      expect(text).not.toContain(v1Of(header));
      expect(text).not.toContain(v1Of(signed()));
    }
  });

  it('refuses an empty secret and a negative tolerance with validation_failed', () => {
    expect(refusal({ secret: '', body, header: signed(), now })).toMatchObject({
      code: 'validation_failed',
      details: { path: 'secret' },
    });
    expect(refusal({ secret, body, header: signed(), now, toleranceSeconds: -1 })).toMatchObject({
      code: 'validation_failed',
      details: { path: 'toleranceSeconds' },
    });
  });

  describe('with legacy (the deprecated sha256= format)', () => {
    const timestamp = String(t);
    const legacyHeader = signLegacyWebhook({ secret, body, timestamp });

    it('accepts a sha256= signature over "<timestamp>.<body>" with the timestamp header', () => {
      expect(
        verifyWebhook({ secret, body, header: legacyHeader, now, legacy: { timestamp } }),
      ).toEqual({ timestamp: t, format: 'legacy' });
      const rotated = `${signLegacyWebhook({ secret: otherSecret, body, timestamp })}, ${legacyHeader}`;
      expect(
        verifyWebhook({ secret, body, header: rotated, now, legacy: { timestamp } }).format,
      ).toBe('legacy');
    });

    it('still prefers the v1 format when the header carries it', () => {
      expect(
        verifyWebhook({ secret, body, header: signed(), now, legacy: { timestamp: '1' } }),
      ).toEqual({ timestamp: t, format: 'v1' });
    });

    it('accepts an untimed sha256= signature only when allowMissingTimestamp is set', () => {
      const untimed = signLegacyWebhook({ secret, body });
      expect(refusal({ secret, body, header: untimed, now, legacy: {} }).details.reason).toBe(
        'malformed',
      );
      expect(
        verifyWebhook({
          secret,
          body,
          header: untimed,
          now,
          legacy: { allowMissingTimestamp: true },
        }),
      ).toEqual({ timestamp: undefined, format: 'legacy' });
    });

    it.each<[string, () => VerifyWebhookOptions, WebhookSignatureFailure]>([
      [
        'a stale timestamp header',
        () => ({
          secret,
          body,
          header: signLegacyWebhook({ secret, body, timestamp: String(t - 1000) }),
          now,
          legacy: { timestamp: String(t - 1000) },
        }),
        'expired',
      ],
      [
        'a timestamp header changed after signing',
        () => ({ secret, body, header: legacyHeader, now, legacy: { timestamp: String(t - 1) } }),
        'mismatch',
      ],
      [
        'a timestamp header that is not Unix seconds',
        () => ({ secret, body, header: legacyHeader, now, legacy: { timestamp: 'soon' } }),
        'malformed',
      ],
      [
        'an untimed signature when a timestamp was sent',
        () => ({
          secret,
          body,
          header: signLegacyWebhook({ secret, body }),
          now,
          legacy: { timestamp },
        }),
        'mismatch',
      ],
    ])('refuses %s, reason %s', (_name, options, reason) => {
      expect(refusal(options())).toMatchObject({ code: 'unauthenticated', details: { reason } });
    });
  });
});
