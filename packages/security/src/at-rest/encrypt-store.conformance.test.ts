import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { describeStateStoreConformance } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { changeRawData } from './__fixtures__/raw-sqlite.js';
import { createTestSealer } from './__fixtures__/sealer.js';
import { encryptingStoreWrapper, encryptStore } from './encrypt-store.js';

const directory = mkdtempSync(join(tmpdir(), 'agentry-encrypted-conformance-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const sealer = createTestSealer();

describeStateStoreConformance(
  'encryptStore(createMemoryStore())',
  () => encryptStore(createMemoryStore(), { sealer, tenant: 'acme' }),
  {
    integrity: {
      guarantee:
        'entries live in this process only; an envelope altered in memory fails with decryption_failed (encrypt-store.test.ts)',
    },
  },
);

/** The file of each wrapped store a test opened. */
const files = new WeakMap<StateStore, string>();
let count = 0;

describeStateStoreConformance(
  'encryptingStoreWrapper over createSqliteStore (file)',
  () => {
    const path = join(directory, `store-${(count += 1)}.db`);
    const store = encryptingStoreWrapper({ sealer, tenant: 'acme' })(
      createSqliteStore({ path }),
      'agents',
    );
    files.set(store, path);
    return store;
  },
  {
    // The SQLite store's checksum covers the sealed form; a damaged byte is data_corrupted there.
    integrity: {
      corrupt: (store, key, change) => {
        const path = files.get(store);
        if (path === undefined) throw new Error('The store was not opened by this test file.');
        changeRawData(path, key, change);
      },
    },
  },
);
