import { timingSafeEqual } from 'node:crypto';
import { AgentryError } from '../errors/index.js';
import { requireWebhookSecret, webhookDigest } from './webhook-digest.js';

/** Longer headers are refused before parsing: a signature header is a few hundred characters. */
const maxHeaderLength = 4096;
const hexDigest = /^[0-9a-fA-F]{64}$/;
const unixSeconds = /^\d{1,12}$/;

/**
 * How {@link verifyWebhook} treats a signature in the deprecated `sha256=<hex>` format of
 * `@agentry/workflows` 0.1, whose timestamp travels in its own `x-agentry-timestamp` header.
 *
 * @deprecated Needed only while senders still use the `sha256=` format; see {@link signLegacyWebhook}.
 * @example
 * ```ts
 * import { verifyWebhook, type LegacyWebhookVerifyOptions } from '@agentry/core';
 *
 * declare const request: Request;
 * declare const rawBody: string;
 * const legacy: LegacyWebhookVerifyOptions = {
 *   timestamp: request.headers.get('x-agentry-timestamp') ?? undefined,
 *   allowMissingTimestamp: false, // refuse old-format requests that carry no time
 * };
 * verifyWebhook({ secret: process.env.WEBHOOK_SECRET ?? '', body: rawBody, header: request.headers.get('x-agentry-signature') ?? undefined, legacy });
 * ```
 */
export interface LegacyWebhookVerifyOptions {
  /** The `x-agentry-timestamp` header as received (Unix seconds), or `undefined` when missing. */
  readonly timestamp?: string | undefined;
  /**
   * Whether a `sha256=` signature without a timestamp is accepted; default false. Such a request
   * can be replayed for as long as the secret is unchanged.
   */
  readonly allowMissingTimestamp?: boolean;
}

/**
 * Options of {@link verifyWebhook}.
 *
 * @example
 * ```ts
 * import { verifyWebhook, type VerifyWebhookOptions } from '@agentry/core';
 *
 * declare const rawBody: Buffer;
 * declare const header: string | undefined;
 * const options: VerifyWebhookOptions = {
 *   secret: process.env.WEBHOOK_SECRET ?? '',
 *   body: rawBody,
 *   header,
 *   toleranceSeconds: 300,
 * };
 * const { timestamp } = verifyWebhook(options);
 * ```
 */
export interface VerifyWebhookOptions {
  /** The shared secret; a non-empty string. */
  readonly secret: string;
  /** The request body exactly as received (raw bytes or their UTF-8 text), before any parsing. */
  readonly body: string | Uint8Array;
  /** The `x-agentry-signature` header as received; `undefined` when it is missing. */
  readonly header: string | undefined;
  /**
   * How far the signed time may be from now, either way, in seconds; default 300. Older requests
   * are refused as replays. `Infinity` turns the check off (not recommended).
   */
  readonly toleranceSeconds?: number;
  /** The current time in epoch milliseconds; default `Date.now()`. */
  readonly now?: number;
  /**
   * Accept the deprecated `sha256=<hex>` format too, with these settings. Without it, such a
   * header is refused as malformed.
   *
   * @deprecated Only while senders still use the `sha256=` format.
   */
  readonly legacy?: LegacyWebhookVerifyOptions;
}

/**
 * A signature {@link verifyWebhook} accepted.
 *
 * @example
 * ```ts
 * import { verifyWebhook, type VerifiedWebhook } from '@agentry/core';
 *
 * declare const rawBody: string;
 * declare const header: string | undefined;
 * const verified: VerifiedWebhook = verifyWebhook({ secret: process.env.WEBHOOK_SECRET ?? '', body: rawBody, header });
 * if (verified.format === 'legacy') console.warn('The sender still signs in the deprecated sha256= format.');
 * ```
 */
export interface VerifiedWebhook {
  /** When the request was signed, in Unix seconds; `undefined` only for an untimed legacy signature. */
  readonly timestamp: number | undefined;
  /** `v1` for `t=…,v1=…`; `legacy` for the deprecated `sha256=…`. */
  readonly format: 'v1' | 'legacy';
}

