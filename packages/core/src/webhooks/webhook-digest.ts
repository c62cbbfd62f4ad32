import { createHmac } from 'node:crypto';
import { AgentryError } from '../errors/index.js';

/**
 * The HMAC-SHA256, keyed with `secret`, of `prefix` followed by the body's bytes. The one place a
 * webhook signature is computed, for signing and verifying, in both formats.
 *
 * @internal
 */
export function webhookDigest(secret: string, prefix: string, body: string | Uint8Array): Buffer {
  const hmac = createHmac('sha256', secret);
  if (prefix !== '') hmac.update(prefix, 'utf8');
  if (typeof body === 'string') hmac.update(body, 'utf8');
  else hmac.update(body);
  return hmac.digest();
}

/**
 * Refuses an empty or non-string secret: an HMAC keyed with nothing proves nothing. The message
 * names the field, never a value.
 *
 * @throws AgentryError `validation_failed`
 * @internal
 */
export function requireWebhookSecret(secret: unknown, operation: 'sign' | 'verify'): string {
  if (typeof secret === 'string' && secret !== '') return secret;
  throw new AgentryError({
    code: 'validation_failed',
    message: `Cannot ${operation} a webhook without a secret: secret must be a non-empty string (received ${secret === '' ? 'an empty string' : typeof secret}).`,
    details: { path: 'secret', received: secret === '' ? '' : typeof secret },
    suggestions: [
      'Pass the shared signing secret, resolved from the environment or a secret store (for example `${env:WEBHOOK_SECRET}` in a configuration).',
    ],
  });
}

/**
 * Checks a Unix-seconds timestamp for signing.
 *
 * @throws AgentryError `validation_failed`
 * @internal
 */
export function requireUnixSeconds(value: number, path: string): number {
  if (Number.isSafeInteger(value) && value >= 0) return value;
  throw new AgentryError({
    code: 'validation_failed',
    message: `${path} must be a whole number of seconds since 1970 (received ${String(value)}).`,
    details: { path, received: value },
    suggestions: [
      'Pass Math.floor(Date.now() / 1000), or leave it out to sign with the current time.',
    ],
  });
}
