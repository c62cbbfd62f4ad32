import {
  redactError,
  redactSecrets,
  services,
  type MaskContext,
  type PluginHost,
} from '@agentry/core';

/**
 * Makes a value safe to write to a log line or the audit trail: the installed `Masker` (security's,
 * looked up at each call so that one installed after monitoring is used) hides personal data and
 * secrets it knows of, then core's one redaction rule (`redactError`) always masks what looks like
 * a provider key or a bearer token and every field named like a credential (`apiKey`,
 * `authorization`, `password`, `secret`, `token`, …), at any depth. Redaction runs last, so a
 * masker cannot let an API key through.
 *
 * @returns the masked copy, or the reason the masker threw: then the caller must not write the
 *   unmasked value
 * @internal
 */
export function maskLogValue<TValue>(
  lookup: PluginHost['lookup'],
  value: TValue,
  context: MaskContext,
): MaskOutcome<TValue> {
  const masker = lookup(services.masker);
  let masked: unknown = value;
  if (masker !== undefined) {
    try {
      masked = masker.mask(value, context);
    } catch (error) {
      const reason = redactSecrets(error instanceof Error ? error.message : String(error));
      return { ok: false, reason };
    }
  }
  return { ok: true, value: redactError(masked) as TValue };
}

/** @internal A masked value, or why it could not be masked. */
export type MaskOutcome<TValue> =
  { readonly ok: true; readonly value: TValue } | { readonly ok: false; readonly reason: string };
