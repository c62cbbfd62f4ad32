import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Options of {@link signWebhookPayload} and {@link verifyWebhookSignature}.
 *
 * @example
 * ```ts
 * import { signWebhookPayload, type WebhookSignatureOptions } from '@agentry/workflows';
 *
 * // Sign a test delivery as a sender does: the timestamp is signed with the body.
 * const body = JSON.stringify({ orderId: 'A-1001' });
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * const options: WebhookSignatureOptions = { timestamp };
 * const signature = signWebhookPayload('test-secret', body, options);
 * await fetch('http://localhost:3000/hooks/orders', {
 *   method: 'POST',
 *   headers: {
 *     'content-type': 'application/json',
 *     'x-agentry-signature': signature,
 *     'x-agentry-timestamp': timestamp,
 *   },
 *   body,
 * });
 * ```
 */
export interface WebhookSignatureOptions {
  /**
   * The request's timestamp in Unix seconds, as sent in the timestamp header. When given, the
   * signed content is `<timestamp>.<body>`, so the timestamp cannot be changed without the secret.
   */
  timestamp?: string;
}

/**
 * Signs a webhook body the way {@link createWebhookHandler} verifies it: HMAC-SHA256 with the
 * secret over the raw body bytes (or over `<timestamp>.<body>` when a timestamp is given),
 * written `sha256=<hex>`. Senders put the result in the signature header.
 *
 * @param secret - the shared signing secret
 * @param body - the exact bytes sent as the request body
 * @returns the signature header value, `sha256=` and 64 hex digits
 * @example
 * ```ts
 * const body = JSON.stringify({ orderId: 'A-7' });
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * await fetch(url, {
 *   method: 'POST',
 *   body,
 *   headers: {
 *     'x-agentry-signature': signWebhookPayload(secret, body, { timestamp }),
 *     'x-agentry-timestamp': timestamp,
 *     'x-agentry-delivery': crypto.randomUUID(),
 *   },
 * });
 * ```
 */
export function signWebhookPayload(
  secret: string,
  body: string | Uint8Array,
  options: WebhookSignatureOptions = {},
): string {
  const hmac = createHmac('sha256', secret);
  if (options.timestamp !== undefined) hmac.update(`${options.timestamp}.`);
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `sha256=${hmac.digest('hex')}`;
}

/**
 * Tells whether a signature header matches the body. The header may hold several signatures
 * separated by commas (`sha256=…,sha256=…`, as a sender does while rotating secrets); one match is
 * enough. Digests are compared in constant time.
 *
 * @param header - the signature header's value, or `undefined` when it is missing
 * @returns whether one of the signatures is the body's HMAC-SHA256 with `secret`
 * @example
 * ```ts
 * verifyWebhookSignature(secret, rawBody, request.headers.get('x-agentry-signature') ?? undefined);
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  body: string | Uint8Array,
  header: string | undefined,
  options: WebhookSignatureOptions = {},
): boolean {
  if (header === undefined || secret === '') return false;
  const expected = Buffer.from(signWebhookPayload(secret, body, options).slice(7), 'hex');
  let matched = false;
  for (const part of header.split(',')) {
    const match = /^\s*sha256=([0-9a-fA-F]{64})\s*$/.exec(part);
    if (!match?.[1]) continue;
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (timingSafeEqual(Buffer.from(match[1], 'hex'), expected)) matched = true;
  }
  return matched;
}
