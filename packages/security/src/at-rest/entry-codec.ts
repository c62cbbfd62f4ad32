import { AgentryError, type StoredEnvelope } from '@agentry/core';
import type { EnvelopeContext } from '../crypto/index.js';
import type { EnvelopeSealer } from './envelope-sealer.js';
import { fromSealedData, toSealedData, type SealedData } from './sealed-data.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The additional authenticated data of an entry's `data`: an envelope copied to another key,
 * tenant or schema version fails to open.
 *
 * @internal
 */
export function dataContext(tenant: string, key: string, schemaVersion: string): EnvelopeContext {
  return { tenant, key, field: 'data', schemaVersion };
}

/**
 * Serialises `data` to JSON and seals it for the entry `key` at `schemaVersion`.
 *
 * @internal
 */
export async function sealData(
  sealer: EnvelopeSealer,
  tenant: string,
  key: string,
  schemaVersion: string,
  json: string,
): Promise<SealedData> {
  const plaintext = encoder.encode(json);
  try {
    return toSealedData(await sealer.seal(plaintext, dataContext(tenant, key, schemaVersion)));
  } finally {
    plaintext.fill(0);
  }
}

/** How {@link openEntry} reads an entry. @internal */
export interface OpenEntryOptions {
  readonly sealer: EnvelopeSealer;
  readonly tenant: string;
  readonly acceptPlaintext: boolean;
  /** The store's name, for messages. */
  readonly name: string | undefined;
}

/**
 * Returns the entry with its `data` decrypted: the JSON sealed by {@link sealData}, parsed afresh.
 * A plaintext entry is returned as it is when `acceptPlaintext`, refused otherwise.
 *
 * @internal
 * @throws AgentryError `data_corrupted` for a plaintext entry (unless accepted) or sealed bytes that
 *   are not JSON; `envelope_invalid`, `decryption_failed`, `key_not_found`, `key_retired` from the
 *   sealer
 */
export async function openEntry(
  entry: StoredEnvelope,
  options: OpenEntryOptions,
): Promise<StoredEnvelope> {
  const envelope = fromSealedData(entry.data, entry.key);
  if (envelope === undefined) {
    if (options.acceptPlaintext) return entry;
    throw plaintextRefused(entry.key, options.name);
  }
  const plaintext = await options.sealer.open(
    envelope,
    dataContext(options.tenant, entry.key, entry.schemaVersion),
  );
  try {
    return { ...entry, data: JSON.parse(decoder.decode(plaintext)) as unknown };
  } catch (error) {
    // Authenticated bytes that are not JSON were sealed by something else than this store.
    throw new AgentryError({
      code: 'data_corrupted',
      message: `The entry "${entry.key}" decrypted, but its contents are not JSON: it was not written by an encrypted store.`,
      details: { key: entry.key, ...(options.name === undefined ? {} : { store: options.name }) },
      suggestions: ['Restore the entry from a backup, or delete it and write it again.'],
      cause: error,
    });
  } finally {
    plaintext.fill(0);
  }
}

function plaintextRefused(key: string, name: string | undefined): AgentryError {
  return new AgentryError({
    code: 'data_corrupted',
    message: `The entry "${key}"${name === undefined ? '' : ` of store "${name}"`} is not encrypted, and this store only reads encrypted entries; it was written before encryption was switched on, or by something that bypassed it.`,
    details: { key, reason: 'plaintext', ...(name === undefined ? {} : { store: name }) },
    suggestions: [
      'To migrate a store written before encryption: open it with `acceptPlaintext: true` and run `reencryptStore(store, { acceptPlaintext: true, … })` once, then switch `acceptPlaintext` off.',
      'If the store was never plaintext, treat the entry as tampered with and restore it from a backup.',
    ],
  });
}
