import { AgentryError } from '@agentry/core';
import { openNote, type CheckpointSigner, type CheckpointVerifier } from './checkpoint-signer.js';

/**
 * A signed tree head of an audit log, in the C2SP tlog-checkpoint format: the note text is the
 * origin, the tree size and the base64 RFC 6962 root hash, one per line, followed by a blank line
 * and the signature lines.
 *
 * @example
 * ```ts
 * import type { AuditCheckpoint } from '@agentry/security';
 *
 * declare const checkpoint: AuditCheckpoint;
 * // Publish the note somewhere the log's operator cannot rewrite; it pins the first `size` entries.
 * console.log(checkpoint.size, checkpoint.rootHash);
 * ```
 */
export interface AuditCheckpoint {
  /** The log's identity, the note's first line. */
  readonly origin: string;
  /** How many entries the tree holds. */
  readonly size: number;
  /** The RFC 6962 root hash of entries `[0, size)`, base64. */
  readonly rootHash: string;
  /** The whole signed note. */
  readonly note: string;
}

/** @internal Builds and signs the checkpoint of a tree. */
export function signCheckpoint(
  signer: CheckpointSigner,
  origin: string,
  size: number,
  root: Uint8Array,
): AuditCheckpoint {
  const rootHash = Buffer.from(root).toString('base64');
  const note = signer.signNote(`${origin}\n${size}\n${rootHash}\n`);
  return { origin, size, rootHash, note };
}

/**
 * Checks a checkpoint's signature with `verifier` and reads it. A checkpoint proves nothing until
 * this succeeds.
 *
 * @returns the checkpoint, or `{ ok: false, reason }` naming why it was refused
 * @internal
 */
export function readCheckpoint(
  note: string,
  verifier: CheckpointVerifier,
): { ok: true; checkpoint: AuditCheckpoint } | { ok: false; reason: string } {
  if (typeof note !== 'string') return { ok: false, reason: 'it is not text' };
  const opened = openNote(note, verifier);
  if (!opened.ok) return opened;
  const [origin = '', size = '', rootHash = ''] = opened.text.split('\n');
  if (origin === '' || !/^(0|[1-9][0-9]{0,15})$/.test(size))
    return { ok: false, reason: 'its text is not origin, tree size and root hash' };
  if (Buffer.from(rootHash, 'base64').length !== 32 || !/^[A-Za-z0-9+/]{43}=$/.test(rootHash))
    return { ok: false, reason: 'its root hash is not 32 bytes of base64' };
  return { ok: true, checkpoint: { origin, size: Number(size), rootHash, note } };
}

/**
 * Checks a checkpoint's signature and reads it: what a third party does with a checkpoint the log
 * published, before trusting its size and root hash (for {@link verifyInclusion}).
 *
 * @throws AgentryError `audit_tampered` when the note is malformed or carries no valid signature
 *   of the verifier's key (`details.problem` is `bad-signature`)
 *
 * @example
 * ```ts
 * import { checkpointVerifier, openCheckpoint } from '@agentry/security';
 *
 * declare const note: string;
 * declare const verifierKey: string;
 * const checkpoint = openCheckpoint(note, checkpointVerifier(verifierKey));
 * console.log(`${checkpoint.origin} holds ${checkpoint.size} entries`);
 * ```
 */
export function openCheckpoint(note: string, verifier: CheckpointVerifier): AuditCheckpoint {
  const read = readCheckpoint(note, verifier);
  if (read.ok) return read.checkpoint;
  throw new AgentryError({
    code: 'audit_tampered',
    message: `The checkpoint was refused: ${read.reason}.`,
    details: { problem: 'bad-signature', key: verifier.name },
    suggestions: ["Check that the verifier key is the log's, then treat the checkpoint as forged."],
  });
}
