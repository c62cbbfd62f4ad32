import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a webhook delivery's signature. */
export const signatureHeader = 'x-agentry-signature';

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 *
 * @internal
 */
export function signWebhookBody(body: string, secret: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/**
 * Options of {@link verifyWebhookSignature}.
 *
 * @example
 * ```ts
 * import type { VerifyWebhookSignatureOptions } from '@agentry/monitoring';
 *
 * declare const rawBody: string;
 * declare const header: string | undefined;
 * const options: VerifyWebhookSignatureOptions = {
 *   body: rawBody,
 *   header,
 *   secret: process.env.ALERT_WEBHOOK_SECRET ?? '',
 *   toleranceSeconds: 300,
 * };
 * ```
 */
export interface VerifyWebhookSignatureOptions {
  /** The request body exactly as received (the raw bytes or their UTF-8 text), before any JSON parsing. */
  readonly body: string | Uint8Array;
  /** The `X-Agentry-Signature` header as received; `undefined` when it is missing. */
  readonly header: string | undefined;
  /** The channel's `secret`. */
  readonly secret: string;
  /** How far the signature's time may be from now, in seconds; default 300. */
  readonly toleranceSeconds?: number;
  /** The current time in epoch milliseconds; default `Date.now()`. */
  readonly now?: number;
}

/**
 * What {@link verifyWebhookSignature} found: `valid`, with the signed time, or why not.
 *
 * @example
 * ```ts
 * import type { WebhookVerification } from '@agentry/monitoring';
 *
 * const status = (result: WebhookVerification): number => (result.valid ? 204 : 401);
 * console.log(status({ valid: false, reason: 'signature-mismatch' }));
 * ```
 */
export type WebhookVerification =
  | {
      /** The body is the one Agentry signed with this secret, within the tolerance. */
      readonly valid: true;
      /** When it was signed, in unix seconds. */
      readonly timestamp: number;
    }
  | {
      /** The delivery must be refused. */
      readonly valid: false;
      /** Why: no header, a header not of the form `t=…,v1=…`, a time outside the tolerance, or no signature that matches. */
      readonly reason:
        | 'missing-header'
        | 'malformed-header'
        | 'timestamp-outside-tolerance'
        | 'signature-mismatch';
    };

/**
 * Checks a webhook delivery's `X-Agentry-Signature` header on the receiving side.
 *
 * The header is `t=<unix seconds>,v1=<hex>`, where the hex is the HMAC-SHA256, keyed with the
 * channel's `secret`, of the text `<t>.<raw body>`. To verify without this helper: split the
 * header on `,` into `key=value` pairs; recompute the HMAC of `${t}.${rawBody}`; compare it with
 * each `v1` value in constant time (`crypto.timingSafeEqual`); refuse the delivery when none
 * matches or when `t` is more than the tolerance away from now (a replayed delivery). Then use
 * `X-Agentry-Delivery` to drop a delivery already processed: retries carry the same id and a
 * fresh signature.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { verifyWebhookSignature } from '@agentry/monitoring';
 *
 * const seen = new Set<string>();
 * createServer((request, response) => {
 *   const chunks: Buffer[] = [];
 *   request.on('data', (chunk: Buffer) => chunks.push(chunk));
 *   request.on('end', () => {
 *     const result = verifyWebhookSignature({
 *       body: Buffer.concat(chunks),
 *       header: request.headers['x-agentry-signature'] as string | undefined,
 *       secret: process.env.ALERT_WEBHOOK_SECRET ?? '',
 *     });
 *     if (!result.valid) return void response.writeHead(401).end(result.reason);
 *     const delivery = String(request.headers['x-agentry-delivery']);
 *     if (!seen.has(delivery)) seen.add(delivery); // handle the alert once
 *     response.writeHead(204).end();
 *   });
 * }).listen(8080);
 * ```
 */
export function verifyWebhookSignature(
  options: VerifyWebhookSignatureOptions,
): WebhookVerification {
  const { header, secret, toleranceSeconds = 300, now = Date.now() } = options;
  if (header === undefined || header.trim() === '')
    return { valid: false, reason: 'missing-header' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator === -1) return { valid: false, reason: 'malformed-header' };
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (!/^\d+$/.test(value)) return { valid: false, reason: 'malformed-header' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (/^[0-9a-f]{64}$/.test(value)) signatures.push(value);
    }
  }
  if (timestamp === undefined || signatures.length === 0)
    return { valid: false, reason: 'malformed-header' };
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds)
    return { valid: false, reason: 'timestamp-outside-tolerance' };
  const body =
    typeof options.body === 'string'
      ? Buffer.from(options.body, 'utf8')
      : Buffer.from(options.body);
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  // Every candidate is compared, in constant time each, so timing does not tell which one failed.
  let matched = false;
  for (const signature of signatures) {
    if (timingSafeEqual(expected, Buffer.from(signature, 'hex'))) matched = true;
  }
  return matched ? { valid: true, timestamp } : { valid: false, reason: 'signature-mismatch' };
}
