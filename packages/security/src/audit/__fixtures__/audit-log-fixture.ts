import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { createCheckpointSigner } from '../checkpoint-signer.js';

/** A fixed Ed25519 key from its 32-byte seed (hex), so a child process signs as its parent. */
export function signerFromSeed(seedHex: string, name = 'example.com/audit') {
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(seedHex, 'hex'),
  ]);
  return createCheckpointSigner({
    name,
    privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
  });
}

/** A signer with a fresh key. */
export const freshSigner = (name = 'example.com/audit') =>
  createCheckpointSigner({ name, privateKey: generateKeyPairSync('ed25519').privateKey });

/** A temporary directory for SQLite files, removed by `remove()`. */
export function temporaryDirectory() {
  const path = mkdtempSync(join(tmpdir(), 'agentry-audit-'));
  const stores: StateStore[] = [];
  return {
    path,
    store(file = 'audit.db'): StateStore {
      const store = createSqliteStore({ path: join(path, file) });
      stores.push(store);
      return store;
    },
    async remove() {
      await Promise.allSettled(stores.map((store) => store.close()));
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** An entry with a number in it. */
export const entry = (n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date(Date.UTC(2026, 11, 7, 12, 0, 0, n)).toISOString(),
  category: 'security',
  action: 'tool.call',
  actor: `user-${n % 7}`,
  outcome: 'allowed',
  details: { n, tool: 'search' },
  ...extra,
});
