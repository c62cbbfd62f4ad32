import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { AgentryError } from '@agentry/core';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';

/**
 * The authenticated ciphers an envelope may name. `AES-256-GCM` and `ChaCha20-Poly1305` take
 * 96-bit random nonces (at most 2^32 encryptions per key, which the keyring enforces far below);
 * `XChaCha20-Poly1305` takes 192-bit random nonces, safe for any volume under one key.
 *
 * @example
 * ```ts
 * import type { EnvelopeAlgorithm } from '@agentry/security';
 *
 * const algorithm: EnvelopeAlgorithm = 'AES-256-GCM';
 * console.log(algorithm);
 * ```
 */
export type EnvelopeAlgorithm = 'AES-256-GCM' | 'ChaCha20-Poly1305' | 'XChaCha20-Poly1305';

/**
 * A data-encryption key: its id (written in every envelope it seals), the one algorithm it is for,
 * and its 32 bytes. Keys never appear in logs, errors, events or stored state.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import type { DataKey } from '@agentry/security';
 *
 * const key: DataKey = { id: 'k-2026-12', algorithm: 'AES-256-GCM', material: randomBytes(32) };
 * console.log(key.id);
 * ```
 */
export interface DataKey {
  /** The key's id: 1 to 64 characters of `A-Z a-z 0-9 . _ -`. */
  readonly id: string;
  /** The algorithm the key is for; an envelope naming another algorithm is refused. */
  readonly algorithm: EnvelopeAlgorithm;
  /** The key's 32 bytes. */
  readonly material: Uint8Array;
}

/**
 * Where a value belongs, bound into its envelope as additional authenticated data: an envelope
 * opened with any other context (another tenant, store key, field or schema version) fails with
 * `decryption_failed`, so a ciphertext copied to another record is refused, never read.
 *
 * @example
 * ```ts
 * import type { EnvelopeContext } from '@agentry/security';
 *
 * const context: EnvelopeContext = { tenant: 'acme', key: 'agent:support:state', field: 'data', schemaVersion: '1.0.0' };
 * console.log(context.key);
 * ```
 */
export interface EnvelopeContext {
  /** The tenant the value belongs to; `''` when there are none. */
  readonly tenant?: string;
  /** The record: a store key, an audit entry's index. */
  readonly key: string;
  /** The field of the record, such as `data`. */
  readonly field?: string;
  /** The schema version of the record's data. */
  readonly schemaVersion?: string;
}

/**
 * What an envelope's header says, readable without a key: used to pick the key, and to tell a
 * value sealed under an older key (for re-encryption).
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { readEnvelopeHeader, sealEnvelope } from '@agentry/security';
 *
 * const key = { id: 'k1', algorithm: 'AES-256-GCM' as const, material: randomBytes(32) };
 * const sealed = sealEnvelope(new TextEncoder().encode('hi'), key, { key: 'notes:1' });
 * console.log(readEnvelopeHeader(sealed).keyId); // 'k1'
 * ```
 */
export interface EnvelopeHeader {
  /** The format version; 1 today. */
  readonly version: 1;
  /** The cipher. */
  readonly algorithm: EnvelopeAlgorithm;
  /** The id of the key that sealed it. */
  readonly keyId: string;
}

/** The format version written by {@link sealEnvelope}. */
const FORMAT_VERSION = 1;
/** Every algorithm's tag is 16 bytes; shorter tags are refused, never accepted. */
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * One cipher of the envelope's table, without the envelope format.
 *
 * @internal
 */
