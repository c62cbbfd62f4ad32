import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStateStoreConformance } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { corruptFileStoreEntry, createFileStore } from './__fixtures__/file-store.js';

const root = mkdtempSync(join(tmpdir(), 'agentry-file-store-'));
let count = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The crash test below trusts this store, so it must do what every store does.
describeStateStoreConformance(
  'file store (test fixture)',
  () => createFileStore(join(root, String((count += 1)))),
  // The store under test is always the latest one made.
  {
    integrity: {
      corrupt: (_, key, change) => corruptFileStoreEntry(join(root, String(count)), key, change),
    },
  },
);
