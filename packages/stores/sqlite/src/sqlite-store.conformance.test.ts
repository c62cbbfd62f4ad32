import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateStore } from '@agentry/core';
import { describeStateStoreConformance, type CorruptEntry } from '@agentry/testing/vitest';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { createSqliteStore } from './create-sqlite-store.js';

const directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-conformance-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const files = new WeakMap<StateStore, string>();
let count = 0;
function openFile(synchronous: 'full' | 'normal'): StateStore {
  const path = join(directory, `store-${(count += 1)}.db`);
  const store = createSqliteStore({ path, synchronous });
  files.set(store, path);
  return store;
}

/** Changes the data column's bytes through a second connection, as an outside program would. */
const corrupt: CorruptEntry = (store, key, change) => {
  const path = files.get(store);
  if (path === undefined) throw new Error('The store was not opened by this test file.');
  const raw = new Database(path);
  try {
    const bytes = raw
      .prepare<[string], Buffer>('SELECT CAST(data AS BLOB) FROM agentry_entries WHERE key = ?')
      .pluck()
      .get(key);
    if (bytes === undefined) throw new Error(`No entry ${key} to corrupt.`);
    const changed = change(new Uint8Array(bytes));
    raw
      .prepare('UPDATE agentry_entries SET data = CAST(? AS TEXT) WHERE key = ?')
      .run(Buffer.from(changed), key);
  } finally {
    raw.close();
  }
};

describeStateStoreConformance('createSqliteStore (file)', () => openFile('full'), {
  integrity: { corrupt },
});

describeStateStoreConformance(
  "createSqliteStore (file, synchronous: 'normal')",
  () => openFile('normal'),
  { integrity: { corrupt } },
);

describeStateStoreConformance(
  'createSqliteStore (:memory:)',
  () => createSqliteStore({ path: ':memory:' }),
  {
    // The same code as a file, whose detection the blocks above check; a private in-memory
    // database cannot be opened by a second connection to damage it.
    integrity: {
      guarantee:
        'a private in-memory database is reachable only through this store; the same checksum as a file store guards it',
    },
  },
);
