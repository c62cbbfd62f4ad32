import { randomBytes } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import { KEY_BYTES, type KeyProvider } from './key-provider.js';

/**
 * A {@link KeyProvider} holding keys in a `Map` of this process, for tests and local development
 * only: its keys die with the process, and with them every value they sealed. Never use it for
 * data you need to read after a restart.
 *
 * @throws AgentryError from `load`: `key_not_found` for a key it does not hold; from `create`:
 *   `conflict` for an id it already holds
 *
 * @example
 * ```ts
 * import { createKeyring, memoryKeyProvider } from '@agentry/security';
 *
 * // Tests and development only: the keys live in this process.
 * const keyring = await createKeyring({ algorithm: 'AES-256-GCM', provider: memoryKeyProvider() });
 * const context = { key: 'notes:1' };
 * const sealed = await keyring.seal(new TextEncoder().encode('hi'), context);
 * console.log(new TextDecoder().decode(await keyring.open(sealed, context))); // 'hi'
 * await keyring.close();
 * ```
 */
export function memoryKeyProvider(): KeyProvider {
  const keys = new Map<string, Uint8Array>();
  return {
    name: 'memory',
    load(keyId) {
      const key = keys.get(keyId);
      if (key === undefined) {
        return Promise.reject(
          new AgentryError({
            code: 'key_not_found',
            message: `Key "${keyId}" is not held by this in-memory key provider (keys do not survive a restart).`,
            details: { keyId, provider: 'memory' },
            suggestions: ['Use fileKeyProvider or a KMS-backed provider for data that must last.'],
          }),
        );
      }
      return Promise.resolve(key.slice());
    },
    create(keyId) {
      if (keys.has(keyId)) {
        return Promise.reject(
          new AgentryError({
            code: 'conflict',
            message: `Key "${keyId}" already exists; a key is never replaced.`,
            details: { keyId, provider: 'memory' },
            suggestions: ['Pick another key id.'],
          }),
        );
      }
      const material = new Uint8Array(randomBytes(KEY_BYTES));
      keys.set(keyId, material);
      return Promise.resolve(material.slice());
    },
  };
}
