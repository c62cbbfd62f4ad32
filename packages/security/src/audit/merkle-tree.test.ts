import { describe, expect, it } from 'vitest';
import {
  emptyTreeRoot,
  inclusionPath,
  leafHash,
  merkleRoot,
  MerkleFrontier,
  rootFromInclusionPath,
} from './merkle-tree.js';

// The Certificate Transparency test vectors for RFC 6962 trees.
const leaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => leafHash(Buffer.from(hex, 'hex')));
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hex = (buffers: readonly Buffer[]) => buffers.map((buffer) => buffer.toString('hex'));

describe('RFC 6962 Merkle tree', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(emptyTreeRoot.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('gives the published roots for 1 to 8 leaves, recursively and from the compact range', () => {
    const frontier = new MerkleFrontier();
    for (let size = 1; size <= 8; size += 1) {
      expect(merkleRoot(leaves.slice(0, size)).toString('hex')).toBe(roots[size - 1]);
      frontier.append(leaves[size - 1]!);
      expect(frontier.root().toString('hex')).toBe(roots[size - 1]);
      // A frontier rebuilt from its stored nodes continues the same tree.
      const restored = new MerkleFrontier(frontier.size, frontier.nodes);
      expect(restored.root().toString('hex')).toBe(roots[size - 1]);
    }
  });

  it('gives the published audit paths', () => {
    expect(hex(inclusionPath(leaves, 0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionPath(leaves, 5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('verifies every path of every tree up to 40 leaves, and refuses a wrong leaf or size', () => {
    const many = Array.from({ length: 40 }, (_, index) => leafHash(Buffer.from([index])));
    for (let size = 1; size <= many.length; size += 1) {
      const root = merkleRoot(many.slice(0, size));
      for (let index = 0; index < size; index += 1) {
        const path = inclusionPath(many, index, size);
        expect(rootFromInclusionPath(index, size, many[index]!, path)?.equals(root)).toBe(true);
        if (size > 1) {
          const other = many[(index + 1) % size]!;
          expect(rootFromInclusionPath(index, size, other, path)?.equals(root) ?? false).toBe(
            false,
          );
        }
      }
    }
    expect(rootFromInclusionPath(3, 3, many[0]!, [])).toBeUndefined();
    expect(
      rootFromInclusionPath(0, 8, many[0]!, inclusionPath(many, 0, 8).slice(1)),
    ).toBeUndefined();
  });
});
