import { canonicalBytes, recordLeaf, type StoredAuditRecord } from './audit-record.js';
import type { AuditCheckpoint } from './checkpoint.js';
import { rootFromInclusionPath } from './merkle-tree.js';

/**
 * Proof that an entry is in a log: the RFC 6962 §2.1.1 audit path from the entry's leaf to the
 * root of a signed checkpoint. Anyone holding the checkpoint (verified with the log's public key)
 * can check it with {@link verifyInclusion}, without the rest of the log.
 *
 * @example
 * ```ts
 * import type { InclusionProof } from '@agentry/security';
 *
 * declare const proof: InclusionProof;
 * console.log(`entry ${proof.index} of ${proof.treeSize}: ${proof.path.length} hashes`);
 * ```
 */
export interface InclusionProof {
  /** The entry's index. */
  readonly index: number;
  /** The size of the tree the path leads to (the checkpoint's size). */
  readonly treeSize: number;
  /** The sibling hashes from the leaf up, base64. */
  readonly path: readonly string[];
  /** The entry as stored (sealed fields sealed), whose canonical form is the leaf. */
  readonly record: StoredAuditRecord;
  /** The signed checkpoint of size `treeSize`. */
  readonly checkpoint: AuditCheckpoint;
}

/**
 * Checks an inclusion proof: that `leaf` (the stored record, or its canonical JSON text) is entry
 * `proof.index` of the tree whose root `checkpoint` signs. Open the checkpoint with
 * `openCheckpoint` first: this trusts its root hash.
 *
 * @returns `true` when the path leads from the leaf to the checkpoint's root, `false` otherwise
 *   (another entry, another tree, a malformed path); it never throws on hostile input
 *
 * @example
 * ```ts
 * import { checkpointVerifier, openCheckpoint, verifyInclusion, type InclusionProof } from '@agentry/security';
 *
 * declare const proof: InclusionProof;
 * declare const verifierKey: string;
 * const checkpoint = openCheckpoint(proof.checkpoint.note, checkpointVerifier(verifierKey));
 * console.log(verifyInclusion(proof, proof.record, checkpoint)); // true
 * ```
 */
export function verifyInclusion(
  proof: Pick<InclusionProof, 'index' | 'treeSize' | 'path'>,
  leaf: StoredAuditRecord | string,
  checkpoint: Pick<AuditCheckpoint, 'size' | 'rootHash'>,
): boolean {
  try {
    if (proof.treeSize !== checkpoint.size) return false;
    const canonical = typeof leaf === 'string' ? Buffer.from(leaf, 'utf8') : canonicalBytes(leaf);
    if (typeof leaf !== 'string' && leaf.index !== proof.index) return false;
    const path = proof.path.map((hash) => Buffer.from(hash, 'base64'));
    if (path.some((hash) => hash.length !== 32)) return false;
    const root = rootFromInclusionPath(proof.index, proof.treeSize, recordLeaf(canonical), path);
    return root !== undefined && root.toString('base64') === checkpoint.rootHash;
  } catch {
    return false;
  }
}
