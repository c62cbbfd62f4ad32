import { AgentryError } from '@agentry/core';

/**
 * Where a keyring's key material lives. The keyring keeps only key ids and counters in its state
 * store; it asks the provider for a key's 32 bytes by id (`load`) and, to rotate, for a fresh key
 * under a new id (`create`). A provider without `create` serves pre-provisioned keys only, so a
 * keyring on it cannot rotate.
 *
 * A KMS or secret manager plugs in by implementing these two methods: keep the data key wrapped by
 * the KMS key and unwrap it in `load`.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import type { KeyProvider } from '@agentry/security';
 *
 * // A KMS-backed provider: data keys are stored wrapped, and only the KMS can unwrap them.
 * interface Kms {
 *   wrap(plaintext: Uint8Array): Promise<Uint8Array>;
 *   unwrap(wrapped: Uint8Array): Promise<Uint8Array>;
 * }
 * function kmsKeyProvider(kms: Kms, wrapped: Map<string, Uint8Array>): KeyProvider {
 *   return {
 *     name: 'kms',
 *     async load(keyId) {
 *       const stored = wrapped.get(keyId);
 *       if (stored === undefined) throw new Error(`no wrapped key ${keyId}`);
 *       return kms.unwrap(stored);
 *     },
 *     async create(keyId) {
 *       const material = randomBytes(32);
 *       wrapped.set(keyId, await kms.wrap(material));
 *       return material;
 *     },
 *   };
 * }
 * console.log(typeof kmsKeyProvider);
 * ```
 */
export interface KeyProvider {
  /** A name for errors and events, such as `environment` or `kms`. */
  readonly name: string;
  /**
   * Returns the 32 bytes of key `keyId`, in a buffer of its own: a keyring wipes the bytes it
   * holds when it retires the key or closes.
   *
   * @throws AgentryError `key_not_found` when the provider has no such key; `key_invalid` when
   *   what it holds is not a 32-byte key
   */
  load(keyId: string): Promise<Uint8Array>;
  /**
   * Generates a new 32-byte key, stores it under `keyId` (which must not exist yet) and returns
   * it. Leave it out for a provider of pre-provisioned keys.
   */
  create?(keyId: string): Promise<Uint8Array>;
}

/** The length every data key has: 256 bits. */
export const KEY_BYTES = 32;

/**
 * Decodes a standard or URL-safe base64 key and checks it is 32 bytes; `where` names the variable
 * or file in the error, never the value.
 *
 * @internal
 * @throws AgentryError `key_invalid`
 */
export function decodeBase64Key(text: string, keyId: string, where: string): Uint8Array {
  const trimmed = text.trim();
  const wellFormed = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed);
  const bytes = wellFormed ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (!wellFormed || bytes.length !== KEY_BYTES) {
    bytes.fill(0);
    throw new AgentryError({
      code: 'key_invalid',
      message: `Key "${keyId}" in ${where} is not ${KEY_BYTES} bytes of base64.`,
      details: { keyId, source: where },
      suggestions: [
        'Generate a key with `node -e "console.log(crypto.randomBytes(32).toString(\'base64\'))"`.',
      ],
    });
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
