import type { StateStore, StoredEnvelope } from '@agentry/core';
import { readEnvelopeHeader } from '../../crypto/index.js';

/** The id of the key that sealed each entry of a raw store, by key (`plain` for plaintext). */
export async function keyIds(raw: StateStore): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let after: string | undefined;
  for (;;) {
    const page = await raw.list('', { limit: 1000, ...(after === undefined ? {} : { after }) });
    for (const entry of page.entries) ids.set(entry.key, keyIdOf(entry));
    if (page.next === undefined) return ids;
    after = page.next;
  }
}

function keyIdOf(entry: StoredEnvelope): string {
  const v = (entry.data as { v?: unknown } | null)?.v;
  if (typeof v !== 'string') return 'plain';
  return readEnvelopeHeader(Buffer.from(v, 'base64url')).keyId;
}
