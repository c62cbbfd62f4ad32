// A small real sealer for tests: two AES-256-GCM keys in a Map, one of them active, switchable.
// Key material is random per run (or handed in as hex, so a child process can share it).
import { randomBytes } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import { openEnvelope, sealEnvelope, type DataKey } from '../../crypto/index.js';
import type { EnvelopeSealer } from '../envelope-sealer.js';

export interface TestSealer extends EnvelopeSealer {
  /** Makes `id` the key `seal` uses. */
  use(id: string): void;
  /** The keys as hex, for a child process. */
  exportKeys(): string;
}

export function createTestSealer(
  options: { keys?: string; active?: string; sealDelayMs?: number } = {},
): TestSealer {
  const keys = new Map<string, DataKey>();
  if (options.keys === undefined) {
    for (const id of ['k-old', 'k-new'])
      keys.set(id, { id, algorithm: 'AES-256-GCM', material: randomBytes(32) });
  } else {
    for (const part of options.keys.split(',')) {
      const [id = '', hex = ''] = part.split('=');
      keys.set(id, { id, algorithm: 'AES-256-GCM', material: Buffer.from(hex, 'hex') });
    }
  }
  let active = options.active ?? 'k-old';
  const keyFor = (id: string): DataKey => {
    const key = keys.get(id);
    if (key === undefined)
      throw new AgentryError({
        code: 'key_not_found',
        message: `No key "${id}".`,
        details: { keyId: id },
        suggestions: [],
      });
    return key;
  };
  const delay = options.sealDelayMs ?? 0;
  return {
    async seal(plaintext, context) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return sealEnvelope(plaintext, keyFor(active), context);
    },
    open: (envelope, context) =>
      Promise.resolve().then(() => openEnvelope(envelope, keyFor, context)),
    activeKeyId: () => Promise.resolve(active),
    use(id) {
      keyFor(id);
      active = id;
    },
    exportKeys() {
      return [...keys.values()]
        .map((key) => `${key.id}=${Buffer.from(key.material).toString('hex')}`)
        .join(',');
    },
  };
}
