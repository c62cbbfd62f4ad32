import { signLegacyWebhook, verifyWebhook } from '@agentry/core';

/**
 * Options of {@link signWebhookPayload} and {@link verifyWebhookSignature}.
 *
 * @deprecated Part of the `sha256=` signature format of 0.1; sign with `signWebhook` from
 *   `@agentry/core`, whose single header carries the time. See the migration guide
 *   `docs/migrations/workflows-0.2.0.md`.
 * @example
 * ```ts
 * import { signWebhookPayload, type WebhookSignatureOptions } from '@agentry/workflows';
 *
 * // The deprecated format: the timestamp is signed with the body and sent in its own header.
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
 * Signs a webhook body in the deprecated 0.1 format, `sha256=<hex>`: HMAC-SHA256 with the secret
 * over the raw body bytes (or over `<timestamp>.<body>` when a timestamp is given, sent in
 * `x-agentry-timestamp`). {@link createWebhookHandler} still accepts it. Same as
 * `signLegacyWebhook` of `@agentry/core`.
 *
 * @deprecated Use `signWebhook({ secret, body })` from `@agentry/core`: one header,
 *   `x-agentry-signature: t=<unix seconds>,v1=<hex>`, always timed. See
 *   `docs/migrations/workflows-0.2.0.md`.
 * @param secret - the shared signing secret
 * @param body - the exact bytes sent as the request body
 * @returns the signature header value, `sha256=` and 64 hex digits
 * @throws AgentryError `validation_failed` when the secret is empty
 * @example
 * ```ts
 * import { signWebhookPayload } from '@agentry/workflows';
 *
 * const secret = process.env.WEBHOOK_SECRET ?? '';
 * const body = JSON.stringify({ orderId: 'A-7' });
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * await fetch('http://localhost:3000/hooks/orders', {
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
  return signLegacyWebhook({ secret, body, timestamp: options.timestamp });
}

/**
 * Tells whether a signature header matches the body, as 0.1 did: the header may hold several
 * `sha256=` signatures (one match is enough), and with `timestamp` the signed content is
 * `<timestamp>.<body>`. It does not judge the time; a header in the current
 * `t=<unix seconds>,v1=<hex>` format is accepted too. Digests are compared in constant time.
 *
 * @deprecated Use `verifyWebhook({ secret, body, header })` from `@agentry/core`, which also
 *   refuses replays outside a tolerance and says why a request is refused. See
 *   `docs/migrations/workflows-0.2.0.md`.
 * @param header - the signature header's value, or `undefined` when it is missing
 * @returns whether one of the signatures is the body's HMAC-SHA256 with `secret`
 * @example
 * ```ts
 * import { verifyWebhookSignature } from '@agentry/workflows';
 *
 * declare const request: Request;
 * const rawBody = new Uint8Array(await request.arrayBuffer());
 * const ok = verifyWebhookSignature(process.env.WEBHOOK_SECRET ?? '', rawBody, request.headers.get('x-agentry-signature') ?? undefined);
 * console.log(ok);
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  body: string | Uint8Array,
  header: string | undefined,
  options: WebhookSignatureOptions = {},
): boolean {
  try {
    verifyWebhook({
      secret,
      body,
      header,
      // 0.1 left the time to the caller; keeping that is what keeps old callers working.
      toleranceSeconds: Infinity,
      legacy: { timestamp: options.timestamp, allowMissingTimestamp: true },
    });
    return true;
  } catch {
    return false;
  }
}
