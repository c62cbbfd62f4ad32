import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateStore } from '@agentry/core';
import { describeStateStoreConformance, type CorruptEntry } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { openRaw, testedDrivers } from './__fixtures__/drivers.js';
import { createSqliteStore } from './create-sqlite-store.js';
import type { SqliteDriverName } from './drivers/sqlite-connection.js';

const directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-conformance-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The file and driver of each store a test opened. */
const files = new WeakMap<StateStore, { path: string; driver: SqliteDriverName }>();
let count = 0;
function openFile(driver: SqliteDriverName, synchronous: 'full' | 'normal'): StateStore {
  const path = join(directory, `store-${(count += 1)}.db`);
  const store = createSqliteStore({ path, synchronous, driver });
  files.set(store, { path, driver });
  return store;
}

/** Changes the data column's bytes through a second connection, as an outside program would. */
const corrupt: CorruptEntry = (store, key, change) => {
  const opened = files.get(store);
  if (opened === undefined) throw new Error('The store was not opened by this test file.');
  const raw = openRaw(opened.path, opened.driver);
  try {
    const row = raw
      .prepare<[string], { bytes: Uint8Array }>(
        'SELECT CAST(data AS BLOB) AS bytes FROM agentry_entries WHERE key = ?',
      )
      .get(key);
    if (row === undefined) throw new Error(`No entry ${key} to corrupt.`);
    const changed = change(new Uint8Array(row.bytes));
    raw
      .prepare('UPDATE agentry_entries SET data = CAST(? AS TEXT) WHERE key = ?')
      .run(Buffer.from(changed), key);
  } finally {
    raw.close();
  }
};

for (const driver of testedDrivers) {
  describeStateStoreConformance(
    `createSqliteStore (file, ${driver})`,
    () => openFile(driver, 'full'),
    {
      integrity: { corrupt },
    },
  );

  describeStateStoreConformance(
    `createSqliteStore (file, synchronous: 'normal', ${driver})`,
    () => openFile(driver, 'normal'),
    { integrity: { corrupt } },
  );

  describeStateStoreConformance(
    `createSqliteStore (:memory:, ${driver})`,
    () => createSqliteStore({ path: ':memory:', driver }),
    {
      // The same code as a file, whose detection the blocks above check; a private in-memory
      // database cannot be opened by a second connection to damage it.
      integrity: {
        guarantee:
          'a private in-memory database is reachable only through this store; the same checksum as a file store guards it',
      },
    },
  );
}
