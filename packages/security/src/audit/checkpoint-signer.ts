import {
  createHash,
  createPublicKey,
  sign as signBytes,
  verify as verifyBytes,
  type KeyObject,
} from 'node:crypto';
import { AgentryError } from '@agentry/core';

/** The C2SP signed-note signature type of Ed25519. */
const ED25519 = 0x01;
const encoder = new TextEncoder();

/**
 * Signs checkpoints: a C2SP signed-note key (a name and an Ed25519 private key). Build one with
 * {@link createCheckpointSigner}.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * import { createCheckpointSigner, type CheckpointSigner } from '@agentry/security';
 *
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const signer: CheckpointSigner = createCheckpointSigner({ name: 'example.com/audit', privateKey });
 * console.log(signer.verifierKey); // example.com/audit+<8 hex>+<base64>
 * ```
 */
export interface CheckpointSigner {
  /** The key name, written in every signature line. */
  readonly name: string;
  /** The 4-byte key id: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian. */
  readonly keyId: number;
  /** The public half, as the verifier key string `<name>+<hex key id>+<base64(0x01 ‖ key)>`. */
  readonly verifierKey: string;
  /** Signs a note text (ending in a newline) and returns the whole signed note. */
  signNote(text: string): string;
}

/**
 * Checks checkpoint signatures: a key name and an Ed25519 public key. Build one with
 * {@link checkpointVerifier}.
 *
 * @example
 * ```ts
 * import { checkpointVerifier, type CheckpointVerifier } from '@agentry/security';
 *
 * declare const verifierKey: string; // published by the log's operator
 * const verifier: CheckpointVerifier = checkpointVerifier(verifierKey);
 * console.log(verifier.name);
 * ```
 */
