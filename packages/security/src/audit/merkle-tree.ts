import { createHash, hash } from 'node:crypto';

/**
 * RFC 6962 §2.1 Merkle tree hashing, as Certificate Transparency and C2SP checkpoints use it:
 * a leaf is SHA-256(0x00 ‖ data), an interior node SHA-256(0x01 ‖ left ‖ right), a tree of n
 * leaves splits at the largest power of two smaller than n, and the empty tree is SHA-256("").
 */

const leafPrefix = Buffer.from([0]);
const nodePrefix = Buffer.from([1]);

/** @internal SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([leafPrefix, data]), 'buffer');
}

/** @internal SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([nodePrefix, left, right]), 'buffer');
}

/** @internal The root of the empty tree, SHA-256 of nothing. */
export const emptyTreeRoot: Buffer = createHash('sha256').digest();

/** The largest power of two strictly smaller than `n` (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The Merkle tree hash of `leaves[start, end)` (leaf hashes), RFC 6962 MTH.
 *
 * @internal
 */
export function merkleRoot(leaves: readonly Uint8Array[], start = 0, end = leaves.length): Buffer {
  const n = end - start;
  if (n === 0) return emptyTreeRoot;
  if (n === 1) return Buffer.from(leaves[start]!);
  const k = splitPoint(n);
  return nodeHash(merkleRoot(leaves, start, start + k), merkleRoot(leaves, start + k, end));
}

/**
 * The audit path of leaf `index` in the tree of `leaves[0, size)`, RFC 6962 §2.1.1 PATH(m, D[n]):
 * the sibling hashes from the leaf up to the root.
 *
 * @internal
 */
export function inclusionPath(
  leaves: readonly Uint8Array[],
  index: number,
  size: number,
  start = 0,
): Buffer[] {
  if (size <= 1) return [];
  const k = splitPoint(size);
  if (index < k)
    return [...inclusionPath(leaves, index, k, start), merkleRoot(leaves, start + k, start + size)];
  return [
    ...inclusionPath(leaves, index - k, size - k, start + k),
    merkleRoot(leaves, start, start + k),
  ];
}

/**
 * The root an audit path leads to from a leaf hash (RFC 9162 §2.1.3.2), or `undefined` when the
 * path has the wrong length for `index` and `size`. Arithmetic avoids 32-bit bit operations so
 * trees past 2³² leaves work.
 *
 * @internal
 */
export function rootFromInclusionPath(
  index: number,
  size: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size)
    return undefined;
  let fn = index;
  let sn = size - 1;
  let root: Buffer = Buffer.from(leaf);
  for (const sibling of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      root = nodeHash(sibling, root);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      root = nodeHash(root, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? root : undefined;
}

/**
 * A Merkle tree kept as its compact range: the roots of its perfect subtrees, largest (leftmost)
 * first, one per set bit of `size`. Appending a leaf merges equal-sized subtrees like a binary
 * carry, and the root folds them right to left, which is RFC 6962's MTH. It is what the head
 * record stores, so that any process can extend the tree without reading every entry.
 *
 * @internal
 */
export class MerkleFrontier {
  #size: number;
  readonly #nodes: Buffer[];

  constructor(size = 0, nodes: readonly Uint8Array[] = []) {
    this.#size = size;
    this.#nodes = nodes.map((node) => Buffer.from(node));
  }

  get size(): number {
    return this.#size;
  }

  /** The subtree roots, for storing. */
  get nodes(): readonly Buffer[] {
    return this.#nodes;
  }

  append(leaf: Uint8Array): void {
    let node: Buffer = Buffer.from(leaf);
    // Each trailing one bit of the old size is a subtree of the new leaf's height to merge with.
    for (let size = this.#size; size % 2 === 1; size = Math.floor(size / 2))
      node = nodeHash(this.#nodes.pop()!, node);
    this.#nodes.push(node);
    this.#size += 1;
  }

  root(): Buffer {
    if (this.#nodes.length === 0) return emptyTreeRoot;
    let root = this.#nodes[this.#nodes.length - 1]!;
    for (let index = this.#nodes.length - 2; index >= 0; index -= 1)
      root = nodeHash(this.#nodes[index]!, root);
    return root;
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.#size, this.#nodes);
  }
}
