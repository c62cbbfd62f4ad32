import { AgentryError } from '@agentry/core';

/**
 * The property that marks a stored entry's `data` as sealed: `{ "agentry:enc": 1, "v": "…" }`,
 * where `v` is the envelope in base64url. A plaintext value whose top level is an object with this
 * property cannot be stored through an encrypted store's plaintext fallback; nothing else is
 * reserved.
 *
 * @example
 * ```ts
 * import { sealedDataMarker } from '@agentry/security';
 *
 * console.log(sealedDataMarker); // 'agentry:enc'
 * ```
 */
export const sealedDataMarker = 'agentry:enc';

/** The only format version of the sealed form written today. */
const sealedDataVersion = 1;

/**
 * A stored entry's `data` in sealed form.
 *
 * @internal
 */
export interface SealedData {
  readonly [sealedDataMarker]: typeof sealedDataVersion;
  /** The envelope, base64url without padding. */
  readonly v: string;
}

const base64url = /^[A-Za-z0-9_-]*$/;

/**
 * Wraps an envelope as the JSON value stored in place of the data.
 *
 * @internal
 */
export function toSealedData(envelope: Uint8Array): SealedData {
  return {
    [sealedDataMarker]: sealedDataVersion,
    v: Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength).toString('base64url'),
  };
}

/**
 * Returns the envelope held by a stored value, or `undefined` when the value carries no marker
 * (plaintext written before encryption was switched on).
 *
 * @internal
 * @throws AgentryError `envelope_invalid` when the value carries the marker but not in the form
 *   this version writes (another format version, a `v` that is not base64url, extra properties)
 */
export function fromSealedData(data: unknown, key: string): Uint8Array | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (!Object.hasOwn(data, sealedDataMarker)) return undefined;
  const record = data as Record<string, unknown>;
  const { v } = record;
  if (
    record[sealedDataMarker] !== sealedDataVersion ||
    typeof v !== 'string' ||
    !base64url.test(v) ||
    Object.keys(record).length !== 2
  ) {
    throw new AgentryError({
      code: 'envelope_invalid',
      message: `The entry "${key}" is marked as encrypted, but not in a form this version reads (format ${JSON.stringify(record[sealedDataMarker])}).`,
      details: {
        key,
        format: typeof record[sealedDataMarker] === 'number' ? record[sealedDataMarker] : null,
      },
      suggestions: [
        'Upgrade @agentry/security if a newer version wrote the entry.',
        'Otherwise restore the entry from a backup: it was altered in storage.',
      ],
    });
  }
  return new Uint8Array(Buffer.from(v, 'base64url'));
}