/**
 * Why {@link verifyWebhook} refused a request, in `details.reason` of its `unauthenticated`
 * error: no header, a header it cannot read, a time outside the tolerance (a replay or a wrong
 * clock), or no signature that matches the body and the secret.
 *
 * @example
 * ```ts
 * import { AgentryError, type WebhookSignatureFailure } from '@agentry/core';
 *
 * const reasonOf = (error: unknown): WebhookSignatureFailure | undefined =>
 *   AgentryError.isInstance(error) && error.code === 'unauthenticated'
 *     ? (error.details.reason as WebhookSignatureFailure)
 *     : undefined;
 * console.log(reasonOf(new Error('other'))); // undefined
 * ```
 */
export type WebhookSignatureFailure = 'missing' | 'malformed' | 'expired' | 'mismatch';

/**
 * Checks a webhook request's `x-agentry-signature` header against its raw body, on the receiving
 * side.
 *
 * The header is `t=<unix seconds>,v1=<hex>` (see {@link signWebhook}); it may hold several `v1`
 * values (a sender rotating its secret signs with both), and one match is enough. Every candidate
 * is compared in constant time, so timing tells nothing about which part differed. The time must
 * be within `toleranceSeconds` of now, which bounds how long a captured request can be replayed;
 * de-duplicate within that window on the delivery id ({@link webhookDeliveryHeader}). Unknown
 * `key=value` parts are ignored, so a later scheme can be added beside `v1`. With `legacy`, the
 * deprecated `sha256=<hex>` format is accepted too.
 *
 * @returns when the request was signed and in which format
 * @throws AgentryError `unauthenticated` (401) when the request must be refused, with
 *   `details.reason` `missing`, `malformed`, `expired` or `mismatch` ({@link WebhookSignatureFailure});
 *   `validation_failed` when the secret is empty or `toleranceSeconds` is negative. Messages never
 *   hold the secret or the signatures.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { AgentryError, verifyWebhook, webhookDeliveryHeader, webhookSignatureHeader } from '@agentry/core';
 *
 * const seen = new Set<string>();
 * createServer((request, response) => {
 *   const chunks: Buffer[] = [];
 *   request.on('data', (chunk: Buffer) => chunks.push(chunk));
 *   request.on('end', () => {
 *     try {
 *       verifyWebhook({
 *         secret: process.env.WEBHOOK_SECRET ?? '',
 *         body: Buffer.concat(chunks),
 *         header: request.headers[webhookSignatureHeader] as string | undefined,
 *       });
 *     } catch (error) {
 *       const status = AgentryError.isInstance(error) ? error.httpStatus : 500;
 *       return void response.writeHead(status).end();
 *     }
 *     const delivery = String(request.headers[webhookDeliveryHeader]);
 *     if (!seen.has(delivery)) seen.add(delivery); // act on the delivery once
 *     response.writeHead(204).end();
 *   });
 * }).listen(8080);
 * ```
 */
