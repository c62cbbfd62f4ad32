import { requireUnixSeconds, requireWebhookSecret, webhookDigest } from './webhook-digest.js';

/**
 * Options of {@link signWebhook}.
 *
 * @example
 * ```ts
 * import { signWebhook, type SignWebhookOptions } from '@agentry/core';
 *
 * const options: SignWebhookOptions = {
 *   secret: process.env.WEBHOOK_SECRET ?? '',
 *   body: JSON.stringify({ orderId: 'A-1001' }),
 *   timestamp: 1_767_225_600, // a fixed time, as a test does; leave it out to sign with now
 * };
 * console.log(signWebhook(options)); // t=1767225600,v1=…
 * ```
 */
export interface SignWebhookOptions {
  /** The shared secret; a non-empty string. */
  readonly secret: string;
  /** The exact bytes sent as the request body (a string is sent and signed as UTF-8). */
  readonly body: string | Uint8Array;
  /** When the request is signed, in Unix seconds; default the current time. */
  readonly timestamp?: number;
  /** The current time in epoch milliseconds, used when `timestamp` is not given; default `Date.now()`. */
  readonly now?: number;
}

/**
 * Signs a webhook request body for the `x-agentry-signature` header ({@link webhookSignatureHeader}).
 *
 * The value is `t=<unix seconds>,v1=<hex>`, where the hex is the HMAC-SHA256, keyed with the
 * secret, of the text `<t>.` followed by the raw body. The time is inside the signed content, so it
 * cannot be changed without the secret, and it travels in the same header, so a receiver cannot
 * check one without the other. Sign each attempt afresh: a retry after a long wait then stays within
 * the receiver's tolerance (see {@link verifyWebhook}). To check a signature without Agentry,
 * recompute the HMAC of `${t}.${rawBody}` and compare it with each `v1` value in constant time.
 *
 * @returns the header value, `t=<unix seconds>,v1=` and 64 hex digits
 * @throws AgentryError `validation_failed` when the secret is empty or the timestamp is not a whole
 *   number of seconds
 * @example
 * ```ts
 * import { signWebhook, webhookDeliveryHeader, webhookSignatureHeader } from '@agentry/core';
 *
 * const body = JSON.stringify({ orderId: 'A-1001' });
 * const response = await fetch('https://example.com/hooks/orders', {
 *   method: 'POST',
 *   headers: {
 *     'content-type': 'application/json',
 *     [webhookSignatureHeader]: signWebhook({ secret: process.env.WEBHOOK_SECRET ?? '', body }),
 *     [webhookDeliveryHeader]: crypto.randomUUID(),
 *   },
 *   body,
 * });
 * console.log(response.status);
 * ```
 */
export function signWebhook(options: SignWebhookOptions): string {
  const secret = requireWebhookSecret(options.secret, 'sign');
  const timestamp = requireUnixSeconds(
    options.timestamp ?? Math.floor((options.now ?? Date.now()) / 1000),
    'timestamp',
  );
  return `t=${timestamp},v1=${webhookDigest(secret, `${timestamp}.`, options.body).toString('hex')}`;
}

/**
 * Options of {@link signLegacyWebhook}.
 *
 * @deprecated The `sha256=` format is kept for receivers still on `@agentry/workflows` 0.1; use
 *   {@link signWebhook}.
 * @example
 * ```ts
 * import { signLegacyWebhook, type LegacyWebhookSignOptions } from '@agentry/core';
 *
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * const options: LegacyWebhookSignOptions = { secret: process.env.WEBHOOK_SECRET ?? '', body: '{}', timestamp };
 * // Send the result in x-agentry-signature and the timestamp in x-agentry-timestamp.
 * console.log(signLegacyWebhook(options));
 * ```
 */
export interface LegacyWebhookSignOptions {
  /** The shared secret; a non-empty string. */
  readonly secret: string;
  /** The exact bytes sent as the request body. */
  readonly body: string | Uint8Array;
  /**
   * The Unix-seconds timestamp sent in the `x-agentry-timestamp` header; when given, the signed
   * content is `<timestamp>.<body>`. Without it a captured request can be replayed.
   */
  readonly timestamp?: string;
}

/**
 * Signs a body in the deprecated format of `@agentry/workflows` 0.1 webhook triggers:
 * `sha256=<hex>`, the HMAC-SHA256 of the raw body, or of `<timestamp>.<body>` when the timestamp
 * is sent in its own `x-agentry-timestamp` header. Use it only to reach a receiver that has not
 * upgraded; {@link verifyWebhook} still accepts this format when asked to (`legacy`).
 *
 * @deprecated Two headers let a proxy or a receiver check one without the other, and the
 *   timestamp is optional; use {@link signWebhook}, whose single header carries both. This
 *   format will be removed in a later minor release.
 * @returns `sha256=` and 64 hex digits
 * @throws AgentryError `validation_failed` when the secret is empty
 * @example
 * ```ts
 * import { signLegacyWebhook } from '@agentry/core';
 *
 * const body = JSON.stringify({ orderId: 'A-7' });
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * await fetch('https://old-receiver.example.com/hooks/orders', {
 *   method: 'POST',
 *   body,
 *   headers: {
 *     'x-agentry-signature': signLegacyWebhook({ secret: process.env.WEBHOOK_SECRET ?? '', body, timestamp }),
 *     'x-agentry-timestamp': timestamp,
 *   },
 * });
 * ```
 */
export function signLegacyWebhook(options: LegacyWebhookSignOptions): string {
  const secret = requireWebhookSecret(options.secret, 'sign');
  const prefix = options.timestamp === undefined ? '' : `${options.timestamp}.`;
  return `sha256=${webhookDigest(secret, prefix, options.body).toString('hex')}`;
}
