import { generateKeyPairSync } from 'node:crypto';
import { createMemoryStore } from '@agentry/core';
import { createCheckpointSigner } from '../audit/index.js';
import { memoryKeyProvider } from '../crypto/index.js';
import type { SecurityOptions } from '../security.js';

/**
 * What security() needs to run a compliant section in a test: keys in memory, and an audit log
 * in memory signed with a fresh key. Fresh on each call.
 */
export function testSecurityOptions(): Required<Pick<SecurityOptions, 'keys' | 'audit'>> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    keys: { provider: memoryKeyProvider(), store: createMemoryStore() },
    audit: {
      store: createMemoryStore(),
      signer: createCheckpointSigner({ name: 'audit.test.example', privateKey }),
    },
  };
}
