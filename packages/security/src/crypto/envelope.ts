import { createCipheriv, createDecipheriv, randomFillSync, type CipherGCMTypes } from 'node:crypto';
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
  /** Returns the ciphertext followed by the 16-byte tag. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /**
   * Writes the ciphertext and tag into `out` at `at` (`plaintext.length + 16` bytes), so an
   * envelope is built in one allocation; `seal` is this into a fresh array.
   */
  sealInto(
    out: Uint8Array,
    at: number,
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): void;
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
      const out = new Uint8Array(plaintext.length + TAG_BYTES);
      this.sealInto(out, 0, key, nonce, plaintext, aad);
      return out;
    },
    sealInto(out, at, key, nonce, plaintext, aad) {
      const cipher = createCipheriv(name, key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad, { plaintextLength: plaintext.length });
      const head = cipher.update(plaintext);
      out.set(head, at);
      // Both are stream ciphers: `final` yields no bytes, but it must run before the tag.
      const tail = cipher.final();
      out.set(tail, at + head.length);
      out.set(cipher.getAuthTag(), at + head.length + tail.length);
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
    sealInto(out, at, key, nonce, plaintext, aad) {
      out.set(xchacha20poly1305(key, nonce, aad).encrypt(plaintext), at);
    },
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

/**
 * Random bytes for nonces, drawn from the CSPRNG 4 KiB at a time: one `randomFillSync` per ~340
 * AES-GCM nonces instead of one per seal, which took about 15% of a 1 KiB seal and open
 * (`bench/encryption.bench.ts`). Invariant: every byte of the pool is handed out at most once
 * (`noncePoolAt` only moves forward until a refill overwrites the whole pool), so nonces are as
 * random and unrepeated as with a call per seal. Nonces are public, so holding the next ones in
 * memory exposes nothing.
 */
const noncePool = Buffer.allocUnsafeSlow(4096);
let noncePoolAt = noncePool.length;

function takeNonce(into: Uint8Array): void {
  if (noncePoolAt + into.length > noncePool.length) {
    randomFillSync(noncePool);
    noncePoolAt = 0;
  }
  into.set(noncePool.subarray(noncePoolAt, noncePoolAt + into.length));
  noncePoolAt += into.length;
}

/**
 * What sealing and opening need from a key, computed once per `DataKey` object: the cipher and
 * the header bytes. Invariant: an entry exists only for a key whose id and algorithm passed
 * {@link checkKey}, and it is used only while the key still has that id and algorithm (checked on
 * every use, with the material's length), so a mutated key is checked again, never trusted.
 * Saves the id check, the header encoding and an allocation per call (`bench/encryption.bench.ts`).
 */
interface PreparedKey {
  readonly id: string;
  readonly algorithm: EnvelopeAlgorithm;
  readonly spec: AlgorithmSpec;
  readonly header: Uint8Array;
}

const prepared = new WeakMap<DataKey, PreparedKey>();

function prepare(key: DataKey): PreparedKey {
  const cached = prepared.get(key);
  if (
    cached !== undefined &&
    cached.id === key.id &&
    cached.algorithm === key.algorithm &&
    key.material instanceof Uint8Array &&
    key.material.length === KEY_BYTES
  ) {
    return cached;
  }
  checkKey(key);
  const spec = algorithms[key.algorithm];
  const entry = {
    id: key.id,
    algorithm: key.algorithm,
    spec,
    header: headerBytes(spec, key.id),
  };
  prepared.set(key, entry);
  return entry;
}

function headerBytes(algorithm: AlgorithmSpec, keyId: string): Uint8Array {
  // Key ids are ASCII (checked by KEY_ID), one byte a character.
  const header = new Uint8Array(3 + keyId.length);
  header[0] = FORMAT_VERSION;
  header[1] = algorithm.code;
  header[2] = keyId.length;
  for (let index = 0; index < keyId.length; index += 1) header[3 + index] = keyId.charCodeAt(index);
  return header;
}

/**
 * The additional authenticated data: the envelope's header (so the version, algorithm and key id
 * cannot be swapped) followed by the context, each field length-prefixed (32-bit big-endian byte
 * length, then UTF-8) so no two contexts encode alike (`a:b` + `c` never equals `a` + `b:c`).
 * Built in one allocation: the lengths are measured first, then each field is written in place.
 */
function additionalData(header: Uint8Array, context: EnvelopeContext): Uint8Array {
  const tenant = context.tenant ?? '';
  const key = context.key;
  const field = context.field ?? '';
  const schemaVersion = context.schemaVersion ?? '';
  const lengths = [
    Buffer.byteLength(tenant, 'utf8'),
    Buffer.byteLength(key, 'utf8'),
    Buffer.byteLength(field, 'utf8'),
    Buffer.byteLength(schemaVersion, 'utf8'),
  ] as const;
  // Every byte is written below, so the unzeroed (pooled) allocation never leaks old memory.
  const aad = Buffer.allocUnsafe(
    header.length + 16 + lengths[0] + lengths[1] + lengths[2] + lengths[3],
  );
  aad.set(header, 0);
  let at = header.length;
  at = aad.writeUInt32BE(lengths[0], at);
  at += aad.write(tenant, at, 'utf8');
  at = aad.writeUInt32BE(lengths[1], at);
  at += aad.write(key, at, 'utf8');
  at = aad.writeUInt32BE(lengths[2], at);
  at += aad.write(field, at, 'utf8');
  at = aad.writeUInt32BE(lengths[3], at);
  aad.write(schemaVersion, at, 'utf8');
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
  const { spec, header } = prepare(key);
  checkContext(context);
  // One allocation: header, then a fresh random nonce written in place, then ciphertext and tag.
  const out = new Uint8Array(header.length + spec.nonceBytes + plaintext.length + TAG_BYTES);
  out.set(header, 0);
  const nonce = out.subarray(header.length, header.length + spec.nonceBytes);
  takeNonce(nonce);
  spec.sealInto(
    out,
    header.length + spec.nonceBytes,
    key.material,
    nonce,
    plaintext,
    additionalData(header, context),
  );
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
  // Read as one character a byte: any byte above 0x7f gives a character KEY_ID refuses.
  const keyId = Buffer.from(envelope.buffer, envelope.byteOffset + 3, idLength).toString('latin1');
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
  prepare(key);
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