export interface AlgorithmSpec {
  readonly code: number;
  readonly nonceBytes: number;
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Returns the plaintext only once the tag has verified; throws otherwise. */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

function nodeAead(cipherName: 'aes-256-gcm' | 'chacha20-poly1305', code: number): AlgorithmSpec {
  // Both ciphers take the GCM-style options and methods (AAD, 16-byte tag); the type names one.
  const name = cipherName as CipherGCMTypes;
  return {
    code,
    nonceBytes: 12,
    seal(key, nonce, plaintext, aad) {
      const cipher = createCipheriv(name, key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad, { plaintextLength: plaintext.length });
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      return Buffer.concat([head, tail, cipher.getAuthTag()]);
    },
    open(key, nonce, sealed, aad) {
      const body = sealed.subarray(0, sealed.length - TAG_BYTES);
      const decipher = createDecipheriv(name, key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      decipher.setAAD(aad, { plaintextLength: body.length });
      // `update` hands out plaintext before `final` checks the tag: it is held here, and wiped
      // when the tag fails, so no unauthenticated byte leaves this function.
      const plaintext = decipher.update(body);
      try {
        decipher.final();
      } catch (error) {
        plaintext.fill(0);
        throw error;
      }
      return plaintext;
    },
  };
}

const algorithms: Readonly<Record<EnvelopeAlgorithm, AlgorithmSpec>> = {
  'AES-256-GCM': nodeAead('aes-256-gcm', 1),
  'ChaCha20-Poly1305': nodeAead('chacha20-poly1305', 2),
  'XChaCha20-Poly1305': {
    code: 3,
    nonceBytes: 24,
    seal: (key, nonce, plaintext, aad) => xchacha20poly1305(key, nonce, aad).encrypt(plaintext),
    // The library verifies the tag before it decrypts.
    open: (key, nonce, sealed, aad) => xchacha20poly1305(key, nonce, aad).decrypt(sealed),
  },
};

/**
 * The cipher the envelope uses for `algorithm`, without header, nonce generation or AAD encoding:
 * for known-answer tests of the table itself. Not exported from the package.
 *
 * @internal
 */
export function rawCipher(algorithm: EnvelopeAlgorithm): AlgorithmSpec {
  return algorithms[algorithm];
}

const byCode = new Map<number, EnvelopeAlgorithm>(
  Object.entries(algorithms).map(([name, spec]) => [spec.code, name as EnvelopeAlgorithm]),
);

/**
 * The algorithms an envelope may name, and nothing else: `none`, `aes-256-cbc` and every other
 * value are refused by {@link openEnvelope} with `envelope_invalid`.
 *
 * @example
 * ```ts
 * import { envelopeAlgorithms } from '@agentry/security';
 *
 * console.log(envelopeAlgorithms.includes('AES-256-GCM')); // true
 * ```
 */
export const envelopeAlgorithms: readonly EnvelopeAlgorithm[] = Object.freeze(
  Object.keys(algorithms) as EnvelopeAlgorithm[],
);

function invalid(message: string, details: Record<string, unknown> = {}): AgentryError {
  return new AgentryError({
    code: 'envelope_invalid',
    message,
    details,
    suggestions: [
      'The value is not an envelope Agentry sealed, or it was cut short or altered in storage.',
      'Restore the record from a backup; an altered envelope is never decrypted.',
    ],
  });
}

function checkKey(key: DataKey): void {
  if (typeof key.id !== 'string' || !KEY_ID.test(key.id)) {
    throw new AgentryError({
      code: 'key_invalid',
      message: 'A key id must be 1 to 64 characters of A-Z a-z 0-9 . _ -.',
      details: { keyId: typeof key.id === 'string' ? key.id.slice(0, 64) : typeof key.id },
      suggestions: ['Name keys like `k-2026-12` or `tenant-a.v3`.'],
    });
  }
  if (!(key.algorithm in algorithms)) {
    throw new AgentryError({
      code: 'key_invalid',
      message: `Key "${key.id}" names an algorithm that is not allowed.`,
      details: { keyId: key.id, allowed: envelopeAlgorithms },
      suggestions: [`Use one of: ${envelopeAlgorithms.join(', ')}.`],
    });
  }
  if (!(key.material instanceof Uint8Array) || key.material.length !== KEY_BYTES) {
    throw new AgentryError({
      code: 'key_invalid',
      message: `Key "${key.id}" must be exactly ${KEY_BYTES} bytes for ${key.algorithm}; it has ${key.material instanceof Uint8Array ? key.material.length : 0}.`,
      details: { keyId: key.id, algorithm: key.algorithm },
      suggestions: ['Generate keys with `randomBytes(32)`; a 16-byte (AES-128) key is refused.'],
    });
  }
}

const encoder = new TextEncoder();

function headerBytes(algorithm: AlgorithmSpec, keyId: string): Uint8Array {
  const id = encoder.encode(keyId);
  const header = new Uint8Array(3 + id.length);
  header[0] = FORMAT_VERSION;
  header[1] = algorithm.code;
  header[2] = id.length;
  header.set(id, 3);
  return header;
}

/**
 * The additional authenticated data: the envelope's header (so the version, algorithm and key id
 * cannot be swapped) followed by the context, each field length-prefixed so no two contexts
 * encode alike (`a:b` + `c` never equals `a` + `b:c`).
 */
function additionalData(header: Uint8Array, context: EnvelopeContext): Uint8Array {
  const parts = [
    context.tenant ?? '',
    context.key,
    context.field ?? '',
    context.schemaVersion ?? '',
  ].map((part) => encoder.encode(part));
  const size = header.length + parts.reduce((sum, part) => sum + 4 + part.length, 0);
  const aad = new Uint8Array(size);
  const view = new DataView(aad.buffer);
  aad.set(header, 0);
  let at = header.length;
  for (const part of parts) {
    view.setUint32(at, part.length);
    aad.set(part, at + 4);
    at += 4 + part.length;
  }
  return aad;
}

function checkContext(context: EnvelopeContext): void {
  if (typeof context?.key !== 'string' || context.key === '') {
    throw new AgentryError({
      code: 'validation_failed',
      message: 'An envelope context needs the record key it binds the value to.',
      details: { path: 'context.key' },
      suggestions: [
        'Pass the store key (and tenant, field, schema version) the value is stored under.',
      ],
    });
  }
}

/**
 * Encrypts `plaintext` under `key` into a self-describing envelope: format version (1 byte),
 * algorithm (1 byte), key id (length-prefixed), a fresh random nonce, the ciphertext and a 16-byte
 * tag. The header and `context` are authenticated, not encrypted.
 *
 * Prefer a keyring's `seal`, which picks the active key and counts its uses.
 *
 * @throws AgentryError `key_invalid` for a key of the wrong length, id or algorithm;
 *   `validation_failed` for a context without `key`
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { openEnvelope, sealEnvelope } from '@agentry/security';
 *
 * const key = { id: 'k1', algorithm: 'ChaCha20-Poly1305' as const, material: randomBytes(32) };
 * const context = { tenant: 'acme', key: 'notes:1', field: 'data' };
 * const sealed = sealEnvelope(new TextEncoder().encode('secret note'), key, context);
 * const opened = openEnvelope(sealed, () => key, context);
 * console.log(new TextDecoder().decode(opened)); // 'secret note'
 * ```
 */
export function sealEnvelope(
  plaintext: Uint8Array,
  key: DataKey,
  context: EnvelopeContext,
): Uint8Array {
  checkKey(key);
  checkContext(context);
  const algorithm = algorithms[key.algorithm];
  const header = headerBytes(algorithm, key.id);
  const nonce = randomBytes(algorithm.nonceBytes);
  const sealed = algorithm.seal(key.material, nonce, plaintext, additionalData(header, context));
  const out = new Uint8Array(header.length + nonce.length + sealed.length);
  out.set(header, 0);
  out.set(nonce, header.length);
  out.set(sealed, header.length + nonce.length);
  return out;
}

interface ParsedEnvelope extends EnvelopeHeader {
  readonly header: Uint8Array;
  readonly nonce: Uint8Array;
  readonly sealed: Uint8Array;
}

function parse(envelope: Uint8Array): ParsedEnvelope {
  if (!(envelope instanceof Uint8Array) || envelope.length < 3) {
    throw invalid('The value is too short to be an envelope.');
  }
  if (envelope[0] !== FORMAT_VERSION) {
    throw invalid(`The envelope's format version ${envelope[0]} is not supported.`, {
      version: envelope[0],
    });
  }
  const algorithm = byCode.get(envelope[1]!);
  if (algorithm === undefined) {
    throw invalid(`The envelope names algorithm ${envelope[1]}, which is not allowed.`, {
      algorithmCode: envelope[1],
      allowed: envelopeAlgorithms,
    });
  }
  const idLength = envelope[2]!;
  const spec = algorithms[algorithm];
  const headerLength = 3 + idLength;
  if (idLength === 0 || envelope.length < headerLength + spec.nonceBytes + TAG_BYTES) {
    throw invalid('The envelope is cut short: its key id, nonce or 16-byte tag is incomplete.', {
      algorithm,
      length: envelope.length,
    });
  }
  const keyId = new TextDecoder('utf-8', { fatal: false }).decode(
    envelope.subarray(3, headerLength),
  );
  if (!KEY_ID.test(keyId)) throw invalid('The envelope names a malformed key id.', { algorithm });
  return {
    version: FORMAT_VERSION,
    algorithm,
    keyId,
    header: envelope.subarray(0, headerLength),
    nonce: envelope.subarray(headerLength, headerLength + spec.nonceBytes),
    sealed: envelope.subarray(headerLength + spec.nonceBytes),
  };
}

/**
 * Reads an envelope's header without decrypting it.
 *
 * @throws AgentryError `envelope_invalid` when the value is not a well-formed envelope
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { readEnvelopeHeader, sealEnvelope } from '@agentry/security';
 *
 * const key = { id: 'k1', algorithm: 'AES-256-GCM' as const, material: randomBytes(32) };
 * console.log(readEnvelopeHeader(sealEnvelope(new Uint8Array([1]), key, { key: 'x' })).algorithm);
 * ```
 */
export function readEnvelopeHeader(envelope: Uint8Array): EnvelopeHeader {
  const { version, algorithm, keyId } = parse(envelope);
  return { version, algorithm, keyId };
}

/**
 * Decrypts an envelope sealed by {@link sealEnvelope}, with the key `keyFor` returns for the
 * envelope's key id, and the same `context` it was sealed with. Nothing is returned unless the
 * tag verifies over the header, the context and the ciphertext.
 *
 * @throws AgentryError `envelope_invalid` for a malformed envelope, a disallowed algorithm, a
 *   truncated tag, or a key for another algorithm than the envelope names (a downgrade);
 *   `decryption_failed` when the tag does not verify (any altered bit, another record's or tenant's
 *   envelope, the wrong key); whatever `keyFor` throws (`key_not_found`, `key_retired`)
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { openEnvelope, sealEnvelope } from '@agentry/security';
 *
 * const key = { id: 'k1', algorithm: 'AES-256-GCM' as const, material: randomBytes(32) };
 * const sealed = sealEnvelope(new TextEncoder().encode('x'), key, { key: 'a' });
 * try {
 *   openEnvelope(sealed, () => key, { key: 'b' }); // another record: refused
 * } catch (error) {
 *   console.log((error as { code: string }).code); // 'decryption_failed'
 * }
 * ```
 */
export function openEnvelope(
  envelope: Uint8Array,
  keyFor: (keyId: string, header: EnvelopeHeader) => DataKey,
  context: EnvelopeContext,
): Uint8Array {
  checkContext(context);
  const parsed = parse(envelope);
  const key = keyFor(parsed.keyId, parsed);
  checkKey(key);
  if (key.algorithm !== parsed.algorithm || key.id !== parsed.keyId) {
    throw invalid(
      `The envelope names ${parsed.algorithm} under key "${parsed.keyId}", but the key given is for ${key.algorithm}; refused.`,
      { algorithm: parsed.algorithm, keyId: parsed.keyId },
    );
  }
  try {
    return algorithms[parsed.algorithm].open(
      key.material,
      parsed.nonce,
      parsed.sealed,
      additionalData(parsed.header, context),
    );
  } catch (error) {
    throw new AgentryError({
      code: 'decryption_failed',
      message: `The value under "${context.key}" failed authentication: it was altered, or it was sealed for another record, field or tenant.`,
      details: { key: context.key, keyId: parsed.keyId, algorithm: parsed.algorithm },
      suggestions: [
        'Restore the record from a backup.',
        'Check that the tenant, key, field and schema version match those it was written with.',
      ],
      cause: error,
    });
  }
}
