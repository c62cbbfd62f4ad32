import { z } from 'zod';

/**
 * How Agentry encrypts data: the authenticated cipher, whether keys rotate, and whether data is
 * encrypted at rest (in stores) and in transit (on the wire).
 *
 * Both ciphers are authenticated (AEAD), so tampered ciphertext fails to decrypt instead of
 * decrypting to garbage. AES-256-GCM is the usual choice on servers with AES instructions;
 * ChaCha20-Poly1305 is as strong and faster where those instructions are missing.
 *
 * @example
 * ```ts
 * encryptionConfigSchema.parse({
 *   algorithm: 'AES-256-GCM',
 *   keyRotation: true,
 *   atRest: true,
 *   inTransit: true,
 * });
 * ```
 */
export const encryptionConfigSchema = z.strictObject({
  /** The authenticated cipher: `AES-256-GCM` or `ChaCha20-Poly1305`. */
  algorithm: z.literal(['AES-256-GCM', 'ChaCha20-Poly1305']),
  /** Whether encryption keys rotate; old keys stay available, by key id, to decrypt old data. */
  keyRotation: z.boolean(),
  /** Whether data written to stores is encrypted. */
  atRest: z.boolean(),
  /** Whether data sent over the network is encrypted (TLS). */
  inTransit: z.boolean(),
});

/**
 * How Agentry encrypts data; see {@link encryptionConfigSchema}.
 *
 * @example
 * ```ts
 * import type { EncryptionConfig } from '@agentry/security';
 *
 * // What the SOC 2 baseline asks for: encryption at rest and in transit, keys rotated.
 * const encryption: EncryptionConfig = {
 *   algorithm: 'ChaCha20-Poly1305',
 *   keyRotation: true,
 *   atRest: true,
 *   inTransit: true,
 * };
 * ```
 */
export type EncryptionConfig = z.infer<typeof encryptionConfigSchema>;
