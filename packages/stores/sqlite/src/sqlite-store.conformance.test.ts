import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStateStoreConformance } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { createSqliteStore } from './create-sqlite-store.js';

const directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-conformance-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describeStateStoreConformance('createSqliteStore (:memory:)', () =>
  createSqliteStore({ path: ':memory:' }),
);

let files = 0;
describeStateStoreConformance('createSqliteStore (file)', () =>
  createSqliteStore({ path: join(directory, `store-${(files += 1)}.db`) }),
);