export interface CheckpointVerifier {
  /** The key name signatures must carry. */
  readonly name: string;
  /** The 4-byte key id signatures must carry. */
  readonly keyId: number;
  /** The verifier key string `<name>+<hex key id>+<base64(0x01 ‖ key)>`. */
  readonly verifierKey: string;
  /** Whether `signature` (64 bytes) is this key's Ed25519 signature of `text`. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

function keyError(message: string, suggestion: string): AgentryError {
  return new AgentryError({
    code: 'key_invalid',
    message,
    suggestions: [suggestion],
  });
}

function checkName(name: unknown): string {
  // C2SP signed-note: non-empty, no Unicode spaces, no plus; control characters are not allowed
  // anywhere in a note.
  if (typeof name !== 'string' || name === '' || /[\s+\p{Cc}]/u.test(name))
    throw keyError(
      `The key name ${JSON.stringify(String(name)).slice(0, 80)} is not valid: it must be non-empty, without spaces, plus signs or control characters.`,
      'Name the key like a schema-less URL, such as `example.com/audit`.',
    );
  return name;
}

function keyIdOf(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(encoder.encode(name))
    .update(Buffer.from([0x0a, ED25519]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(String(jwk.x), 'base64url');
}

function verifierKeyString(name: string, keyId: number, publicKey: Uint8Array): string {
  const data = Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64');
  return `${name}+${keyId.toString(16).padStart(8, '0')}+${data}`;
}

/**
 * Creates a checkpoint signer from a key name and an Ed25519 private key (a `KeyObject`, as
 * `generateKeyPairSync('ed25519')` or `createPrivateKey` gives). Signatures follow C2SP
 * signed-note: `— <name> base64(key id ‖ signature)`.
 *
 * @throws AgentryError `key_invalid` when the name has spaces, `+` or control characters, or the
 *   key is not an Ed25519 private key
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * import { createCheckpointSigner } from '@agentry/security';
 *
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const signer = createCheckpointSigner({ name: 'example.com/audit', privateKey });
 * console.log(signer.signNote('hello\n'));
 * ```
 */
export function createCheckpointSigner(options: {
  /** The key name; C2SP recommends the log's origin, a schema-less URL. */
  name: string;
  /** The Ed25519 private key. */
  privateKey: KeyObject;
}): CheckpointSigner {
  const name = checkName(options.name);
  const { privateKey } = options;
  if (privateKey?.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519')
    throw keyError(
      'A checkpoint signer needs an Ed25519 private key.',
      "Generate one with generateKeyPairSync('ed25519') and keep it outside the log's store.",
    );
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const keyId = keyIdOf(name, publicKey);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(keyId, 0);
  return {
    name,
    keyId,
    verifierKey: verifierKeyString(name, keyId, publicKey),
    signNote(text) {
      checkNoteText(text);
      const signature = signBytes(null, encoder.encode(text), privateKey);
      return `${text}\n— ${name} ${Buffer.concat([prefix, signature]).toString('base64')}\n`;
    },
  };
}

function fromVerifierKey(verifierKey: string): CheckpointVerifier {
  const invalid = (why: string) =>
    keyError(
      `The verifier key is not valid: ${why}.`,
      'Pass the verifier key as the log prints it: <name>+<8 hex digits>+<base64>.',
    );
  const first = verifierKey.indexOf('+');
  const second = verifierKey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw invalid('it is not <name>+<key id>+<key>');
  const name = checkName(verifierKey.slice(0, first));
  const hash = verifierKey.slice(first + 1, second);
  if (!/^[0-9a-fA-F]{8}$/.test(hash)) throw invalid('the key id is not 8 hex digits');
  const data = Buffer.from(verifierKey.slice(second + 1), 'base64');
  if (data.length !== 33 || data[0] !== ED25519)
    throw invalid('the key is not 0x01 followed by a 32-byte Ed25519 public key');
  const verifier = checkpointVerifier({ name, publicKey: data.subarray(1) });
  if (verifier.keyId !== Number.parseInt(hash, 16))
    throw invalid('the key id does not match the name and key');
  return verifier;
}

/**
 * Creates a checkpoint verifier from a verifier key string (`<name>+<hex key id>+<base64(0x01 ‖
 * public key)>`, as {@link CheckpointSigner.verifierKey} prints it and Go's `sumdb/note` reads
 * it), or from a name and an Ed25519 public key (a `KeyObject` or its 32 raw bytes).
 *
 * @throws AgentryError `key_invalid` for a malformed key string, a key id that does not match, or
 *   a key that is not an Ed25519 public key
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * import { checkpointVerifier } from '@agentry/security';
 *
 * const { publicKey } = generateKeyPairSync('ed25519');
 * const verifier = checkpointVerifier({ name: 'example.com/audit', publicKey });
 * console.log(checkpointVerifier(verifier.verifierKey).keyId === verifier.keyId); // true
 * ```
 */
export function checkpointVerifier(
  key: string | { name: string; publicKey: KeyObject | Uint8Array },
): CheckpointVerifier {
  if (typeof key === 'string') return fromVerifierKey(key.trim());
  const name = checkName(key.name);
  let publicKey: KeyObject;
  let raw: Buffer;
  if (key.publicKey instanceof Uint8Array) {
    if (key.publicKey.length !== 32)
      throw keyError(
        'An Ed25519 public key has 32 bytes.',
        'Pass the 32 raw bytes or a KeyObject.',
      );
    raw = Buffer.from(key.publicKey);
    publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
      format: 'jwk',
    });
  } else {
    publicKey = key.publicKey;
    if (publicKey?.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519')
      throw keyError(
        'A checkpoint verifier needs an Ed25519 public key.',
        "Pass the public half of the signer's key pair.",
      );
    raw = rawPublicKey(publicKey);
  }
  const keyId = keyIdOf(name, raw);
  return {
    name,
    keyId,
    verifierKey: verifierKeyString(name, keyId, raw),
    verify: (text, signature) =>
      signature.length === 64 && verifyBytes(null, text, publicKey, signature),
  };
}

function checkNoteText(text: string): void {
  // eslint-disable-next-line no-control-regex -- the rule is about control characters
  if (!text.endsWith('\n') || /[\u0000-\u0009\u000b-\u001f]/.test(text))
    throw new AgentryError({
      code: 'validation_failed',
      message: 'A note text must end with a newline and hold no control characters but newlines.',
      suggestions: ['Build checkpoint texts with the audit log; do not sign arbitrary text.'],
    });
}

/**
 * Opens a signed note: returns its text when it carries a valid signature of `verifier`'s key
 * (name and key id), or the reason it does not. Signatures of other keys are ignored; a failing
 * signature of the key rejects the note, as C2SP signed-note asks.
 *
 * @internal
 */
export function openNote(
  note: string,
  verifier: CheckpointVerifier,
): { ok: true; text: string } | { ok: false; reason: string } {
  if (note.length > 1_000_000) return { ok: false, reason: 'the note is too long' };
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    return { ok: false, reason: 'it is not a signed note (no blank line before signatures)' };
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let verified = false;
  for (const line of lines) {
    const match = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (match === null) return { ok: false, reason: 'a signature line is malformed' };
    if (match[1] !== verifier.name) continue;
    const bytes = Buffer.from(match[2]!, 'base64');
    if (bytes.length < 4 || bytes.readUInt32BE(0) !== verifier.keyId) continue;
    if (!verifier.verify(encoder.encode(text), bytes.subarray(4)))
      return { ok: false, reason: `the signature of ${verifier.name} does not verify` };
    verified = true;
  }
  return verified
    ? { ok: true, text }
    : { ok: false, reason: `it carries no signature of ${verifier.name}'s key` };
}
