import type { EnvelopeContext } from '../crypto/index.js';

/**
 * What the at-rest functions need from a keyring: seal under the active key, open under whichever
 * key an envelope names, and say which key is active. A keyring fits it as it is; so does anything
 * else with these three methods (a KMS client, a test double).
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { openEnvelope, sealEnvelope, type EnvelopeSealer } from '@agentry/security';
 *
 * const key = { id: 'k1', algorithm: 'AES-256-GCM' as const, material: randomBytes(32) };
 * const sealer: EnvelopeSealer = {
 *   seal: async (plaintext, context) => sealEnvelope(plaintext, key, context),
 *   open: async (envelope, context) => openEnvelope(envelope, () => key, context),
 *   activeKeyId: async () => key.id,
 * };
 * console.log(await sealer.activeKeyId()); // 'k1'
 * ```
 */
export interface EnvelopeSealer {
  /** Seals `plaintext` under the active key, binding `context` as additional authenticated data. */
  seal(plaintext: Uint8Array, context: EnvelopeContext): Promise<Uint8Array>;
  /**
   * Opens an envelope with the key it names and the `context` it was sealed with; rejects with
   * `decryption_failed` (altered or moved), `envelope_invalid`, `key_not_found` or `key_retired`.
   */
  open(envelope: Uint8Array, context: EnvelopeContext): Promise<Uint8Array>;
  /** The id of the key {@link EnvelopeSealer.seal} uses now. */
  activeKeyId(): Promise<string>;
}