export function verifyWebhook(options: VerifyWebhookOptions): VerifiedWebhook {
  const secret = requireWebhookSecret(options.secret, 'verify');
  const tolerance = options.toleranceSeconds ?? 300;
  if (typeof tolerance !== 'number' || Number.isNaN(tolerance) || tolerance < 0) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `toleranceSeconds must be 0 or more seconds (received ${String(tolerance)}).`,
      details: { path: 'toleranceSeconds', received: tolerance },
      suggestions: ['Leave toleranceSeconds out for the default of 300 seconds.'],
    });
  }
  const header = options.header?.trim();
  if (header === undefined || header === '') throw refusal('missing');
  if (header.length > maxHeaderLength)
    throw refusal('malformed', `it is longer than ${maxHeaderLength} characters`);

  let timestamp: string | undefined;
  const current: Buffer[] = [];
  const legacy: Buffer[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) throw refusal('malformed', 'a part is not of the form key=value');
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) throw refusal('malformed', 't= appears twice');
      if (!unixSeconds.test(value)) throw refusal('malformed', 't= is not Unix seconds');
      timestamp = value;
    } else if (key === 'v1' || key === 'sha256') {
      if (!hexDigest.test(value)) throw refusal('malformed', `${key}= is not 64 hex digits`);
      (key === 'v1' ? current : legacy).push(Buffer.from(value, 'hex'));
    }
  }
  const now = options.now ?? Date.now();

  if (current.length > 0 || timestamp !== undefined) {
    if (timestamp === undefined) throw refusal('malformed', 'it has v1= but no t=');
    if (current.length === 0) throw refusal('malformed', 'it has t= but no v1=');
    checkTolerance(Number(timestamp), now, tolerance);
    matchOne(webhookDigest(secret, `${timestamp}.`, options.body), current);
    return { timestamp: Number(timestamp), format: 'v1' };
  }
  if (legacy.length === 0) throw refusal('malformed', 'it has no v1= signature');
  if (options.legacy === undefined) {
    throw refusal(
      'malformed',
      'it is in the deprecated sha256= format, which this receiver does not accept',
    );
  }
  const legacyTimestamp = options.legacy.timestamp?.trim();
  if (legacyTimestamp === undefined || legacyTimestamp === '') {
    if (options.legacy.allowMissingTimestamp !== true)
      throw refusal('malformed', 'its sha256= signature comes without a timestamp header');
    matchOne(webhookDigest(secret, '', options.body), legacy);
    return { timestamp: undefined, format: 'legacy' };
  }
  if (!unixSeconds.test(legacyTimestamp))
    throw refusal('malformed', 'the timestamp header is not Unix seconds');
  checkTolerance(Number(legacyTimestamp), now, tolerance);
  matchOne(webhookDigest(secret, `${legacyTimestamp}.`, options.body), legacy);
  return { timestamp: Number(legacyTimestamp), format: 'legacy' };
}

function checkTolerance(timestamp: number, now: number, toleranceSeconds: number): void {
  const ageSeconds = Math.round(now / 1000 - timestamp);
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds)
    throw refusal(
      'expired',
      ageSeconds >= 0 ? `${ageSeconds} s ago` : `${-ageSeconds} s in the future`,
      { timestamp, ageSeconds, toleranceSeconds },
    );
}

function matchOne(expected: Buffer, candidates: readonly Buffer[]): void {
  let matched = false;
  // Every candidate is compared, each in constant time, so timing does not tell which one matched.
  for (const candidate of candidates) if (timingSafeEqual(expected, candidate)) matched = true;
  if (!matched) throw refusal('mismatch', undefined, { candidates: candidates.length });
}

const suggestionsByReason: Record<WebhookSignatureFailure, string[]> = {
  missing: ['Send the value of signWebhook({ secret, body }) in the x-agentry-signature header.'],
  malformed: [
    'Send the header as signWebhook makes it: t=<unix seconds>,v1=<64 hex digits>.',
    'A sender still on the sha256= format: upgrade it, or pass `legacy` to accept that format while it moves.',
  ],
  expired: [
    'Check that the sender and the receiver keep their clocks in sync (NTP).',
    'Sign each attempt afresh, so a retry carries a new time; never resend an old signature.',
  ],
  mismatch: [
    'Check that the sender and the receiver use the same secret.',
    'Verify the raw body bytes exactly as received, before any JSON parsing or re-encoding.',
  ],
};

function refusal(
  reason: WebhookSignatureFailure,
  why?: string,
  extra: Record<string, unknown> = {},
): AgentryError {
  const messages: Record<WebhookSignatureFailure, string> = {
    missing: 'The webhook request carries no signature header (x-agentry-signature).',
    malformed: `The webhook signature header cannot be read: ${why ?? 'unknown form'}.`,
    expired: `The webhook signature was made ${why ?? 'at another time'}, outside the tolerance of ${String(extra.toleranceSeconds)} s: a replayed or long-delayed request, or clocks out of sync.`,
    mismatch: 'No signature in the webhook signature header matches the body and the secret.',
  };
  return new AgentryError({
    code: 'unauthenticated',
    message: messages[reason],
    details: { reason, ...extra },
    suggestions: suggestionsByReason[reason],
  });
}
